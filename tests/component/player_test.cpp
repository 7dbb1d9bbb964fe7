// The player engine without a window: timing decisions as pure functions, then real files played
// through the silent (paced) audio device, seeks, speed, watch tracking and damaged input.
#include <doctest/doctest.h>

#include <chrono>
#include <cmath>
#include <thread>

#include <fmt/format.h>

#include "player/clock.hpp"
#include "player/engine.hpp"
#include "player/player.hpp"
#include "tests/support.hpp"

using namespace wt::player;
namespace fs = std::filesystem;
using wt::test::ffmpeg;
using wt::test::TempDir;

namespace {

double wall() { return steady_seconds(); }

// Drives the player as a UI loop would, for `seconds` of wall time or until `until` says stop.
template <typename Until>
void run_loop(Player& p, double seconds, Until until) {
    const double end = wall() + seconds;
    while (wall() < end) {
        PollResult r = p.poll();
        if (until()) return;
        std::this_thread::sleep_for(std::chrono::milliseconds(std::min(r.wake_after_ms, 5)));
    }
}
void run_loop(Player& p, double seconds) {
    run_loop(p, seconds, [] { return false; });
}
void wait_settled(Player& p) {
    run_loop(p, 5, [&] { return !p.snapshot().seeking; });
}

// Every frame's luma is 16 + its number (lossless H.264), so a frame tells which one it is.
fs::path numbered_clip(const fs::path& dir, int frames, int gop) {
    const fs::path out = dir / "numbered.mkv";
    ffmpeg({"-f", "lavfi", "-i",
            fmt::format("color=black:s=160x120:r=30:d={},geq=lum='16+N':cb=128:cr=128", frames / 30.0), "-c:v",
            "libx264", "-qp", "0", "-g", std::to_string(gop), "-bf", "0", "-pix_fmt", "yuv420p", out.string()});
    return out;
}

int shown_number(Player& p) {
    const AVFrame* f = p.impl().shown.get();
    REQUIRE(f != nullptr);
    return f->data[0][(f->height / 2) * f->linesize[0] + f->width / 2] - 16;
}

PlayOptions silent(double start = 0, double speed = 1.0) {
    PlayOptions o;
    o.audio = AudioOutput::silent;
    o.start_seconds = start;
    o.speed = speed;
    return o;
}

}  // namespace

TEST_CASE("pick_frame shows the last due frame and drops the ones it skips") {
    const std::vector<double> pts{1.0, 1.033, 1.067, 1.1};
    auto none = pick_frame(pts, 0.9, 0.01);
    CHECK_FALSE(none.show);
    auto first = pick_frame(pts, 0.995, 0.01);  // within the dead band
    REQUIRE(first.show);
    CHECK(*first.show == 0);
    CHECK(first.drop == 0);
    auto late = pick_frame(pts, 1.07, 0.01);
    REQUIRE(late.show);
    CHECK(*late.show == 2);
    CHECK(late.drop == 2);
    CHECK_FALSE(pick_frame(pts, std::nan(""), 0.01).show);
}

TEST_CASE("wait_until_due scales by speed and never goes negative") {
    CHECK(wait_until_due(2.0, 1.0, 1.0) == doctest::Approx(1.0));
    CHECK(wait_until_due(2.0, 1.0, 2.0) == doctest::Approx(0.5));
    CHECK(wait_until_due(2.0, 1.0, 0.5) == doctest::Approx(2.0));
    CHECK(wait_until_due(1.0, 2.0, 1.0) == 0.0);
}

TEST_CASE("MediaClock runs at its speed, freezes, and reads unknown for an older serial") {
    MediaClock c;
    c.set(10.0, 100.0, 3);
    CHECK(c.read(101.0, 3) == doctest::Approx(11.0));
    CHECK(std::isnan(c.read(101.0, 2)));
    c.set_speed(2.0, 101.0);
    CHECK(c.read(102.0, 3) == doctest::Approx(13.0));
    c.freeze(true, 102.0);
    CHECK(c.read(110.0, 3) == doctest::Approx(13.0));
    c.freeze(false, 110.0);
    CHECK(c.read(111.0, 3) == doctest::Approx(15.0));
    CHECK(audio_clock_at(5.0, 0.1, 2.0) == doctest::Approx(4.8));
}

