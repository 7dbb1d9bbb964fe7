#pragma once
// Private to avkit: the last step shared by write_png() and write_thumbnail(), one picture through an
// encoder into a file that appears complete or not at all.
#include <filesystem>
#include <string_view>

#include "avkit/av_ptr.hpp"
#include "common/result.hpp"

namespace wt::av::detail {

// Opens `enc` (set up by the caller) with `codec`, encodes `picture` as its only frame and writes the
// packet to a unique temporary file beside `file` (same file system, so the rename is atomic),
// flushed to disk, then renamed over `file`. On failure nothing is left behind. `what` names the
// picture in the message when encoding fails ("encoding <what> failed").
Result<void> encode_to_file(AVCodecContext* enc, const AVCodec* codec, const AVFrame* picture,
                            const std::filesystem::path& file, std::string_view what);

}  // namespace wt::av::detail
