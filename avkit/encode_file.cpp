#include "avkit/encode_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "avkit/decoder.hpp"
#include "avkit/open_input.hpp"

namespace wt::av::detail {

namespace fs = std::filesystem;

// Not mkstemp: its 0600 would end up on the finished file; 0666 leaves the choice to the umask.
TempFile::TempFile(const fs::path& target) {
    static std::atomic<unsigned> counter{0};
    for (int attempt = 0; attempt < 100 && fd_ < 0; ++attempt) {
        fs::path candidate = fs::path(target) += fmt::format(".{}-{}.part", ::getpid(), counter++);
        fd_ = ::open(candidate.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (fd_ >= 0)
            path_ = std::move(candidate);
        else if (errno != EEXIST)
            break;
    }
}

TempFile::~TempFile() {
    if (fd_ >= 0) ::close(fd_);
    std::error_code ignored;
    if (!keep_ && !path_.empty()) fs::remove(path_, ignored);
}

bool TempFile::write_all(const std::uint8_t* data, std::size_t size) {
    while (size > 0) {
        const ssize_t n = ::write(fd_, data, size);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        data += n;
        size -= static_cast<std::size_t>(n);
    }
    return sync_and_close();
}

bool TempFile::sync_and_close() {
    const bool synced = ::fsync(fd_) == 0;
    const int fd = std::exchange(fd_, -1);
    return ::close(fd) == 0 && synced;
}

Result<void> encode_to_file(AVCodecContext* enc, const AVCodec* codec, const AVFrame* picture, const fs::path& file,
                            std::string_view what) {
    PacketPtr pkt = make_packet();
    if (!pkt) return fail(ErrorCode::internal, fmt::format("out of memory encoding {}", what));
    if (const int ret = avcodec_open2(enc, codec, nullptr); ret < 0)
        return fail(ErrorCode::internal, fmt::format("encoding {} failed ({})", what, error_text(ret)));
    std::vector<std::uint8_t> bytes;
    const PacketSink keep = [&](AVPacket* p) -> Result<void> {
        bytes.insert(bytes.end(), p->data, p->data + p->size);
        return {};
    };
    if (auto r = encode_and_drain(enc, picture, pkt.get(), what, keep); !r) return r;
    if (auto r = encode_and_drain(enc, nullptr, pkt.get(), what, keep); !r) return r;

    TempFile tmp(file);
    if (!tmp.ok()) return fail(ErrorCode::io, fmt::format("cannot write {}: {}", quoted(file), std::strerror(errno)));
    if (!tmp.write_all(bytes.data(), bytes.size()))
        return fail(ErrorCode::io, fmt::format("cannot write {}: {}", quoted(tmp.path()), std::strerror(errno)));
    std::error_code ec;
    fs::rename(tmp.path(), file, ec);
    if (ec) return fail(ErrorCode::io, fmt::format("cannot write {}: {}", quoted(file), ec.message()));
    tmp.keep();
    return {};
}

}  // namespace wt::av::detail
