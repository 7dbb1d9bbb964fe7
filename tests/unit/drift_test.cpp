// The microphone drift controller (recorder/drift.hpp) against simulated devices: a sample clock
// off by some ppm, reads that arrive late by a random 0..8 ms, lost samples, a stalled machine.
#include <doctest/doctest.h>

#include <cmath>
#include <random>

#include "recorder/drift.hpp"

using wt::recorder::DriftController;
using wt::recorder::DriftCorrection;

namespace {

struct Outcome {
    double final_error_s = 0;  // placed − true capture time of the last frame
    double worst_error_s = 0;  // over the last `settled_s` seconds
    double max_stretch = 0;    // |stretch| ever asked for
    double final_stretch = 0;
    double mean_stretch = 0;  // over the last `settled_s` seconds
    int jumps = 0;
    double jumped_s = 0;  // sum of the steps
};

// A device whose crystal runs `ppm` fast delivers 100 ms frames (4800 samples) for `seconds`;
// each is read `0..jitter_s` late and stamped read time − 100 ms, as the recorder does. The
// placement follows the controller's corrections exactly as the resampler would apply them.
// `lost_at_s`: the device drops `lost_s` of audio at that moment (an overrun).
Outcome simulate(double ppm, double seconds, double jitter_s, double settled_s = 600, double lost_at_s = -1,
                 double lost_s = 0) {
    constexpr double frame_s = 0.1;
    const double device_rate = 1 + ppm * 1e-6;  // device "seconds" per real second
    std::mt19937 random(42);
    std::uniform_real_distribution<double> late(0, jitter_s);
    DriftController c;
    Outcome out;
    double placed = 0;  // where the next frame's first sample lands in the file
    double stretch = 0;
    double device_time = 0;  // device samples delivered so far, in nominal seconds
    bool lost = false;
    int settled_frames = 0;
    for (int k = 0; device_time / device_rate < seconds; ++k) {
        if (!lost && lost_at_s >= 0 && device_time / device_rate >= lost_at_s) {
            device_time += lost_s;  // those samples never reach the recorder
            lost = true;
        }
        const double captured = device_time / device_rate;  // true time of the frame's first sample
        const double stamp = captured + frame_s / device_rate + late(random) - frame_s;
        const DriftCorrection d = c.update(stamp, placed);
        if (d.jump_s != 0) {
            ++out.jumps;
            out.jumped_s += d.jump_s;
            placed += d.jump_s;  // silence before this frame, or audio left out
        }
        stretch = d.stretch;
        out.max_stretch = std::max(out.max_stretch, std::abs(stretch));
        const double error = placed - captured;
        if (captured > seconds - settled_s) {
            out.worst_error_s = std::max(out.worst_error_s, std::abs(error));
            out.mean_stretch += stretch;
            ++settled_frames;
        }
        out.final_error_s = error;
        placed += frame_s * (1 + stretch);
        device_time += frame_s;
    }
    out.final_stretch = stretch;
    if (settled_frames > 0) out.mean_stretch /= settled_frames;
    return out;
}

}  // namespace

TEST_CASE("exact timestamps: no correction at all") {
    const Outcome o = simulate(0, 600, 0);
    CHECK(o.max_stretch < 1e-9);
    CHECK(o.jumps == 0);
    CHECK(std::abs(o.final_error_s) < 1e-6);
}

TEST_CASE("a device 200 ppm fast is pulled onto the clock within a few ms, at about -200 ppm") {
    const Outcome o = simulate(200, 1800, 0.008, 1200);
    CAPTURE(o.final_error_s);
    CAPTURE(o.mean_stretch);
    // Uncorrected, 30 minutes at 200 ppm would place the end 360 ms late.
    CHECK(o.worst_error_s < 0.004);
    CHECK(o.mean_stretch == doctest::Approx(-200e-6).epsilon(0.05));
    CHECK(o.max_stretch <= DriftController::k_max_stretch);
    CHECK(o.jumps == 0);
}

TEST_CASE("a slow device is stretched the other way") {
    const Outcome o = simulate(-120, 1800, 0.008, 1200);
    CHECK(o.worst_error_s < 0.004);
    CHECK(o.mean_stretch == doctest::Approx(120e-6).epsilon(0.05));
    CHECK(o.jumps == 0);
}

TEST_CASE("read-time jitter alone barely moves the audio") {
    const Outcome o = simulate(0, 600, 0.020);
    CHECK(std::abs(o.mean_stretch) < 5e-6);  // jitter is not mistaken for drift
    CHECK(o.max_stretch <= DriftController::k_max_stretch);
    CHECK(o.worst_error_s < 0.005);
    CHECK(o.jumps == 0);
}

TEST_CASE("the correction never exceeds its limit; a larger drift is caught by steps, bounded") {
    const Outcome o = simulate(1000, 600, 0.008);
    CHECK(o.max_stretch == doctest::Approx(DriftController::k_max_stretch));
    CHECK(o.jumps >= 1);
    CHECK(o.jumped_s < 0);  // too many samples: audio left out
    CHECK(o.worst_error_s < 2 * DriftController::k_jump_s + 0.01);
}

TEST_CASE("samples lost by the device become one step of silence, not a slow slide") {
    const Outcome o = simulate(0, 300, 0.008, 240, 30, 0.250);
    CHECK(o.jumps == 1);
    CHECK(o.jumped_s == doctest::Approx(0.250).epsilon(0.05));
    CHECK(o.worst_error_s < 0.010);  // from a minute after the loss on
}

TEST_CASE("audio sent twice (more samples than time) is left out at once") {
    DriftController c;
    double placed = 0, t = 0;
    double jumped = 0, worst_after = 0;
    for (int k = 0; k < 300; ++k, t += 0.1) {
        if (k == 100) placed += 0.094;  // the server repeated 94 ms
        const DriftCorrection d = c.update(t + 0.002, placed);
        jumped += d.jump_s;
        placed += d.jump_s;
        if (k > 100) worst_after = std::max(worst_after, std::abs(placed - t));
        placed += 0.1;
    }
    CHECK(jumped == doctest::Approx(-0.092).epsilon(0.02));  // the repeat minus the read's lateness
    CHECK(worst_after < 0.005);                              // from the next frame on
}

TEST_CASE("one stalled read (a late window) does not step the audio") {
    DriftController c;
    double placed = 0, t = 0;
    int jumps = 0;
    for (int k = 0; k < 600; ++k, t += 0.1, placed += 0.1) {
        // Seconds 30..31: every read of that window is 200 ms late.
        const double late = (t >= 30 && t < 31) ? 0.2 : 0.001;
        const DriftCorrection d = c.update(t + late, placed);
        if (d.jump_s != 0) ++jumps;
        CHECK(std::abs(d.stretch) <= DriftController::k_max_stretch);
    }
    CHECK(jumps == 0);
    CHECK(std::abs(c.error_s()) < 0.005);
}
