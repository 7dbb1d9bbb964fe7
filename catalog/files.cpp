#include "catalog/files.hpp"

#include <fcntl.h>
#include <stdio.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include <fmt/format.h>

#include "catalog/library_impl.hpp"
#include "common/text.hpp"

namespace fs = std::filesystem;

namespace wt::catalog {

namespace {

bool lock_exclusive(int fd) {
    int rc;
    do rc = ::flock(fd, LOCK_EX);
    while (rc != 0 && errno == EINTR);
    return rc == 0;
}

// Whether `path` still names the file open as `fd`.
bool still_named(int fd, const fs::path& path) {
    struct stat open_file {
    }, named{};
    return ::fstat(fd, &open_file) == 0 && ::stat(path.c_str(), &named) == 0 && open_file.st_dev == named.st_dev &&
           open_file.st_ino == named.st_ino;
}

}  // namespace

Error io_error(const fs::path& p, std::string_view doing, int err) {
    std::string hint = err == ENOSPC ? "; free some space and try again" : "";
    return {ErrorCode::io,
            fmt::format("cannot {} {} ({}){}", doing, p.empty() ? "." : p.string(), std::strerror(err), hint)};
}

Result<TempFile> TempFile::create(const fs::path& destination) {
    for (int attempt = 0; attempt < 100; ++attempt) {
        fs::path candidate = fs::path(destination) += fmt::format(".{}-{}.part", ::getpid(), new_id());
        // Not mkstemp: its 0600 would stay on the published file, unreadable to the teammates the
        // umask lets read it.
        const int fd = ::open(candidate.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (fd < 0) {
            if (errno == EEXIST) continue;
            return std::unexpected(io_error(destination.parent_path(), "create a file in", errno));
        }
        // Someone cleaning leftovers may hold the lock for a moment, and may have removed the name
        // meanwhile had it taken this process for dead: then start over under a new name.
        if (lock_exclusive(fd) && still_named(fd, candidate)) return TempFile(std::move(candidate), fd);
        ::close(fd);
    }
    return fail(ErrorCode::io, fmt::format("cannot create a temporary file in {}; check that nothing else keeps "
                                           "removing files there",
                                           destination.parent_path().string()));
}

TempFile::TempFile(TempFile&& other) noexcept
    : path_(std::move(other.path_)), fd_(other.fd_), published_(other.published_) {
    other.fd_ = -1;
    other.path_.clear();
}

TempFile::~TempFile() {
    // The name goes before the lock, so nobody finds an unlocked, unpublished file of a live writer.
    if (!published_ && !path_.empty()) ::unlink(path_.c_str());
    if (fd_ >= 0) ::close(fd_);
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
    auto result = copy_from(in, source, total, progress, scale);
    ::close(in);
    return result;
}

Result<void> TempFile::copy_from(int in, const fs::path& source, std::int64_t total, const Progress& progress,
                                 double scale) {
    std::vector<char> buf(1 << 20);
    std::int64_t done = 0;
    for (;;) {
        ssize_t n = ::read(in, buf.data(), buf.size());
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return std::unexpected(io_error(source, "read", errno));
        if (n == 0) return {};
        if (auto r = write(std::string_view(buf.data(), static_cast<size_t>(n))); !r) return r;
        done += n;
        const double fraction = total > 0 ? static_cast<double>(done) / static_cast<double>(total) : 0.5;
        if (progress && !progress(scale * fraction, "copying")) {
            return fail(ErrorCode::conflict, "cancelled; nothing was written");
        }
    }
}

Result<void> TempFile::publish(const fs::path& destination) {
    if (::fsync(fd_) != 0) return std::unexpected(io_error(path_, "flush", errno));
    if (auto r = rename_no_replace(path_, destination); !r) return r;
    published_ = true;
    path_ = destination;
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

Result<fs::path> stored_media_file(const fs::path& library_root, std::string_view stored) {
    constexpr std::string_view folder = "media/";
    const std::string_view name = stored.substr(std::min(folder.size(), stored.size()));
    const bool inside = stored.starts_with(folder) && !name.empty() && name != "." && name != ".." &&
                        name.find('/') == std::string_view::npos && name.find('\0') == std::string_view::npos;
    if (!inside) {
        return fail(ErrorCode::conflict,
                    fmt::format("the catalog names '{}' as this recording's file, which is not a file in the "
                                "library's media folder {}; nothing there was read or removed. `walkthrough doctor` "
                                "lists such entries",
                                cut_utf8(std::string(stored), 200), (library_root / "media").string()));
    }
    return library_root / "media" / std::string(name);
}

}  // namespace wt::catalog
