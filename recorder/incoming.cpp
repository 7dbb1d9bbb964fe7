#include "recorder/incoming.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

namespace fs = std::filesystem;

namespace wt::recorder {

namespace {

constexpr const char* k_set_aside_suffix = ".unrecoverable";

fs::path details_temp(const fs::path& recording_file) {
    fs::path tmp = details_file(recording_file);
    tmp += ".tmp";
    return tmp;
}

Error os_error(const fs::path& p, const char* doing, int err) {
    return Error{ErrorCode::io, fmt::format("cannot {} {} ({}){}", doing, p.string(), std::strerror(err),
                                            err == ENOSPC   ? "; the disk is full: free some space"
                                            : err == EACCES ? "; check the folder's permissions"
                                                            : "")};
}

void sync_folder(const fs::path& dir) {
    int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return;
    ::fsync(fd);
    ::close(fd);
}

}  // namespace

Result<IncomingClaim> IncomingClaim::create(const fs::path& file) {
    // Made and locked under a name recovery does not look at, then renamed (the lock stays with the
    // file): a scan can never find the file before it is claimed and take it for a dead recording.
    const fs::path unnamed = file.parent_path() / fmt::format(".{}.new", file.filename().string());
    int fd = ::open(unnamed.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0666);  // less the umask, like any new file
    if (fd < 0) return std::unexpected(os_error(file, "create", errno));
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0 ||
        ::renameat2(AT_FDCWD, unnamed.c_str(), AT_FDCWD, file.c_str(), RENAME_NOREPLACE) != 0) {
        const int err = errno;
        ::close(fd);
        ::unlink(unnamed.c_str());
        return std::unexpected(os_error(file, "create", err));
    }
    return IncomingClaim(fd, file);
}

std::optional<IncomingClaim> IncomingClaim::try_take(const fs::path& file) {
    int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return std::nullopt;
    IncomingClaim claim(fd, file);
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) return std::nullopt;
    // Between open and flock the previous holder may have finished the file and removed or
    // renamed it: then the lock is on a file that is no longer this name, and there is nothing to do.
    struct stat held {
    }, named{};
    if (::fstat(fd, &held) != 0 || ::stat(file.c_str(), &named) != 0) return std::nullopt;
    if (held.st_dev != named.st_dev || held.st_ino != named.st_ino) return std::nullopt;
    return claim;
}

IncomingClaim::IncomingClaim(IncomingClaim&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), file_(std::move(other.file_)) {}

IncomingClaim& IncomingClaim::operator=(IncomingClaim&& other) noexcept {
    if (this != &other) {
        if (fd_ >= 0) ::close(fd_);
        fd_ = std::exchange(other.fd_, -1);
        file_ = std::move(other.file_);
    }
    return *this;
}

IncomingClaim::~IncomingClaim() {
    if (fd_ >= 0) ::close(fd_);  // the lock goes with the descriptor
}

void IncomingClaim::remove_files() const {
    std::error_code ec;
    fs::remove(file_, ec);
    fs::remove(details_file(file_), ec);
    fs::remove(details_temp(file_), ec);
}

Result<fs::path> IncomingClaim::set_aside() const {
    fs::path aside = file_;
    aside += k_set_aside_suffix;
    if (::rename(file_.c_str(), aside.c_str()) != 0) return std::unexpected(os_error(file_, "rename", errno));
    return aside;
}

fs::path details_file(const fs::path& recording_file) {
    fs::path f = recording_file;
    if (f.extension() == k_set_aside_suffix) f.replace_extension();
    f.replace_extension(".json");
    return f;
}

Result<void> write_details(const fs::path& recording_file, const std::string& text) {
    const fs::path tmp = details_temp(recording_file);
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);  // less the umask
    if (fd < 0) return std::unexpected(os_error(tmp, "create", errno));
    size_t done = 0;
    while (done < text.size()) {
        ssize_t n = ::write(fd, text.data() + done, text.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            const int err = errno;
            ::close(fd);
            ::unlink(tmp.c_str());
            return std::unexpected(os_error(tmp, "write", err));
        }
        done += static_cast<size_t>(n);
    }
    if (::fsync(fd) != 0 || ::close(fd) != 0) {
        const int err = errno;
        ::unlink(tmp.c_str());
        return std::unexpected(os_error(tmp, "write", err));
    }
    const fs::path final_name = details_file(recording_file);
    if (::rename(tmp.c_str(), final_name.c_str()) != 0) {
        const int err = errno;
        ::unlink(tmp.c_str());
        return std::unexpected(os_error(final_name, "create", err));
    }
    sync_folder(final_name.parent_path());
    return {};
}

std::optional<std::string> read_details(const fs::path& recording_file) {
    std::ifstream in(details_file(recording_file), std::ios::binary);
    if (!in) return std::nullopt;
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

std::vector<fs::path> interrupted_recordings(const fs::path& incoming_dir) {
    std::vector<fs::path> out;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(incoming_dir, ec)) {
        const fs::path& p = e.path();
        if (p.extension() == ".json") {
            fs::path recording = p;
            recording.replace_extension(".mkv");
            fs::path aside = recording;
            aside += k_set_aside_suffix;
            std::error_code exists_ec;
            if (!fs::exists(recording, exists_ec) && !exists_ec && !fs::exists(aside, exists_ec) && !exists_ec) {
                fs::remove(p, exists_ec);  // its recording is in the catalog; a crash kept these
            }
            continue;
        }
        if (p.extension() != ".mkv" || !e.is_regular_file(ec)) continue;
        int fd = ::open(p.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0) continue;
        const bool free = ::flock(fd, LOCK_EX | LOCK_NB) == 0;
        ::close(fd);
        if (free) out.push_back(p);
    }
    std::sort(out.begin(), out.end());
    return out;
}

std::vector<fs::path> set_aside_recordings(const fs::path& incoming_dir) {
    std::vector<fs::path> out;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(incoming_dir, ec)) {
        if (e.path().extension() == k_set_aside_suffix && e.is_regular_file(ec)) out.push_back(e.path());
    }
    std::sort(out.begin(), out.end());  // rec-<ms>-…: oldest first
    return out;
}

}  // namespace wt::recorder
