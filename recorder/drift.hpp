#pragma once
// Keeps a live microphone on the recorder's clock.
//
// A sound card counts samples with its own crystal: 48000 "Hz" may be 48010 in real seconds
// (~200 ppm), so audio placed by counting samples slides against the video by up to ~0.7 s an
// hour. Each frame's capture stamp (read time − its duration) says where it should be; this
// controller compares that with where the samples so far place it and answers with a tiny
// resampling ratio (libswresample compensation), as SimpleScreenRecorder does with its own
// resampler: a critically damped PI controller, at most ±300 ppm (a pitch change of 0.005
// semitone, inaudible). Offsets larger than k_jump_s are stepped instead: audio ahead of its
// stamp (a server that sent some twice) is left out at once; audio behind for two windows in a
// row (samples the device lost) gets silence.
//
// Pure arithmetic, no libav: tested on its own (tests/drift_test.cpp).
#include <algorithm>
#include <cmath>

namespace wt::recorder {

struct DriftCorrection {
    double stretch = 0;  // output samples per input sample − 1 from now on: +1e-4 = 100 ppm more out than in
    double jump_s = 0;   // a step to make now: > 0 insert this much silence, < 0 leave out this much audio
};

class DriftController {
public:
    static constexpr double k_window_s = 1.0;          // one reading per second of audio
    static constexpr double k_time_constant_s = 30.0;  // how fast it follows a drift
    static constexpr double k_max_stretch = 300e-6;    // ±300 ppm
    static constexpr double k_jump_s = 0.050;          // beyond this, twice in a row: step at once

    // One frame: captured at `clock_s` on the recorder's clock, its first sample lands at
    // `placed_s` in the file. The stamp is an upper bound of the true capture time (late by
    // scheduling and buffering, never early), so the best reading of a window is its largest
    // placed − clock. Returns the correction in force from now (changed once a window).
    DriftCorrection update(double clock_s, double placed_s) {
        const double error = placed_s - clock_s;
        if (error >= k_jump_s) {
            // More samples than time has passed: since stamps are never early this is certain (a
            // sound server that rewound and sent audio twice), so it is left out at once.
            window_start_s_ = -1;
            pending_jump_s_ = 0;
            last_error_s_ = 0;
            return {stretch_, -error};
        }
        if (window_start_s_ < 0) window_start_s_ = clock_s, window_error_s_ = error;
        window_error_s_ = std::max(window_error_s_, error);
        DriftCorrection out{stretch_, 0};
        if (clock_s - window_start_s_ < k_window_s) return out;

        const double e = window_error_s_;
        window_start_s_ = -1;
        last_error_s_ = e;
        if (e <= -k_jump_s) {
            // Fewer samples than time: samples lost, or every read of the window was late (a
            // stalled machine). Not integrated (an offset is not a rate), and filled with silence
            // only when the next window agrees, so one stall does not move the audio.
            if (pending_jump_s_ < 0) {
                out.jump_s = -std::max(e, pending_jump_s_);
                pending_jump_s_ = 0;
            } else {
                pending_jump_s_ = e;
            }
            return out;
        }
        pending_jump_s_ = 0;
        // Critical damping: kp = 2/T, ki = 1/T²; the integral learns the device's rate. It only
        // grows while the output is not at its limit (no wind-up).
        constexpr double kp = 2.0 / k_time_constant_s, ki = 1.0 / (k_time_constant_s * k_time_constant_s);
        const double unclamped = -(kp * e + ki * (integral_ + e * k_window_s));
        if (std::abs(unclamped) <= k_max_stretch || (unclamped > 0) == (e > 0)) integral_ += e * k_window_s;
        stretch_ = std::clamp(-(kp * e + ki * integral_), -k_max_stretch, k_max_stretch);
        out.stretch = stretch_;
        return out;
    }

    // The latest window's estimate of placed − captured (s): the drift still uncorrected.
    double error_s() const { return last_error_s_; }
    double stretch() const { return stretch_; }

private:
    double window_start_s_ = -1, window_error_s_ = 0;
    double last_error_s_ = 0;
    double integral_ = 0;
    double stretch_ = 0;
    double pending_jump_s_ = 0;
};

}  // namespace wt::recorder
