// The capture timing rules (recorder/capture_timing.hpp) on their own: frames stamped on the raw
// clock, pause/resume/stop at chosen instants, and what goes into the file at which time.
#include <doctest/doctest.h>

#include <climits>
#include <cmath>
#include <cstdint>
#include <random>
#include <utility>
#include <vector>

#include "recorder/capture_timing.hpp"

using wt::recorder::AudioStartCheck;
using wt::recorder::CaptureTiming;
using wt::recorder::FrameVerdict;
using Action = FrameVerdict::Action;
using Reason = FrameVerdict::Reason;

namespace {

constexpr int k_rate = 48000;
constexpr int k_audio_frame = 960;  // 20 ms
constexpr std::int64_t k_audio_frame_us = 20'000;

// A paced input is looked at when it is due (its end); these tests stamp and look at once.
FrameVerdict paced_video(CaptureTiming& t, std::int64_t ts_us) { return t.video(ts_us, ts_us, false); }
FrameVerdict paced_audio(CaptureTiming& t, std::int64_t ts_us, int samples = k_audio_frame) {
    return t.audio(ts_us, samples, k_rate, ts_us + samples * 1'000'000LL / k_rate, false);
}

}  // namespace

TEST_CASE("frames are kept at their own time when nothing happens") {
    CaptureTiming t(30, 0);
    for (std::int64_t ts : {0, 33'333, 66'667, 1'000'000}) {
        const FrameVerdict v = paced_video(t, ts);
        CHECK(v.action == Action::keep);
        CHECK(v.pts_us == ts);
        CHECK_FALSE(v.last);
    }
    const FrameVerdict a = paced_audio(t, 20'000);
    CHECK(a.kept());
    CHECK(a.pts_us == 20'000);
    CHECK(a.samples == k_audio_frame);
    CHECK(a.drop_front_us == 0);
}

TEST_CASE("a live frame stamped before the start (a countdown) is dropped") {
    CaptureTiming t(30, 0);
    const FrameVerdict v = t.video(-1'000, 0, true);
    CHECK(v.action == Action::drop);
    CHECK(v.reason == Reason::countdown);
    CHECK(t.audio(-5'000, k_audio_frame, k_rate, 15'000, true).reason == Reason::countdown);
    CHECK(t.video(0, 100, true).kept());
}

TEST_CASE("a pause is cut from both streams at the same instants: audio to the sample, video by frame") {
    CaptureTiming t(30, 0);
    const std::int64_t pause_at = 1'010'000, resume_at = 3'005'000;
    t.pause(pause_at);
    CHECK(t.paused());
    // The audio frame running across the pause keeps the 10 ms before it.
    const FrameVerdict across = paced_audio(t, 1'000'000);
    REQUIRE(across.kept());
    CHECK(across.samples == 480);
    CHECK(across.pts_us == 1'000'000);
    CHECK(paced_audio(t, 1'020'000).reason == Reason::paused);
    CHECK(paced_video(t, 1'033'333).reason == Reason::paused);
    CHECK(paced_video(t, 2'000'000).reason == Reason::paused);
    t.resume(resume_at);
    CHECK_FALSE(t.paused());
    CHECK(t.paused_total_us() == resume_at - pause_at);
    // A picture taken inside the pause and looked at after it is still left out.
    CHECK(paced_video(t, 3'000'000).reason == Reason::paused);
    // The audio frame running across the resume: its part before it is left out, the rest
    // follows the last sample before the pause without a gap.
    const FrameVerdict after = paced_audio(t, 3'000'000);
    REQUIRE(after.kept());
    CHECK(after.samples == k_audio_frame);
    CHECK(after.drop_front_us == 5'000);
    CHECK(after.pts_us == pause_at);
    // Later frames move back by the pause, the same in both streams.
    const FrameVerdict picture = paced_video(t, 3'033'333);
    const FrameVerdict sound = paced_audio(t, 3'033'333);
    CHECK(picture.pts_us == 3'033'333 - (resume_at - pause_at));
    CHECK(sound.pts_us == picture.pts_us);
}

TEST_CASE("pausing twice adds up; pausing while paused and resuming while running change nothing") {
    CaptureTiming t(30, 0);
    t.resume(500'000);
    CHECK(t.paused_total_us() == 0);
    t.pause(1'000'000);
    t.pause(1'500'000);
    t.resume(2'000'000);
    t.pause(3'000'000);
    t.resume(3'250'000);
    CHECK(t.paused_total_us() == 1'250'000);
    CHECK(paced_video(t, 4'000'000).pts_us == 2'750'000);
}

TEST_CASE("a pause during the countdown starts at the start: nothing lands before 0") {
    CaptureTiming t(30, 0);
    t.pause(-700'000);
    t.resume(1'000'000);
    CHECK(t.paused_total_us() == 1'000'000);
    const FrameVerdict v = paced_video(t, 1'000'000);
    REQUIRE(v.kept());
    CHECK(v.pts_us == 0);
}

TEST_CASE("a stop keeps what came before it: a lagging input reads on to the stop instant, cut there") {
    CaptureTiming t(30, 0);
    t.stop(2'000'000);
    CHECK(t.stopping());
    // Looked at after the stop (the input lags by 0.5 s): no longer paced, still kept.
    CHECK(t.wait_us(1'900'000, 0, 2'400'000, false) == 0);
    const FrameVerdict before = t.video(1'966'667, 2'400'000, false);
    CHECK(before.kept());
    CHECK_FALSE(before.last);
    const FrameVerdict at = t.video(2'000'000, 2'410'000, false);
    CHECK(at.kept());
    CHECK(at.last);  // reaches the stop: the stream ends with it
    CHECK(t.video(2'033'333, 2'420'000, false).reason == Reason::stopped);
    // The audio frame across the stop keeps its 10 ms before it.
    const FrameVerdict sound = t.audio(1'990'000, k_audio_frame, k_rate, 2'400'000, false);
    REQUIRE(sound.kept());
    CHECK(sound.samples == 480);
    CHECK(sound.last);
    CHECK(t.audio(2'000'000, k_audio_frame, k_rate, 2'400'000, false).reason == Reason::stopped);
}

TEST_CASE("an input that lags more than k_catch_up_us behind the stop is not waited for") {
    CaptureTiming t(30, 0);
    t.stop(10'000'000);
    CHECK(t.video(4'000'000, 10'000'000 + wt::recorder::k_catch_up_us, false).kept());
    CHECK(t.video(4'033'333, 10'000'001 + wt::recorder::k_catch_up_us, false).reason == Reason::catch_up_over);
}

TEST_CASE("a live device's stop instant is when its frame is looked at, and that frame is its last") {
    CaptureTiming t(30, 0);
    t.stop(2'000'000);
    const FrameVerdict v = t.video(2'010'000, 2'015'000, true);
    CHECK(v.kept());
    CHECK(v.last);
    CHECK(t.video(2'020'000, 2'015'000, true).reason == Reason::stopped);
    // A microphone's frame stamped at the instant it is looked at has nothing before the stop.
    CHECK(t.audio(2'015'000, k_audio_frame, k_rate, 2'015'000, true).reason == Reason::stopped);
}

TEST_CASE("the length limit ends both streams at the same moment of the recording, pauses not counted") {
    CaptureTiming t(30, 3'000'000);
    t.pause(1'000'000);
    t.resume(1'500'000);
    CHECK(paced_video(t, 3'466'667).kept());  // 2.967 s of recording
    const FrameVerdict end = paced_video(t, 3'500'000);
    CHECK(end.action == Action::stop);
    CHECK(end.reason == Reason::length_limit);
    // The audio frame across the limit is cut to it.
    const FrameVerdict sound = paced_audio(t, 3'490'000);
    REQUIRE(sound.kept());
    CHECK(sound.pts_us == 2'990'000);
    CHECK(sound.samples == 480);
    CHECK(paced_audio(t, 3'500'000).reason == Reason::length_limit);
}

TEST_CASE("a file or generator is paced to real time: each frame is due at its end") {
    CaptureTiming t(30, 0);
    CHECK(t.wait_us(1'000'000, k_audio_frame_us, 400'000, false) == 620'000);
    CHECK(t.wait_us(1'000'000, 0, 1'200'000, false) == 0);  // behind real time: at once
    CHECK(t.wait_us(1'000'000, 0, 0, true) == 0);           // a device delivers as it happens
    t.stop(500'000);
    CHECK(t.wait_us(1'000'000, 0, 400'000, false) == 0);  // stopping: read on unpaced
}

TEST_CASE("an empty sound frame is dropped, not placed") {
    CaptureTiming t(30, 0);
    CHECK(t.audio(0, 0, k_rate, 0, false).reason == Reason::empty);
}

TEST_CASE("a microphone's first stamp that turned out late is corrected once, within the first seconds") {
    AudioStartCheck check;
    // 20 ms frames; the first read comes 40 ms after its audio was captured (it waited in the
    // device's buffer), the rest 1 ms after.
    std::int64_t dropped = check.after_read(1'060'000, 20'000);  // says it began at 1.040 s
    for (std::int64_t k = 1; k < 50; ++k) dropped += check.after_read(1'000'000 + (k + 1) * 20'000 + 1'000, 20'000);
    CHECK(dropped == 39'000);
    // After the check's window, later reads change nothing.
    CHECK(check.after_read(5'000'000, 20'000) == 0);
}

namespace {
// Feeds `seconds` of pictures from an input at `input_fps` (each late by `jitter(k)`) to a 30 fps
// recording; returns the times kept and counts the pictures dropped as over the rate.
struct RateOutcome {
    std::vector<std::int64_t> kept;
    int over_rate = 0;
};
template <typename Jitter>
RateOutcome feed_pictures(double input_fps, double seconds, Jitter jitter, bool live = false) {
    CaptureTiming t(30, 0);
    RateOutcome out;
    for (std::int64_t k = 0; static_cast<double>(k) < input_fps * seconds; ++k) {
        const auto ts = static_cast<std::int64_t>(std::llround(static_cast<double>(k) * 1e6 / input_fps)) + jitter(k);
        const FrameVerdict v = t.video(ts, ts, live);
        if (v.kept()) out.kept.push_back(v.pts_us);
        if (v.reason == Reason::over_rate) ++out.over_rate;
    }
    return out;
}
RateOutcome feed_pictures(double input_fps, double seconds) {
    return feed_pictures(input_fps, seconds, [](std::int64_t) { return std::int64_t{0}; });
}
// The smallest and largest distance (µs) between pictures kept one after the other.
std::pair<std::int64_t, std::int64_t> spacing(const std::vector<std::int64_t>& kept) {
    std::int64_t lo = INT64_MAX, hi = 0;
    for (size_t i = 1; i < kept.size(); ++i) {
        lo = std::min(lo, kept[i] - kept[i - 1]);
        hi = std::max(hi, kept[i] - kept[i - 1]);
    }
    return {lo, hi};
}
// The video encoder writes pictures at least `min_gap_us` (1000/fps ms) apart: how much later
// than its own time it writes one of `kept`, at worst.
std::int64_t worst_push(const std::vector<std::int64_t>& kept, std::int64_t min_gap_us) {
    std::int64_t written = -min_gap_us, worst = 0;
    for (std::int64_t ts : kept) {
        written = std::max(ts, written + min_gap_us);
        worst = std::max(worst, written - ts);
    }
    return worst;
}
}  // namespace

TEST_CASE("an input at 60 or 120 fps recorded at 30 keeps every second or fourth picture, at its own time") {
    for (const double input_fps : {60.0, 120.0}) {
        CAPTURE(input_fps);
        const RateOutcome o = feed_pictures(input_fps, 4);
        CHECK(o.kept.size() == 120);
        CHECK(o.over_rate == static_cast<int>(input_fps * 4) - 120);
        // Kept on the 30 fps grid: the last one at 3.967 s, not pushed towards 8 s or 16 s.
        CHECK(o.kept.back() == 3'966'667);
        const auto [lo, hi] = spacing(o.kept);
        CHECK(lo >= 33'333);
        CHECK(hi <= 33'334);
        CHECK(worst_push(o.kept, 33'000) == 0);
    }
}

TEST_CASE("an input at any rate above fps keeps fps pictures a second; the timing never drifts") {
    for (const double input_fps : {31.0, 45.0, 50.0, 59.94, 144.0}) {
        CAPTURE(input_fps);
        const RateOutcome o = feed_pictures(input_fps, 10);
        CHECK(static_cast<double>(o.kept.size()) <= 300);
        CHECK(static_cast<double>(o.kept.size()) >= 295);
        CHECK(o.kept.size() + static_cast<size_t>(o.over_rate) == static_cast<size_t>(std::ceil(input_fps * 10)));
        // As many pictures as the grid has slots, so the encoder's spacing (a frame time at
        // least) never adds up into a drift: what it moves stays under a frame time (22 ms for
        // 31 fps, 13 for 50, none for 59.94), where keeping every picture moved the end of 10 s
        // by seconds.
        CHECK(worst_push(o.kept, 33'000) < 33'333);
        CHECK(o.kept.back() >= 9'950'000);
    }
}

TEST_CASE("a device at fps with jitter keeps every picture; a slower input keeps all of them at their times") {
    // Read up to 20 ms late (never early), as a timer-driven screen grab on a busy machine.
    std::mt19937 random(7);
    std::uniform_int_distribution<std::int64_t> late(0, 20'000);
    const RateOutcome jittery = feed_pictures(
        30, 60, [&](std::int64_t k) { return k == 0 ? 0 : late(random); }, true);
    CHECK(jittery.kept.size() == 1800);
    CHECK(jittery.over_rate == 0);
    const RateOutcome slow = feed_pictures(10, 4);
    CHECK(slow.kept.size() == 40);
    CHECK(slow.over_rate == 0);
    for (size_t i = 0; i < slow.kept.size(); ++i) CHECK(slow.kept[i] == static_cast<std::int64_t>(i) * 100'000);
}

TEST_CASE("pictures dropped inside a pause take no slot: the first after it is kept") {
    CaptureTiming t(30, 0);
    for (std::int64_t ts = 0; ts < 1'000'000; ts += 16'667) (void)t.video(ts, ts, false);
    t.pause(1'000'000);
    CHECK(t.video(1'016'667, 1'016'667, false).reason == Reason::paused);
    t.resume(1'020'000);
    const FrameVerdict v = t.video(1'033'333, 1'033'333, false);
    REQUIRE(v.kept());
    CHECK(v.pts_us == 1'013'333);
    CHECK(t.video(1'050'000, 1'050'000, false).reason == Reason::over_rate);
}
