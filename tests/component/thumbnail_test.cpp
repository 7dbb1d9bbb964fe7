// Which moment a thumbnail shows (avkit/media_info.hpp, write_thumbnail): about 10 % in, taken at the
// first keyframe after that mark when one comes before the middle (it decodes alone), else decoded
// forward to the mark itself. Clips whose grey level tells the second they show; no display needed.
#include <cmath>
#include <filesystem>
#include <string>

#include <doctest/doctest.h>
#include <fmt/format.h>

#include "avkit/media_info.hpp"
#include "tests/media_edit.hpp"
#include "tests/support.hpp"

namespace fs = std::filesystem;
using wt::test::ffmpeg;
using wt::test::TempDir;

namespace {

// 20 s at 10 pictures a second, luma 16 + 10 x the whole second (limited range), keyframes at the
// times `keyframes` lists (ffmpeg's -force_key_frames) and nowhere else.
fs::path seconds_clip(const fs::path& file, const std::string& keyframes) {
    ffmpeg({"-f", "lavfi", "-i", "color=c=black:s=64x48:r=10:d=20", "-vf", "geq=lum='16+10*floor(T)':cb=128:cr=128",
            "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-g", "1000", "-sc_threshold", "0",
            "-force_key_frames", keyframes, file.string()});
    return file;
}

// The second a thumbnail shows, from its grey (the JPEG is full range: 10 luma steps are 11.64 there),
// or -1 when the grey is not that of a whole second (a picture decoded from a damaged reference).
int second_shown(const fs::path& jpeg) {
    const auto p = wt::test::picture_by_ffmpeg(jpeg);
    REQUIRE(p.width > 0);
    const size_t centre = (static_cast<size_t>(p.height / 2) * p.width + p.width / 2) * 3;
    const double grey = static_cast<unsigned char>(p.rgb.at(centre + 1));
    const double second = grey / (10 * 255.0 / 219);
    return std::abs(second - std::round(second)) < 0.25 ? static_cast<int>(std::round(second)) : -1;
}

int thumbnail_second(const fs::path& clip) {
    const fs::path jpeg = clip.string() + ".jpg";
    auto made = wt::av::write_thumbnail(clip, jpeg, 32);  // scaled, so stretched to full range
    REQUIRE_MESSAGE(made.has_value(), (made ? "" : made.error().message));
    return second_shown(jpeg);
}

}  // namespace

TEST_CASE("a thumbnail shows the first keyframe after the 10 % mark when it comes before the middle") {
    TempDir dir;
    for (const char* ext : {"mp4", "mkv"}) {
        CAPTURE(ext);
        // Keyframes every 2 s: the one at the mark (2 s of 20).
        CHECK(thumbnail_second(seconds_clip(dir / fmt::format("every2.{}", ext), "expr:gte(t,n_forced*2)")) == 2);
        // The recorder on a still screen: the keyframe after the mark is 7 s in, before the middle.
        CHECK(thumbnail_second(seconds_clip(dir / fmt::format("at7.{}", ext), "0,7")) == 7);
        // The next keyframe past the middle: decoded forward from the start to the mark instead.
        CHECK(thumbnail_second(seconds_clip(dir / fmt::format("at15.{}", ext), "0,15")) == 2);
        // None after the start at all: the same.
        CHECK(thumbnail_second(seconds_clip(dir / fmt::format("at0.{}", ext), "0")) == 2);
    }
}

TEST_CASE("in MPEG-TS, which seeks to any packet, the thumbnail is still a whole picture") {
    TempDir dir;
    // Either the keyframe at 7 s or the picture at the mark decoded from the start; never one decoded
    // from the middle of a keyframe interval without its references.
    const int second = thumbnail_second(seconds_clip(dir / "at7.ts", "0,7"));
    CHECK((second == 2 || second == 7));
}
