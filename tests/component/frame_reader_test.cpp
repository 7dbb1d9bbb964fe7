// FrameReader: exact frames after a seek (frame-numbered clips, a long GOP, B-frames, a variable
// frame rate), damaged files, and files it must refuse. No display needed.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <fstream>
#include <string>
#include <vector>

#include <doctest/doctest.h>
#include <fmt/format.h>

#include "avkit/av_ptr.hpp"
#include "player/frame_reader.hpp"
#include "tests/support.hpp"

using namespace wt::player;
namespace fs = std::filesystem;
using wt::test::ffmpeg;
using wt::test::TempDir;

namespace {

// Frame N carries N in three 16-level digits across its width, which survive near-lossless coding.
const char* kNumbered =
    "geq=lum='if(lt(X,W/3),mod(N,16)*16+8,if(lt(X,2*W/3),mod(floor(N/16),16)*16+8,mod(floor(N/256),16)*16+8))'"
    ":cb=128:cr=128";

// B-frames in a fixed IBBBP pattern: the frames skipping non-reference frames leaves out are
// known. Not lossless (x264 drops B-frames then), but the 16-level digits survive qp 1.
const std::vector<std::string> kWithBFrames = {"-c:v", "libx264", "-preset",      "veryfast",
                                               "-qp",  "1",       "-x264-params", "bframes=3:b-adapt=0"};

std::string probe_frame_types(const fs::path& file) {
    const auto r = wt::test::run({"ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries",
                                  "frame=pict_type", "-of", "csv=p=0", file.string()});
    REQUIRE(r.exit_code == 0);
    return r.out;
}

int frame_number(const AVFrame& f) {
    REQUIRE((f.format == AV_PIX_FMT_YUV420P || f.format == AV_PIX_FMT_YUVJ420P));
    const auto digit = [&](int x) {
        const int v = f.data[0][static_cast<std::ptrdiff_t>(f.height / 2) * f.linesize[0] + x];
        return v / 16;  // d * 16 + 8, give or take what qp 1 changes
    };
    const int third = f.width / 3;
    return digit(third / 2) + 16 * digit(third + third / 2) + 256 * digit(2 * third + third / 2);
}

}  // namespace

TEST_CASE("read_at returns exactly the frame on screen, also deep into a 10 s GOP and backwards") {
    TempDir dir;
    const fs::path clip = dir / "numbered.mp4";
    // 12 s at 30 fps, keyframes only at 0 and 10 s.
    std::vector<std::string> args{"-f", "lavfi", "-i",
                                  std::string("color=black:s=320x240:r=30:d=12,format=yuv420p,") + kNumbered};
    args.insert(args.end(), kWithBFrames.begin(), kWithBFrames.end());
    args.insert(args.end(), {"-g", "300", "-keyint_min", "300", "-sc_threshold", "0", clip.string()});
    ffmpeg(args);
    REQUIRE(wt::test::contains(probe_frame_types(clip), "B"));
    auto reader = FrameReader::open(clip);
    REQUIRE_MESSAGE(reader.has_value(), (reader ? "" : reader.error().message));
    CHECK(reader->width() == 320);
    CHECK(reader->duration() == doctest::Approx(12.0).epsilon(0.01));

    const double times[] = {0.0,  0.01, 1.0 / 30,         0.5,  1.0,   3.3,  5.0,
                            7.77, 9.99, 9.9666,           10.0, 10.05, 11.5, 11.98,
                            6.0,  0.2,  2.0 / 30 - 0.0004};
    double slowest = 0;
    for (const double t : times) {
        CAPTURE(t);
        const auto started = std::chrono::steady_clock::now();
        auto got = reader->read_at(t);
        slowest = std::max(
            slowest, std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count());
        REQUIRE_MESSAGE(got.has_value(), (got ? "" : got.error().message));
        const int want = static_cast<int>(std::floor(t * 30 + 0.015));  // 0.5 ms tolerance = 0.015 frames
        CHECK(frame_number(*got->frame) == want);
        CHECK(got->seconds == doctest::Approx(want / 30.0).epsilon(1e-6));
    }
    MESSAGE("slowest exact read (320x240, up to 299 frames past a keyframe): " << fmt::format("{:.1f}", slowest)
                                                                               << " ms");

    // Past the end: the last frame.
    auto last = reader->read_at(100);
    REQUIRE(last.has_value());
    CHECK(frame_number(*last->frame) == 359);
    CHECK(reader->stats().corrupt_frames == 0);
    CHECK(reader->stats().damaged_packets == 0);
    CHECK(reader->stats().frames_decoded > 0);
}

