#pragma once
// Writing files so that nothing is lost or clobbered: data goes to a uniquely named temporary
// file next to its destination, is flushed, and is then published under the real name only if
// that name is still free. A crash leaves at most a stray "*.part" file, never a half-written
// file under a real name, and never overwrites a file someone else put there meanwhile.
#include <cstdint>
#include <filesystem>
#include <string_view>

#include "catalog/catalog.hpp"

namespace wt::catalog {

Error io_error(const std::filesystem::path& p, std::string_view doing, int err);

class TempFile {
public:
    // Creates "<destination>.XXXXXX.part" in the destination's folder.
    static Result<TempFile> create(const std::filesystem::path& destination);
    TempFile(TempFile&& other) noexcept;
    TempFile& operator=(TempFile&&) = delete;
    ~TempFile();  // removes the file unless it was published

    const std::filesystem::path& path() const { return path_; }
    Result<void> write(std::string_view bytes);
    // Appends all of `source`, reporting progress as a fraction of `total` scaled into [0, scale].
    Result<void> copy_from(const std::filesystem::path& source, std::int64_t total, const Progress& progress,
                           double scale);
    // Flushes to disk, closes, and renames to `destination` unless that exists (ErrorCode::conflict).
    Result<void> publish(const std::filesystem::path& destination);

private:
    TempFile(std::filesystem::path path, int fd) : path_(std::move(path)), fd_(fd) {}
    std::filesystem::path path_;
    int fd_ = -1;
};

// Renames `from` to `to` unless `to` exists (ErrorCode::conflict); same file system only.
Result<void> rename_no_replace(const std::filesystem::path& from, const std::filesystem::path& to);

}  // namespace wt::catalog
