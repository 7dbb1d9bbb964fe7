#include "remote/private_files.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <random>

#include <fmt/format.h>

namespace wt::remote {

namespace fs = std::filesystem;

Error io_failure(const fs::path& p, const char* doing, int err) {
    return {ErrorCode::io, fmt::format("cannot {} '{}': {}", doing, p.string(), std::strerror(err))};
}

namespace {

Result<void> write_all(int fd, const std::string& bytes, const fs::path& p) {
    size_t done = 0;
    while (done < bytes.size()) {
        const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return std::unexpected(io_failure(p, "write", errno));
        done += static_cast<size_t>(n);
    }
    return {};
}

}  // namespace

Result<void> private_dir(const fs::path& dir) {
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) return std::unexpected(io_failure(dir, "create the folder", ec.value()));
    if (::chmod(dir.c_str(), 0700) != 0) return std::unexpected(io_failure(dir, "make private the folder", errno));
    return {};
}

Result<void> write_private_file(const fs::path& dest, const std::string& bytes) {
    std::random_device rd;
    const fs::path temp = dest.string() + fmt::format(".{}-{:08x}.part", ::getpid(), rd());
    const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) return std::unexpected(io_failure(temp, "create", errno));
    auto written = write_all(fd, bytes, temp);
    if (written && ::fsync(fd) != 0) written = std::unexpected(io_failure(temp, "flush", errno));
    ::close(fd);
    if (written && ::rename(temp.c_str(), dest.c_str()) != 0) written = std::unexpected(io_failure(dest, "write", errno));
    if (!written) {
        ::unlink(temp.c_str());
        return written;
    }
    const int dir = ::open(dest.parent_path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir >= 0) {
        ::fsync(dir);  // the rename itself survives a crash
        ::close(dir);
    }
    return {};
}

}  // namespace wt::remote
