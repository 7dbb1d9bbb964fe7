#pragma once
// The capture timing rules: which captured frames go into the recording, and where in time.
//
// The capture threads stamp every frame on the recording's raw clock (µs, 0 = the start, paused
// time included) and ask CaptureTiming what to do with it; the control thread tells it when the
// person paused, resumed or stopped. For each frame the answer is: keep it at this time in the
// file, drop it (and why), or stop reading that stream. The rules, in the order they apply:
//
//  - Countdown: a live frame stamped before the start is dropped.
//  - Stop: what came before the stop instant is kept. A live device's stop instant is when its
//    frame is looked at (it was interrupted, its last frame is the last one); a file or generator
//    may lag behind real time, so it reads on, unpaced, to the instant stop() was called, for at
//    most k_catch_up_us. The part of an audio frame before the stop is kept.
//  - Pauses are cut out of both streams at the same instants: audio to the sample, video by
//    dropping the pictures taken inside the pause. Later frames move back by the pauses so far.
//  - Length limit: nothing at or after `max_us` of recording; the last audio frame is cut to it.
//  - Rate: at most `fps` pictures a second. Pictures fall into the slots of a 1/fps grid that
//    starts at the first picture kept; a picture whose slot already holds one is an extra from an
//    input faster than fps: dropped, and counted. The pictures kept keep their own times (keeping
//    them all, each written a frame time after the one before, is what stretched a 60 fps input
//    to twice its length). A slot opens k_early_slot of a frame time before its grid point, so a
//    device at fps with some jitter keeps every picture, and an input at 60 or 120 fps keeps
//    exactly every second or fourth one.
//
// Also the pacing of inputs that are not devices: a frame is due when it would have been
// captured, at its end (wait_us).
//
// Pure arithmetic on timestamps, no clock and no libav: tested on its own
// (tests/capture_timing_test.cpp). Not thread-safe: the recorder calls it under its lock.
#include <algorithm>
#include <cstdint>
#include <optional>

namespace wt::recorder {

// How long a lagging file input may read on after a stop to reach the stop instant.
inline constexpr std::int64_t k_catch_up_us = 5'000'000;

struct FrameVerdict {
    enum class Action { keep, drop, stop };
    enum class Reason {
        none,           // kept
        empty,          // drop: a sound frame without samples
        countdown,      // drop: stamped before the recording began
        paused,         // drop: taken while paused
        over_rate,      // drop: the input delivers more pictures than fps
        stopped,        // stop: at or after the stop instant
        catch_up_over,  // stop: a lagging input did not reach the stop instant in k_catch_up_us
        length_limit,   // stop: the recording reached its maximum duration
    };
    Action action = Action::keep;
    Reason reason = Reason::none;
    std::int64_t pts_us = 0;         // kept: its time in the file (the pauses cut out)
    int samples = 0;                 // audio kept: pass on this many of its first samples (cut at
                                     // a pause, the stop or the limit) ...
    std::int64_t drop_front_us = 0;  // ... of which this much at the start is left out (the part
                                     // before a resume); pts_us is where the rest begins
    bool last = false;               // kept, and the stream ends with it (it reaches the stop)

    bool kept() const { return action == Action::keep; }
};

class CaptureTiming {
public:
    // A slot of the picture grid opens this fraction of a frame time before its grid point.
    static constexpr double k_early_slot = 0.2;

    // `fps`: the most pictures a second; `max_us`: the longest recording, 0 = no limit.
    CaptureTiming(int fps, std::int64_t max_us) : fps_(std::max(fps, 1)), max_us_(max_us) {}

    // What the person did, at `at_us` on the raw clock. A pause during the countdown starts at 0.
    void pause(std::int64_t at_us);
    void resume(std::int64_t at_us);
    void stop(std::int64_t at_us);

    bool paused() const { return pause_started_us_.has_value(); }
    bool stopping() const { return stop_at_us_.has_value(); }
    std::int64_t paused_total_us() const { return paused_total_us_; }

    // A picture stamped `ts_us`, looked at when the raw clock says `now_us`; `live`: from a device.
    FrameVerdict video(std::int64_t ts_us, std::int64_t now_us, bool live);
    // `samples` of sound at `sample_rate` whose first one is stamped `ts_us`.
    FrameVerdict audio(std::int64_t ts_us, int samples, int sample_rate, std::int64_t now_us, bool live);

    // A file or generator is paced as a device would deliver it: how long to wait (µs) before
    // its frame, stamped `ts_us` and lasting `duration_us`, is due. 0 for devices and once stopping.
    std::int64_t wait_us(std::int64_t ts_us, std::int64_t duration_us, std::int64_t now_us, bool live) const {
        if (live || stopping()) return 0;
        return std::max<std::int64_t>(0, ts_us + duration_us - now_us);
    }

private:
    // A frame after the countdown, before the stop, outside the pauses and the limit: where it
    // goes, or why not. `samples` is 0 for a picture.
    FrameVerdict place(std::int64_t ts_us, int samples, int sample_rate, std::int64_t now_us, bool live) const;
    std::int64_t slot_of(std::int64_t ts_us) const;

    int fps_;
    std::int64_t max_us_;
    std::optional<std::int64_t> pause_started_us_;  // raw clock
    std::int64_t last_resume_us_ = -1;              // raw clock
    std::int64_t paused_total_us_ = 0;
    std::optional<std::int64_t> stop_at_us_;     // raw clock
    std::optional<std::int64_t> grid_start_us_;  // raw clock: the first picture kept
    std::int64_t last_slot_ = -1;
};

// A device's first audio may have waited in its buffer, so its read time stamps it too late.
// Data is never delivered before it is captured, so (read time - audio delivered so far) is an
// upper bound of the true start; its minimum over the first k_audio_start_check_us is the best
// estimate. When that shows the first stamp was late, the difference is dropped from the start
// of the audio (the encoder leaves it out).
inline constexpr std::int64_t k_audio_start_check_us = 3'000'000;

struct AudioStartCheck {
    std::int64_t first_stamp_us = -1;
    std::int64_t delivered_us = 0;
    std::int64_t best_start_us = 0;
    std::int64_t corrected_us = 0;
    // A frame lasting `duration_us` read at `read_us`: returns how many more µs of audio to drop.
    std::int64_t after_read(std::int64_t read_us, std::int64_t duration_us) {
        delivered_us += duration_us;
        const std::int64_t start = read_us - delivered_us;
        if (first_stamp_us < 0) first_stamp_us = best_start_us = start;
        if (read_us - first_stamp_us > k_audio_start_check_us) return 0;
        best_start_us = std::min(best_start_us, start);
        const std::int64_t late = first_stamp_us - best_start_us - corrected_us;
        if (late < 5'000) return 0;  // within a quarter of an Opus frame: leave it
        corrected_us += late;
        return late;
    }
};

}  // namespace wt::recorder