TEST_CASE("WatchTracker keeps only what played, never what a seek jumped over") {
    WatchTracker w(1.0);
    double wall = 100;  // looks 0.1 s apart, playing at 1x
    auto look = [&](double pos, int serial) { w.advanced(pos, serial, wall += 0.1, 1.0); };
    for (int i = 0; i <= 20; ++i) look(i * 0.1, 1);
    look(30.0, 2);  // a seek: new serial
    look(30.5, 2);
    w.interrupted();
    look(31.0, 2);
    look(33.0, 2);  // a jump of 2 s within one serial, in 0.1 s, is not playback either
    look(33.4, 2);
    auto got = w.take();
    REQUIRE(got.size() == 3);
    CHECK(got[0] == std::pair<std::int64_t, std::int64_t>{0, 2000});
    CHECK(got[1] == std::pair<std::int64_t, std::int64_t>{30000, 30500});
    CHECK(got[2] == std::pair<std::int64_t, std::int64_t>{33000, 33400});
    CHECK(w.take().empty());  // reported once
    look(34.0, 2);
    auto more = w.take();
    REQUIRE(more.size() == 1);
    CHECK(more[0] == std::pair<std::int64_t, std::int64_t>{33400, 34000});
}

TEST_CASE("WatchTracker on a busy machine: from where playing began, and late looks still count") {
    WatchTracker w(1.0);
    // Playing at 2x from 0 s; the first look comes 0.6 s (wall) later, at 1.2 s of media.
    w.began(0.0, 1, 10.0);
    w.advanced(1.2, 1, 10.6, 2.0);
    // The window was busy for 1 s: 2 s of media went by between two looks, all of it played.
    w.advanced(3.2, 1, 11.6, 2.0);
    // But 5 s of media in 0.1 s of wall time at 2x cannot have played.
    w.advanced(8.2, 1, 11.7, 2.0);
    w.advanced(8.4, 1, 11.8, 2.0);
    auto got = w.take();
    REQUIRE(got.size() == 2);
    CHECK(got[0] == std::pair<std::int64_t, std::int64_t>{0, 3200});
    CHECK(got[1] == std::pair<std::int64_t, std::int64_t>{8200, 8400});
    // Resuming after a pause starts a new stretch where it resumed.
    w.interrupted();
    w.began(20.0, 2, 30.0);
    w.advanced(20.5, 2, 30.5, 1.0);
    got = w.take();
    REQUIRE(got.size() == 1);
    CHECK(got[0] == std::pair<std::int64_t, std::int64_t>{20000, 20500});
}

TEST_CASE("a clip with sound plays to the end in real time, every frame shown, in sync") {
    TempDir dir;
    const fs::path clip = wt::test::make_clip(dir.path, "a.mp4", 2.0);
    auto p = Player::open(clip, silent());
    REQUIRE_MESSAGE(p, (p ? "" : p.error().message));
    const double t0 = wall();
    std::int64_t worst_offset = 0;
    run_loop(**p, 6, [&] {
        Snapshot s = (*p)->snapshot();
        if (s.frames_shown > 5) worst_offset = std::max(worst_offset, std::abs(s.av_offset_ms));
        return s.state == State::ended;
    });
    const double took = wall() - t0;
    Snapshot s = (*p)->snapshot();
    CHECK(s.state == State::ended);
    CHECK(s.has_audio);
    CHECK(s.has_video);
    CHECK(took == doctest::Approx(2.0).epsilon(0.15));
    CHECK(s.frames_shown >= 48);  // 25 fps
    CHECK(s.frames_dropped <= 2);
    CHECK(worst_offset <= 40);
    auto played = (*p)->take_played();
    REQUIRE(!played.empty());
    CHECK(played.front().from_ms <= 50);
    CHECK(played.back().to_ms >= 1900);
}

TEST_CASE("at 2x the clip takes half the time, the sound keeps its place, and sync holds") {
    TempDir dir;
    const fs::path clip = wt::test::make_clip(dir.path, "a.mp4", 4.0);
    auto p = Player::open(clip, silent(0, 2.0));
    REQUIRE(p);
    const double t0 = wall();
    std::int64_t worst_offset = 0;
    run_loop(**p, 8, [&] {
        Snapshot s = (*p)->snapshot();
        if (s.frames_shown > 5) worst_offset = std::max(worst_offset, std::abs(s.av_offset_ms));
        return s.state == State::ended;
    });
    const double took = wall() - t0;
    CHECK((*p)->snapshot().state == State::ended);
    CHECK(took == doctest::Approx(2.0).epsilon(0.15));
    CHECK(worst_offset <= 40);
    // All of the media time counts as watched, though only half of it in wall time.
    auto played = (*p)->take_played();
    std::int64_t covered = 0;
    for (auto& i : played) covered += i.to_ms - i.from_ms;
    CHECK(covered >= 3800);
}

