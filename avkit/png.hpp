#pragma once
// Writing still pictures as PNG, through libavcodec's encoder (no extra library).
// Thread-safety: self-contained; any thread.
#include <cstdint>
#include <filesystem>
#include <span>

#include "common/result.hpp"

namespace wt::av {

// Writes a width x height picture given as RGBA rows, top to bottom, `stride` bytes apart, as an
// opaque 8-bit RGB PNG (alpha is dropped). Written to a unique temporary file next to `png` and
// renamed over it only when complete, so a failure never leaves a half-written PNG.
Result<void> write_png(const std::filesystem::path& png, std::span<const std::uint8_t> rgba, int width, int height,
                       int stride);

}  // namespace wt::av
