#pragma once
// The player's timing decisions as pure functions and small value types, so that they can be tested
// without threads, files or devices. Times are seconds (double), as ffplay and mpv keep them.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <vector>

namespace wt::player {

// A clock that runs at `speed` from where it was last set (ffplay's Clock): reading it at wall
// time `now` gives pts + (now - set_at) * speed. A clock of an older serial reads as unknown (NaN).
class MediaClock {
public:
    void set(double pts, double now, int serial) {
        pts_ = pts;
        set_at_ = now;
        serial_ = serial;
    }
    // Keeps the current reading and continues at the new speed.
    void set_speed(double speed, double now) {
        if (!std::isnan(pts_)) set(read(now, serial_), now, serial_);
        speed_ = speed;
    }
    void freeze(bool frozen, double now) {
        if (!std::isnan(pts_)) set(read(now, serial_), now, serial_);
        frozen_ = frozen;
    }
    double read(double now, int serial) const {
        if (serial != serial_ || std::isnan(pts_)) return std::numeric_limits<double>::quiet_NaN();
        return frozen_ ? pts_ : pts_ + (now - set_at_) * speed_;
    }
    int serial() const { return serial_; }
    void invalidate() { pts_ = std::numeric_limits<double>::quiet_NaN(); }

private:
    double pts_ = std::numeric_limits<double>::quiet_NaN();
    double set_at_ = 0;
    double speed_ = 1.0;
    int serial_ = -1;
    bool frozen_ = false;
};

// Which queued frame to show at master time `clock` (mpv's display-side choice, ffplay's late drop):
// the last frame already due, where a frame is due once the clock is within `dead_band` of its pts.
// Frames before it that were never shown are dropped. nullopt: none is due yet (keep the current one).
struct FramePick {
    std::optional<std::size_t> show;  // index into the queue
    std::size_t drop = 0;             // frames before `show` that are skipped
};
FramePick pick_frame(std::span<const double> queued_pts, double clock, double dead_band);

// Wall-clock seconds until the frame at `next_pts` is due, at `speed`; never negative. The wake-up
// aims at the frame's own time, the dead band only absorbs the sleep's jitter: frames are shown
// on time on average, not a dead band early.
double wait_until_due(double next_pts, double clock, double speed);

// The dead band for a stream of frames `frame_duration` long: a frame is shown up to this much early.
inline double dead_band_for(double frame_duration) { return std::clamp(frame_duration * 0.5, 0.005, 0.02); }

// Audio clock (mpv's playing_audio_pts): the media time of the next sample handed to the device,
// minus what the device still has to play, which at `speed` covers speed × that many seconds.
inline double audio_clock_at(double next_sample_pts, double device_buffered_seconds, double speed) {
    return next_sample_pts - device_buffered_seconds * speed;
}

// Builds the stretches of media time that really played from the positions seen while playing.
// A jump (a seek, or a gap longer than `max_step` of media time) starts a new stretch.
class WatchTracker {
public:
    explicit WatchTracker(double max_step = 1.0) : max_step_(max_step) {}
    // Playback (re)starts at `position` (opening, a seek's target, resuming), at wall time `wall`
    // (seconds): the stretch starts there, not where the first look at the clock finds it.
    void began(double position, int serial, double wall);
    // Playback went on to `position` (media seconds) within one serial, seen at `wall` playing at `speed`.
    void advanced(double position, int serial, double wall, double speed);
    // Playback stopped here (pause, seek, end): the open stretch, if any, is closed.
    void interrupted();
    // Closed stretches, in ms, taken once; the open one is included up to where it has reached.
    std::vector<std::pair<std::int64_t, std::int64_t>> take();

private:
    struct Stretch {
        double from, to;
    };
    double max_step_;
    std::optional<Stretch> open_;
    int serial_ = -1;
    double last_wall_ = 0;
    std::vector<Stretch> closed_;
};

}  // namespace wt::player