TEST_CASE("the speed changes while playing, and sync holds across the change") {
    TempDir dir;
    const fs::path clip = wt::test::make_clip(dir.path, "a.mp4", 4.0);
    auto p = Player::open(clip, silent());
    REQUIRE(p);
    run_loop(**p, 1.0);
    const double at_change = (*p)->snapshot().position_ms / 1000.0;
    (*p)->set_speed(1.5);
    run_loop(**p, 1.0);
    Snapshot s = (*p)->snapshot();
    CHECK(s.speed == 1.5);
    CHECK(s.position_ms / 1000.0 - at_change == doctest::Approx(1.5).epsilon(0.1));
    CHECK(std::abs(s.av_offset_ms) <= 40);
    (*p)->set_speed(5.0);
    CHECK((*p)->snapshot().speed == 2.0);  // clamped
}

TEST_CASE("an exact seek lands on the frame on screen at that time, also deep into a long GOP") {
    TempDir dir;
    const fs::path clip = numbered_clip(dir.path, 200, 300);  // one keyframe for all 200 frames
    auto p = Player::open(clip, silent());
    REQUIRE(p);
    (*p)->pause();
    for (double t : {0.0, 1.0, 2.51, 5.5, 6.6}) {
        CAPTURE(t);
        (*p)->seek(t, SeekMode::exact);
        wait_settled(**p);
        const int expected = static_cast<int>(std::floor(t * 30 + 1e-6));
        CHECK(shown_number(**p) == expected);
        CHECK(std::abs((*p)->snapshot().position_ms - std::llround(t * 1000)) <= 1);
    }
    // Stepping goes one frame at a time, both ways.
    (*p)->seek(2.0, SeekMode::exact);
    wait_settled(**p);
    REQUIRE(shown_number(**p) == 60);
    (*p)->step_frame(true);
    wait_settled(**p);
    CHECK(shown_number(**p) == 61);
    (*p)->step_frame(true);
    wait_settled(**p);
    CHECK(shown_number(**p) == 62);
    (*p)->step_frame(false);
    wait_settled(**p);
    CHECK(shown_number(**p) == 61);
}

TEST_CASE("repeated seeks are merged: the latest target wins") {
    TempDir dir;
    const fs::path clip = numbered_clip(dir.path, 150, 300);
    auto p = Player::open(clip, silent());
    REQUIRE(p);
    (*p)->pause();
    for (double t = 0.5; t < 4.0; t += 0.25) (*p)->seek(t, SeekMode::keyframe);
    (*p)->seek(4.0, SeekMode::exact);
    wait_settled(**p);
    CHECK(shown_number(**p) == 120);
}

TEST_CASE("playback resumes from a given position") {
    TempDir dir;
    const fs::path clip = numbered_clip(dir.path, 150, 300);
    auto p = Player::open(clip, silent(3.0));
    REQUIRE(p);
    wait_settled(**p);
    CHECK(shown_number(**p) == 90);
    run_loop(**p, 0.5);
    CHECK((*p)->snapshot().position_ms == doctest::Approx(3500).epsilon(0.05));
}

TEST_CASE("watch tracking through seeks records only what played") {
    TempDir dir;
    const fs::path clip = wt::test::make_clip(dir.path, "a.mp4", 6.0);
    auto p = Player::open(clip, silent());
    REQUIRE(p);
    run_loop(**p, 1.0);
    (*p)->seek(4.0, SeekMode::exact);
    wait_settled(**p);
    run_loop(**p, 0.8);
    (*p)->pause();
    auto played = (*p)->take_played();
    REQUIRE(played.size() == 2);
    CHECK(played[0].from_ms <= 50);
    CHECK(played[0].to_ms == doctest::Approx(1000).epsilon(0.15));
    CHECK(played[1].from_ms >= 4000);
    CHECK(played[1].from_ms <= 4100);
    CHECK(played[1].to_ms == doctest::Approx(4800).epsilon(0.03));
    // Paused: nothing more plays.
    run_loop(**p, 0.3);
    CHECK((*p)->take_played().empty());
}

