// After recording: the crash-safe Matroska becomes a regular MP4 (streams copied, index at the
// front), whether the recording was stopped cleanly or cut short by a crash.
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <vector>

#include <fmt/format.h>

#include "avkit/av_ptr.hpp"
#include "avkit/media_info.hpp"
#include "recorder/recorder.hpp"

namespace wt::recorder {

Result<std::int64_t> remux_to_mp4(const std::filesystem::path& in, const std::filesystem::path& out) {
    av::quiet_logs();
    AVFormatContext* raw_in = nullptr;
    int ret = avformat_open_input(&raw_in, in.c_str(), nullptr, nullptr);
    if (ret < 0) {
        return fail(ErrorCode::bad_media, fmt::format("cannot read {}: {}", in.string(), av::error_text(ret)));
    }
    av::InputFormatPtr input(raw_in);
    if ((ret = avformat_find_stream_info(raw_in, nullptr)) < 0) {
        return fail(ErrorCode::bad_media, fmt::format("cannot read {}: {}", in.string(), av::error_text(ret)));
    }
    AVFormatContext* raw_out = nullptr;
    if ((ret = avformat_alloc_output_context2(&raw_out, nullptr, "mp4", out.c_str())) < 0) {
        return fail(ErrorCode::internal, fmt::format("no MP4 muxer: {}", av::error_text(ret)));
    }
    av::OutputFormatPtr output(raw_out);
    std::vector<int> map(raw_in->nb_streams, -1);
    for (unsigned i = 0; i < raw_in->nb_streams; ++i) {
        const AVCodecParameters* par = raw_in->streams[i]->codecpar;
        if (par->codec_type != AVMEDIA_TYPE_VIDEO && par->codec_type != AVMEDIA_TYPE_AUDIO) continue;
        AVStream* st = avformat_new_stream(raw_out, nullptr);
        if (!st || avcodec_parameters_copy(st->codecpar, par) < 0) return fail(ErrorCode::internal, "out of memory");
        st->codecpar->codec_tag = 0;
        st->time_base = raw_in->streams[i]->time_base;
        map[i] = st->index;
    }
    if (std::all_of(map.begin(), map.end(), [](int m) { return m < 0; })) {
        return fail(ErrorCode::bad_media, fmt::format("{} holds no audio or video", in.string()));
    }
    if ((ret = avio_open(&raw_out->pb, out.c_str(), AVIO_FLAG_WRITE)) < 0) {
        return fail(ErrorCode::io, fmt::format("cannot create {}: {}", out.string(), av::error_text(ret)));
    }
    AVDictionary* opts = nullptr;
    av_dict_set(&opts, "movflags", "+faststart", 0);  // the index first: players start at once
    ret = avformat_write_header(raw_out, &opts);
    av_dict_free(&opts);
    if (ret < 0) return fail(ErrorCode::io, fmt::format("cannot write {}: {}", out.string(), av::error_text(ret)));

    av::PacketPtr pkt = av::make_packet();
    std::int64_t end_ms = 0;
    for (;;) {
        ret = av_read_frame(raw_in, pkt.get());
        if (ret < 0) break;  // the end, or where a crash cut the file: keep everything before it
        const int o = map[static_cast<size_t>(pkt->stream_index)];
        if (o < 0) {
            av_packet_unref(pkt.get());
            continue;
        }
        const AVRational tb_in = raw_in->streams[pkt->stream_index]->time_base;
        if (pkt->pts != AV_NOPTS_VALUE) {
            end_ms = std::max(end_ms, av_rescale_q(pkt->pts + pkt->duration, tb_in, {1, 1000}));
        }
        av_packet_rescale_ts(pkt.get(), tb_in, raw_out->streams[o]->time_base);
        pkt->stream_index = o;
        pkt->pos = -1;
        if ((ret = av_interleaved_write_frame(raw_out, pkt.get())) < 0) {
            return fail(ErrorCode::io, fmt::format("writing {} failed: {}", out.string(), av::error_text(ret)));
        }
    }
    if ((ret = av_write_trailer(raw_out)) < 0) {
        return fail(ErrorCode::io, fmt::format("cannot finish {}: {}", out.string(), av::error_text(ret)));
    }
    return end_ms;
}

std::vector<std::filesystem::path> interrupted_recordings(const std::filesystem::path& incoming_dir) {
    std::vector<std::filesystem::path> out;
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator(incoming_dir, ec)) {
        if (e.path().extension() != ".mkv" || !e.is_regular_file(ec)) continue;
        // A running recorder holds an exclusive lock on its file; the kernel drops it if the recorder dies.
        int fd = ::open(e.path().c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0) continue;
        const bool free = ::flock(fd, LOCK_EX | LOCK_NB) == 0;
        ::close(fd);
        if (free) out.push_back(e.path());
    }
    std::sort(out.begin(), out.end());
    return out;
}

}  // namespace wt::recorder
