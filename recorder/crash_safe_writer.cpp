#include "recorder/crash_safe_writer.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <mutex>

#include <fmt/format.h>

namespace wt::recorder {

namespace {
constexpr int k_io_buffer = 64 * 1024;
constexpr auto k_sync_every = std::chrono::seconds(1);
}  // namespace

int CrashSafeWriter::write_cb(void* self, uint8_t* buf, int size) {
    auto* w = static_cast<CrashSafeWriter*>(self);
    int done = 0;
    while (done < size) {
        ssize_t n = ::write(w->fd_, buf + done, static_cast<size_t>(size - done));
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            w->write_errno_.store(errno);
            return AVERROR(errno);
        }
        done += static_cast<int>(n);
    }
    w->bytes_.fetch_add(size);
    return size;
}

int64_t CrashSafeWriter::seek_cb(void* self, int64_t offset, int whence) {
    auto* w = static_cast<CrashSafeWriter*>(self);
    if (whence == AVSEEK_SIZE) {
        struct stat st {};
        return ::fstat(w->fd_, &st) == 0 ? st.st_size : AVERROR(errno);
    }
    off_t r = ::lseek(w->fd_, offset, whence & ~AVSEEK_FORCE);
    return r < 0 ? AVERROR(errno) : r;
}

Result<std::unique_ptr<CrashSafeWriter>> CrashSafeWriter::create(const std::filesystem::path& file) {
    std::unique_ptr<CrashSafeWriter> w(new CrashSafeWriter);
    w->path_ = file;
    auto claim = IncomingClaim::create(file);
    if (!claim) return std::unexpected(claim.error());
    w->fd_ = claim->fd();
    w->claim_.emplace(std::move(*claim));
    auto* buffer = static_cast<unsigned char*>(av_malloc(k_io_buffer));
    if (!buffer) return fail(ErrorCode::internal, "out of memory");
    w->io_.reset(avio_alloc_context(buffer, k_io_buffer, 1, w.get(), nullptr, &CrashSafeWriter::write_cb,
                                    &CrashSafeWriter::seek_cb));
    if (!w->io_) {
        av_free(buffer);
        return fail(ErrorCode::internal, "out of memory");
    }
    AVFormatContext* raw = nullptr;
    int ret = avformat_alloc_output_context2(&raw, nullptr, "matroska", nullptr);
    if (ret < 0) return fail(ErrorCode::internal, fmt::format("no Matroska muxer: {}", av::error_text(ret)));
    w->format_.reset(raw);
    raw->pb = w->io_.get();
    // Per-packet flush: without it libav holds up to 64 KiB (our buffer) of finished data.
    raw->flags |= AVFMT_FLAG_CUSTOM_IO | AVFMT_FLAG_FLUSH_PACKETS;
    // Interleaving waits for the slower stream; bound that wait so it cannot widen the loss window.
    raw->max_interleave_delta = 500'000;

    w->sync_thread_ = std::jthread([fd = w->fd_](std::stop_token stop) {
        std::mutex m;
        std::condition_variable_any cv;
        std::unique_lock lock(m);
        while (!stop.stop_requested()) {
            cv.wait_for(lock, stop, k_sync_every, [] { return false; });
            ::fdatasync(fd);
        }
    });
    return w;
}

CrashSafeWriter::~CrashSafeWriter() {
    stop_sync_thread();
    if (format_) format_->pb = nullptr;
    format_.reset();
    io_.reset();
}

void CrashSafeWriter::stop_sync_thread() {
    if (sync_thread_.joinable()) {
        sync_thread_.request_stop();
        sync_thread_.join();
    }
}

Result<int> CrashSafeWriter::add_stream(const AVCodecContext* encoder) {
    AVStream* st = avformat_new_stream(format_.get(), nullptr);
    if (!st) return fail(ErrorCode::internal, "out of memory adding a stream");
    int ret = avcodec_parameters_from_context(st->codecpar, encoder);
    if (ret < 0) return fail(ErrorCode::internal, fmt::format("cannot describe a stream: {}", av::error_text(ret)));
    st->time_base = encoder->time_base;
    // The nominal rate (Matroska's default frame duration): a variable-frame-rate stream's last
    // picture can then be given one frame of duration when the file is finished or recovered.
    if (encoder->codec_type == AVMEDIA_TYPE_VIDEO) st->avg_frame_rate = encoder->framerate;
    return st->index;
}

Result<void> CrashSafeWriter::start() {
    AVDictionary* opts = nullptr;
    av_dict_set(&opts, "cluster_time_limit", "1000", 0);  // ms: a cluster is only written when closed
    av_dict_set(&opts, "cluster_size_limit", "2097152", 0);
    int ret = avformat_write_header(format_.get(), &opts);
    av_dict_free(&opts);
    if (ret < 0) {
        return fail(ErrorCode::io, fmt::format("cannot start writing {}: {}", path_.string(), av::error_text(ret)));
    }
    return {};
}

Result<void> CrashSafeWriter::write(AVPacket* packet, AVRational encoder_time_base, int index) {
    packet->stream_index = index;
    av_packet_rescale_ts(packet, encoder_time_base, format_->streams[index]->time_base);
    int ret = av_interleaved_write_frame(format_.get(), packet);
    if (ret < 0) {
        int err = write_errno_.load();
        std::string why = err ? std::strerror(err) : av::error_text(ret);
        return fail(ErrorCode::io, fmt::format("writing {} failed: {}{}", path_.string(), why,
                                               err == ENOSPC ? "; the disk is full" : ""));
    }
    return {};
}

Result<void> CrashSafeWriter::finish() {
    int ret = av_write_trailer(format_.get());
    avio_flush(io_.get());
    stop_sync_thread();
    ::fdatasync(fd_);
    if (ret < 0) {
        return fail(ErrorCode::io, fmt::format("cannot finish {}: {}", path_.string(), av::error_text(ret)));
    }
    return {};
}

}  // namespace wt::recorder