TEST_CASE("read_at with a variable frame rate finds the frame shown across long gaps") {
    TempDir dir;
    const fs::path clip = dir / "vfr.mkv";
    // Frames 0-59 every 1/30 s, then every 1/3 s (like a recorder writing a still screen rarely).
    std::vector<std::string> args{"-f",        "lavfi",
                                  "-i",        std::string("color=black:s=192x96:r=30:d=4,format=yuv420p,") + kNumbered,
                                  "-vf",       "setpts='(N+gte(N,60)*(N-60)*9)/30/TB'",
                                  "-fps_mode", "passthrough"};
    args.insert(args.end(), kWithBFrames.begin(), kWithBFrames.end());
    args.insert(args.end(), {"-g", "300", clip.string()});
    ffmpeg(args);
    const auto pts_of = [](int n) { return (n + (n >= 60 ? (n - 60) * 9 : 0)) / 30.0; };
    auto reader = FrameReader::open(clip);
    REQUIRE(reader.has_value());
    // Frames 61, 63, 69, ... are B-frames nothing refers to (pattern IBBBP, pyramid), and each
    // is on screen for 1/3 s: far more than the three frame durations decoded without skipping.
    for (const double t : {1.5, 2.0, 2.1, 2.3, 2.34, 2.5, 3.2, 5.1, 5.0, 7.9, 10.0, 12.2, 21.9}) {
        CAPTURE(t);
        int want = 0;
        for (int n = 0; n < 120; ++n)
            if (pts_of(n) <= t + 0.0005) want = n;
        auto got = reader->read_at(t);
        REQUIRE(got.has_value());
        CHECK(frame_number(*got->frame) == want);
        CHECK(got->seconds == doctest::Approx(pts_of(want)).epsilon(1e-3));
    }
}

TEST_CASE("a damaged file still yields frames and counts the damage") {
    TempDir dir;
    const fs::path clip = dir / "damaged.mkv";
    ffmpeg({"-f", "lavfi", "-i", "testsrc2=s=320x240:r=30:d=10", "-c:v", "libx264", "-preset", "ultrafast", "-crf",
            "23", "-g", "60", clip.string()});
    {
        // 32 KiB of noise in the middle, as a bad disk sector or a broken copy would leave.
        const auto size = fs::file_size(clip);
        std::fstream f(clip, std::ios::in | std::ios::out | std::ios::binary);
        f.seekp(static_cast<std::streamoff>(size * 2 / 5));
        std::uint32_t x = 12345;
        for (int i = 0; i < 32 * 1024; ++i) {
            x = x * 1664525u + 1013904223u;
            f.put(static_cast<char>(x >> 24));
        }
    }
    auto reader = FrameReader::open(clip);
    REQUIRE_MESSAGE(reader.has_value(), (reader ? "" : reader.error().message));
    int shown = 0;
    for (double t = 0; t < 10; t += 0.25)
        if (reader->read_at(t).has_value()) ++shown;
    const auto& s = reader->stats();
    MESSAGE("damaged: " << shown << "/40 reads gave a frame; decoded " << s.frames_decoded << ", corrupt "
                        << s.corrupt_frames << ", damaged packets " << s.damaged_packets);
    CHECK(shown >= 30);
    CHECK(s.corrupt_frames + s.damaged_packets > 0);
}

TEST_CASE("opening fails with the file's name for missing, non-media and video-less files") {
    TempDir dir;
    auto missing = FrameReader::open(dir / "gone.mp4");
    REQUIRE_FALSE(missing.has_value());
    CHECK(missing.error().code == wt::ErrorCode::not_found);
    CHECK(wt::test::contains(missing.error().message, "gone.mp4"));

    wt::test::write_file(dir / "notes.mp4", "this is not a video at all, just words");
    auto junk = FrameReader::open(dir / "notes.mp4");
    REQUIRE_FALSE(junk.has_value());
    CHECK(junk.error().code == wt::ErrorCode::bad_media);
    CHECK(wt::test::contains(junk.error().message, "notes.mp4"));

    ffmpeg({"-f", "lavfi", "-i", "sine=d=1", "-c:a", "aac", (dir / "voice.m4a").string()});
    auto audio = FrameReader::open(dir / "voice.m4a");
    REQUIRE_FALSE(audio.has_value());
    CHECK(audio.error().code == wt::ErrorCode::bad_media);
    CHECK(wt::test::contains(audio.error().message, "voice.m4a"));
    CHECK(wt::test::contains(audio.error().message, "no video"));
}
