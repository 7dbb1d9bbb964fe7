#pragma once
// A copy of a video for browsers that cannot play its sound (Safari and Opus in MP4): the video
// copied packet for packet, the sound decoded and encoded once as AAC (FFmpeg's native encoder,
// 128 kb/s), in an MP4 whose index comes first so that it plays while it downloads.
// Thread-safety: self-contained; runs on any thread.
#include <atomic>
#include <filesystem>

#include "common/result.hpp"

namespace wt::av {

// Writes the AAC copy of `source` to `target`: into "<target>.<pid>-<n>.part" beside it, flushed,
// then renamed to `target` unless a file is there already (that one is kept: someone else made
// the same copy). A reader of `target` sees all of it or nothing. Sound that is AAC already is
// copied as it is; a source without sound gives its video alone. `stop`, when given, is looked at
// between packets: once set, the work ends (conflict) and leaves nothing behind. Errors name the
// source (bad_media: it cannot be read or its sound decoded; io: the target cannot be written).
Result<void> write_aac_copy(const std::filesystem::path& source, const std::filesystem::path& target,
                            const std::atomic<bool>* stop = nullptr);

}  // namespace wt::av
