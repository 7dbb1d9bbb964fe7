#pragma once
// Private to avkit: writing files that appear complete or not at all. The last step shared by
// write_png() and write_thumbnail() (one picture through an encoder), and the temporary file
// beside the target that write_aac_copy() also writes through.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string_view>

#include "avkit/av_ptr.hpp"
#include "common/result.hpp"

namespace wt::av::detail {

// A unique file "<target>.<pid>-<n>.part" beside its target (same file system, so renaming it into
// place is atomic), removed at scope exit unless kept.
class TempFile {
public:
    explicit TempFile(const std::filesystem::path& target);
    ~TempFile();
    TempFile(const TempFile&) = delete;
    TempFile& operator=(const TempFile&) = delete;

    bool ok() const { return fd_ >= 0; }
    const std::filesystem::path& path() const { return path_; }
    // All of `data`, then sync_and_close().
    bool write_all(const std::uint8_t* data, std::size_t size);
    // fsync and close: what was written (here, or by anyone else through its path) is on disk
    // before a rename makes it visible.
    bool sync_and_close();
    void keep() { keep_ = true; }

private:
    int fd_ = -1;
    std::filesystem::path path_;
    bool keep_ = false;
};

// Opens `enc` (set up by the caller) with `codec`, encodes `picture` as its only frame and writes the
// packet to a unique temporary file beside `file` (same file system, so the rename is atomic),
// flushed to disk, then renamed over `file`. On failure nothing is left behind. `what` names the
// picture in the message when encoding fails ("encoding <what> failed").
Result<void> encode_to_file(AVCodecContext* enc, const AVCodec* codec, const AVFrame* picture,
                            const std::filesystem::path& file, std::string_view what);

}  // namespace wt::av::detail
