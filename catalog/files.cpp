#include "catalog/files.hpp"

#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include <fmt/format.h>

namespace fs = std::filesystem;

namespace wt::catalog {

Error io_error(const fs::path& p, std::string_view doing, int err) {
    std::string hint = err == ENOSPC ? "; free some space and try again" : "";
    return {ErrorCode::io, fmt::format("cannot {} {} ({}){}", doing, p.string(), std::strerror(err), hint)};
}

Result<TempFile> TempFile::create(const fs::path& destination) {
    std::string templ = destination.string() + ".XXXXXX.part";
    int fd = ::mkostemps(templ.data(), 5, O_CLOEXEC);
    if (fd < 0) return std::unexpected(io_error(destination.parent_path(), "create a file in", errno));
    return TempFile(templ, fd);
}

TempFile::TempFile(TempFile&& other) noexcept : path_(std::move(other.path_)), fd_(other.fd_) {
    other.fd_ = -1;
    other.path_.clear();
}

TempFile::~TempFile() {
    if (fd_ >= 0) ::close(fd_);
    if (!path_.empty()) ::unlink(path_.c_str());
}

Result<void> TempFile::write(std::string_view bytes) {
    while (!bytes.empty()) {
        ssize_t n = ::write(fd_, bytes.data(), bytes.size());
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return std::unexpected(io_error(path_, "write", errno));
        bytes.remove_prefix(static_cast<size_t>(n));
    }
    return {};
}

Result<void> TempFile::copy_from(const fs::path& source, std::int64_t total, const Progress& progress, double scale) {
    int in = ::open(source.c_str(), O_RDONLY | O_CLOEXEC);
    if (in < 0) return std::unexpected(io_error(source, "read", errno));
    std::vector<char> buf(1 << 20);
    std::int64_t done = 0;
    Result<void> result;
    for (;;) {
        ssize_t n = ::read(in, buf.data(), buf.size());
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            result = std::unexpected(io_error(source, "read", errno));
            break;
        }
        if (n == 0) break;
        result = write(std::string_view(buf.data(), static_cast<size_t>(n)));
        if (!result) break;
        done += n;
        const double fraction = total > 0 ? static_cast<double>(done) / static_cast<double>(total) : 0.5;
        if (progress && !progress(scale * fraction, "copying")) {
            result = fail(ErrorCode::conflict, "cancelled; nothing was written");
            break;
        }
    }
    ::close(in);
    return result;
}

Result<void> TempFile::publish(const fs::path& destination) {
    if (::fsync(fd_) != 0) return std::unexpected(io_error(path_, "flush", errno));
    int rc = ::close(fd_);
    fd_ = -1;
    if (rc != 0) return std::unexpected(io_error(path_, "flush", errno));
    if (auto r = rename_no_replace(path_, destination); !r) return r;
    path_.clear();
    return {};
}

Result<void> rename_no_replace(const fs::path& from, const fs::path& to) {
    int rc = ::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE);
    if (rc != 0 && (errno == EINVAL || errno == ENOSYS)) {
        // File systems without RENAME_NOREPLACE: link() refuses an existing name just the same.
        rc = ::link(from.c_str(), to.c_str());
        if (rc == 0) ::unlink(from.c_str());
    }
    if (rc == 0) return {};
    if (errno == EEXIST) {
        return fail(ErrorCode::conflict,
                    fmt::format("{} already exists; nothing was overwritten, choose another name", to.string()));
    }
    return std::unexpected(io_error(to, "create", errno));
}

}  // namespace wt::catalog
