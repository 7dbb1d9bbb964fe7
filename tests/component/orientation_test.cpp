// Videos turned by their display matrix (a phone's portrait recording stored sideways): the
// probed size, thumbnails, the exact-frame reader and the player show them upright, as the ffmpeg
// tool does. The GL snapshot of such clips is in snapshot_test.cpp. No display needed.
#include <cstdint>
#include <filesystem>
#include <string>

#include <doctest/doctest.h>
#include <fmt/format.h>

#include "avkit/media_info.hpp"
#include "avkit/orientation.hpp"
#include "player/frame_reader.hpp"
#include "player/player.hpp"
#include "tests/media_edit.hpp"
#include "tests/support.hpp"

namespace fs = std::filesystem;
using wt::test::ffmpeg;
using wt::test::TempDir;

namespace {

// A portrait 180x320 clip in coloured quadrants, turned; the file's name says how.
fs::path turned_clip(const fs::path& dir, const wt::test::Turn& t) {
    static int n = 0;
    const fs::path upright = wt::test::make_quadrants(dir / fmt::format("portrait{}.mp4", n), 180, 320);
    const fs::path out = dir / fmt::format("turned{}.mp4", n++);
    wt::test::turn(upright, out, t.angle, t.hflip, t.vflip);
    return out;
}

}  // namespace

TEST_CASE("a display matrix reads as a quarter turn or mirror, anything else as upright") {
    std::int32_t m[9] = {0, -65536, 0, 65536, 0, 0, 0, 0, 1 << 30};  // what rotate=90 writes
    const wt::av::Orientation quarter = wt::av::orientation_from_matrix(m);
    CHECK(quarter.swaps_axes());
    CHECK_FALSE(quarter.mirrored());
    CHECK(quarter.clockwise_degrees() == 270);  // ffmpeg shows this one turned counter-clockwise
    CHECK(quarter.shown_size(360, 640) == std::pair{640, 360});
    const std::int32_t mirror[9] = {-65536, 0, 0, 0, 65536, 0, 0, 0, 1 << 30};
    CHECK(wt::av::orientation_from_matrix(mirror).mirrored());
    CHECK(wt::av::orientation_from_matrix(mirror).clockwise_degrees() == 0);
    const std::int32_t slanted[9] = {46341, -46341, 0, 46341, 46341, 0, 0, 0, 1 << 30};  // 45 degrees
    CHECK(wt::av::orientation_from_matrix(slanted).is_identity());
}

TEST_CASE("probe reports the size a turned clip is shown at, as the catalog stores it") {
    TempDir dir;
    // The way the issue makes one: a stream copy with the rotate tag.
    const fs::path portrait = wt::test::make_quadrants(dir / "portrait.mp4", 360, 640);
    const fs::path rotated = dir / "rotated.mp4";
    ffmpeg({"-i", portrait.string(), "-c", "copy", "-metadata:s:v:0", "rotate=90", rotated.string()});
    auto info = wt::av::probe(rotated);
    REQUIRE_MESSAGE(info.has_value(), (info ? "" : info.error().message));
    CHECK(info->width == 640);
    CHECK(info->height == 360);
    const auto& v = info->streams[0];
    CHECK(v.width == 640);
    CHECK(v.height == 360);
    CHECK(v.rotation == 270);
    CHECK_FALSE(v.mirrored);
    const auto reference = wt::test::picture_by_ffmpeg(rotated);
    CHECK(reference.width == info->width);
    CHECK(reference.height == info->height);

    for (const auto& t : wt::test::kTurns) {
        CAPTURE(t.name);
        const fs::path clip = turned_clip(dir.path, t);
        auto turned = wt::av::probe(clip);
        REQUIRE(turned.has_value());
        const auto ref = wt::test::picture_by_ffmpeg(clip);
        CHECK(turned->width == ref.width);
        CHECK(turned->height == ref.height);
        CHECK(turned->streams[0].mirrored == (t.hflip != t.vflip));
    }
    // An upright clip is untouched.
    auto upright = wt::av::probe(portrait);
    REQUIRE(upright.has_value());
    CHECK(upright->width == 360);
    CHECK(upright->height == 640);
    CHECK(upright->streams[0].rotation == 0);
}

TEST_CASE("thumbnails of turned clips are upright: the same corners as ffmpeg shows") {
    TempDir dir;
    for (const auto& t : wt::test::kTurns) {
        CAPTURE(t.name);
        const fs::path clip = turned_clip(dir.path, t);
        const fs::path jpeg = dir / "thumb.jpg";
        auto made = wt::av::write_thumbnail(clip, jpeg, 160);
        REQUIRE_MESSAGE(made.has_value(), (made ? "" : made.error().message));
        const auto ref = wt::test::picture_by_ffmpeg(clip);
        const auto thumb = wt::test::picture_by_ffmpeg(jpeg);
        CHECK(thumb.corners() == ref.corners());
        // Landscape stays landscape at the same aspect (within even-size rounding).
        CHECK(thumb.width <= 160);
        CHECK(double(thumb.width) / thumb.height == doctest::Approx(double(ref.width) / ref.height).epsilon(0.05));
    }
}

TEST_CASE("the exact-frame reader and the player say how the video is shown") {
    TempDir dir;
    const fs::path clip = turned_clip(dir.path, wt::test::kTurns[0]);
    auto reader = wt::player::FrameReader::open(clip);
    REQUIRE(reader.has_value());
    CHECK(reader->width() == 180);  // the decoded frames, as stored
    CHECK(reader->turn().shown_size(reader->width(), reader->height()) == std::pair{320, 180});

    wt::player::PlayOptions o;
    o.audio = wt::player::AudioOutput::silent;
    o.start_paused = true;
    auto player = wt::player::Player::open(clip, o);
    REQUIRE_MESSAGE(player.has_value(), (player ? "" : player.error().message));
    const auto s = (*player)->snapshot();
    REQUIRE(s.has_video);
    CHECK(s.width == 320);
    CHECK(s.height == 180);
}
