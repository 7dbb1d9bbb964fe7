#pragma once
// Writing files so that nothing is lost or clobbered: data goes to a uniquely named temporary
// file next to its destination, is flushed, and is then published under the real name only if
// that name is still free. A crash leaves at most a stray "*.part" file, never a half-written
// file under a real name, and never overwrites a file someone else put there meanwhile.
//
// A temporary file is named "<destination>.<pid>-<random>.part" and holds an exclusive flock for
// as long as its writer lives (also after it is published, until the writer lets go): whoever
// finds one later can tell a running writer's file from a dead one's (see leftovers.cpp).
#include <cstdint>
#include <filesystem>
#include <string_view>

#include "catalog/catalog.hpp"

namespace wt::catalog {

Error io_error(const std::filesystem::path& p, std::string_view doing, int err);

class TempFile {
public:
    // Creates "<destination>.<pid>-<random>.part" in the destination's folder, mode 0666 less the
    // umask (as any program's new file), locked.
    static Result<TempFile> create(const std::filesystem::path& destination);
    TempFile(TempFile&& other) noexcept;
    TempFile& operator=(TempFile&&) = delete;
    ~TempFile();  // removes the file unless it was published, then lets go of the lock

    const std::filesystem::path& path() const { return path_; }
    Result<void> write(std::string_view bytes);
    // Appends all of `source`, reporting progress as a fraction of `total` scaled into [0, scale].
    Result<void> copy_from(const std::filesystem::path& source, std::int64_t total, const Progress& progress,
                           double scale);
    // The same from an open file (read from where it stands).
    Result<void> copy_from(int source_fd, const std::filesystem::path& source, std::int64_t total,
                           const Progress& progress, double scale);
    // Flushes to disk and renames to `destination` unless that exists (ErrorCode::conflict). The
    // published file stays locked until this object goes: a file in the library's media folder that
    // no recording owns yet is recognised as an import still under way.
    Result<void> publish(const std::filesystem::path& destination);

private:
    TempFile(std::filesystem::path path, int fd) : path_(std::move(path)), fd_(fd) {}
    std::filesystem::path path_;
    int fd_ = -1;
    bool published_ = false;
};

// Removes a path on scope exit unless disarmed (path cleared): the undo of a half-finished step.
// Not copyable: a copied guard would run its undo twice, or from a temporary at once.
struct RemoveOnFailure {
    std::filesystem::path path;
    RemoveOnFailure() = default;
    explicit RemoveOnFailure(std::filesystem::path p) : path(std::move(p)) {}
    RemoveOnFailure(const RemoveOnFailure&) = delete;
    RemoveOnFailure& operator=(const RemoveOnFailure&) = delete;
    ~RemoveOnFailure() {
        std::error_code ec;
        if (!path.empty()) std::filesystem::remove(path, ec);
    }
};

// Renames `from` to `to` unless `to` exists (ErrorCode::conflict); same file system only.
Result<void> rename_no_replace(const std::filesystem::path& from, const std::filesystem::path& to);

// The file a path stored in the catalog names: "media/<name>" under the library's media folder,
// and nothing else. An absolute path, "..", a subfolder or an empty name is refused
// (ErrorCode::conflict, naming the recording's stored path), so a damaged or hostile row can never
// make the library read, export or delete a file elsewhere. Every place that turns a stored path
// into a file goes through here.
Result<std::filesystem::path> stored_media_file(const std::filesystem::path& library_root, std::string_view stored);

}  // namespace wt::catalog
