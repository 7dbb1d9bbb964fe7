#include "avkit/png.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <string>
#include <utility>

#include <fmt/format.h>

#include "avkit/av_ptr.hpp"
#include "avkit/open_input.hpp"

namespace wt::av {

namespace {

namespace fs = std::filesystem;

// A unique file beside the target (same file system, so rename is atomic), removed unless kept.
class TempFile {
public:
    // Not mkstemp: its 0600 would end up on the finished picture; 0666 leaves the choice to the umask.
    explicit TempFile(const fs::path& target) {
        static std::atomic<unsigned> counter{0};
        for (int attempt = 0; attempt < 100 && m_fd < 0; ++attempt) {
            fs::path candidate = fs::path(target) += fmt::format(".{}-{}.part", ::getpid(), counter++);
            m_fd = ::open(candidate.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
            if (m_fd >= 0) m_path = std::move(candidate);
            else if (errno != EEXIST) break;
        }
    }
    ~TempFile() {
        if (m_fd >= 0) ::close(m_fd);
        std::error_code ignored;
        if (!m_keep && !m_path.empty()) fs::remove(m_path, ignored);
    }
    TempFile(const TempFile&) = delete;
    TempFile& operator=(const TempFile&) = delete;

    bool ok() const { return m_fd >= 0; }
    const fs::path& path() const { return m_path; }
    // All of `data`, then fsync and close: the bytes are on disk before the rename makes them visible.
    bool write_all(const std::uint8_t* data, std::size_t size) {
        while (size > 0) {
            const ssize_t n = ::write(m_fd, data, size);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) return false;
            data += n;
            size -= static_cast<std::size_t>(n);
        }
        const bool synced = ::fsync(m_fd) == 0;
        const int fd = std::exchange(m_fd, -1);
        return ::close(fd) == 0 && synced;
    }
    void keep() { m_keep = true; }

private:
    int m_fd = -1;
    fs::path m_path;
    bool m_keep = false;
};

}  // namespace

Result<void> write_png(const fs::path& png, std::span<const std::uint8_t> rgba, int width, int height, int stride) {
    if (width <= 0 || height <= 0 || stride < width * 4 ||
        rgba.size() < static_cast<std::size_t>(stride) * (height - 1) + static_cast<std::size_t>(width) * 4)
        return fail(ErrorCode::invalid_input,
                    fmt::format("cannot write {}: the picture ({}x{}, {} bytes) is empty or too small",
                                detail::quoted(png), width, height, rgba.size()));
    detail::quiet_libav_logs();
    const AVCodec* codec = avcodec_find_encoder(AV_CODEC_ID_PNG);
    if (!codec) return fail(ErrorCode::internal, "this libavcodec has no PNG encoder");
    CodecContextPtr enc(avcodec_alloc_context3(codec));
    FramePtr frame = make_frame();
    PacketPtr pkt = make_packet();
    if (!enc || !frame || !pkt) return fail(ErrorCode::internal, "out of memory encoding a PNG");

    // RGB rather than RGBA: the picture is opaque, and a quarter fewer bytes compress faster.
    frame->format = AV_PIX_FMT_RGB24;
    frame->width = width;
    frame->height = height;
    int ret = av_frame_get_buffer(frame.get(), 0);
    if (ret < 0) return fail(ErrorCode::internal, "out of memory encoding a PNG");
    for (int y = 0; y < height; ++y) {
        const std::uint8_t* src = rgba.data() + static_cast<std::size_t>(y) * stride;
        std::uint8_t* dst = frame->data[0] + static_cast<std::ptrdiff_t>(y) * frame->linesize[0];
        for (int x = 0; x < width; ++x) std::memcpy(dst + 3 * x, src + 4 * x, 3);
    }
    enc->width = width;
    enc->height = height;
    enc->pix_fmt = AV_PIX_FMT_RGB24;
    enc->time_base = AVRational{1, 25};
    frame->pts = 0;
    if ((ret = avcodec_open2(enc.get(), codec, nullptr)) < 0 || (ret = avcodec_send_frame(enc.get(), frame.get())) < 0 ||
        (ret = avcodec_send_frame(enc.get(), nullptr)) < 0 || (ret = avcodec_receive_packet(enc.get(), pkt.get())) < 0)
        return fail(ErrorCode::internal, fmt::format("encoding {} failed ({})", detail::quoted(png), error_text(ret)));

    TempFile tmp(png);
    if (!tmp.ok())
        return fail(ErrorCode::io, fmt::format("cannot write {}: {}", detail::quoted(png), std::strerror(errno)));
    if (!tmp.write_all(pkt->data, static_cast<std::size_t>(pkt->size)))
        return fail(ErrorCode::io, fmt::format("cannot write {}: {}", detail::quoted(tmp.path()), std::strerror(errno)));
    std::error_code ec;
    fs::rename(tmp.path(), png, ec);
    if (ec) return fail(ErrorCode::io, fmt::format("cannot write {}: {}", detail::quoted(png), ec.message()));
    tmp.keep();
    return {};
}

}  // namespace wt::av