TEST_CASE("a file without audio runs on the system clock; one without video plays its sound") {
    TempDir dir;
    const fs::path mute = wt::test::make_clip(dir.path, "mute.mp4", 1.5, "320x240", false);
    auto p = Player::open(mute, silent());
    REQUIRE(p);
    const double t0 = wall();
    run_loop(**p, 4, [&] { return (*p)->snapshot().state == State::ended; });
    CHECK(wall() - t0 == doctest::Approx(1.5).epsilon(0.15));
    CHECK_FALSE((*p)->snapshot().has_audio);

    const fs::path sound = dir / "tone.m4a";
    ffmpeg({"-f", "lavfi", "-i", "sine=frequency=440:duration=1.5", "-c:a", "aac", sound.string()});
    auto q = Player::open(sound, silent());
    REQUIRE(q);
    const double t1 = wall();
    run_loop(**q, 4, [&] { return (*q)->snapshot().state == State::ended; });
    CHECK(wall() - t1 == doctest::Approx(1.5).epsilon(0.15));
    Snapshot s = (*q)->snapshot();
    CHECK_FALSE(s.has_video);
    CHECK(s.position_ms >= 1400);
}

TEST_CASE("damaged files: truncated plays what is there, corrupt frames are counted, no stream is an error") {
    TempDir dir;
    const fs::path clip = dir / "long.mkv";
    ffmpeg({"-f", "lavfi", "-i", "testsrc2=size=320x240:rate=30:d=4", "-f", "lavfi", "-i", "sine=d=4", "-c:v",
            "libx264", "-g", "30", "-c:a", "libopus", clip.string()});
    const std::string bytes = wt::test::read_file(clip);

    SUBCASE("truncated") {
        const fs::path cut = dir / "cut.mkv";
        wt::test::write_file(cut, bytes.substr(0, bytes.size() / 2));
        auto p = Player::open(cut, silent());
        REQUIRE(p);
        run_loop(**p, 6, [&] { return (*p)->snapshot().state == State::ended; });
        Snapshot s = (*p)->snapshot();
        CHECK(s.state == State::ended);
        CHECK(s.frames_shown > 20);
    }
    SUBCASE("bytes overwritten in the middle") {
        std::string broken = bytes;
        for (std::size_t i = broken.size() / 3; i < broken.size() / 3 + 4000; ++i) broken[i] = char(i * 7);
        const fs::path bad = dir / "bad.mkv";
        wt::test::write_file(bad, broken);
        auto p = Player::open(bad, silent());
        REQUIRE(p);
        run_loop(**p, 8, [&] { return (*p)->snapshot().state == State::ended; });
        Snapshot s = (*p)->snapshot();
        CHECK(s.state == State::ended);
        CHECK(s.frames_corrupt > 0);
        CHECK(s.frames_shown > 60);
        bool warned = false;
        for (auto& w : s.warnings) warned |= wt::test::contains(w, "damaged");
        CHECK(warned);
    }
    SUBCASE("zeroed header") {
        std::string zeroed = bytes;
        std::fill(zeroed.begin(), zeroed.begin() + 4096, '\0');
        const fs::path bad = dir / "zeroed.mkv";
        wt::test::write_file(bad, zeroed);
        auto p = Player::open(bad, silent());
        REQUIRE_FALSE(p);
        CHECK(wt::test::contains(p.error().message, "zeroed.mkv"));
    }
    SUBCASE("not a media file") {
        const fs::path text = dir / "notes.txt";
        wt::test::write_file(text, "just some words, not a video\n");
        auto p = Player::open(text, silent());
        REQUIRE_FALSE(p);
        CHECK(wt::test::contains(p.error().message, "notes.txt"));
    }
}

TEST_CASE("open_async opens off the caller's thread and reports failure in the snapshot") {
    TempDir dir;
    const fs::path clip = wt::test::make_clip(dir.path, "a.mp4", 1.0);
    auto p = Player::open_async(clip, silent());
    const State first = p->snapshot().state;
    CHECK((first == State::opening || first == State::playing));
    p->seek(0.5);  // ignored while opening, harmless after
    run_loop(*p, 5, [&] { return p->snapshot().state == State::ended; });
    CHECK(p->snapshot().state == State::ended);
    CHECK(p->snapshot().frames_shown > 10);

    wt::test::write_file(dir / "junk.mp4", std::string(3000, 'j'));
    auto bad = Player::open_async(dir / "junk.mp4", silent());
    run_loop(*bad, 5, [&] { return bad->snapshot().state == State::failed; });
    Snapshot s = bad->snapshot();
    CHECK(s.state == State::failed);
    CHECK(wt::test::contains(s.error, "junk.mp4"));
}
