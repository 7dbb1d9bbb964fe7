#include "recorder/capture_timing.hpp"

namespace wt::recorder {

namespace {

using Action = FrameVerdict::Action;
using Reason = FrameVerdict::Reason;

FrameVerdict dropped(Reason why) { return {Action::drop, why}; }
FrameVerdict stopped(Reason why) { return {Action::stop, why}; }

// Rounded to the nearest, as av_rescale does; both only for amounts ≥ 0.
std::int64_t samples_to_us(std::int64_t samples, int sample_rate) {
    return (samples * 1'000'000 + sample_rate / 2) / sample_rate;
}
int us_to_samples(std::int64_t us, int sample_rate) {
    return static_cast<int>((us * sample_rate + 500'000) / 1'000'000);
}

std::int64_t floor_div(std::int64_t a, std::int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

}  // namespace

void CaptureTiming::pause(std::int64_t at_us) {
    if (!pause_started_us_) pause_started_us_ = std::max<std::int64_t>(at_us, 0);
}

void CaptureTiming::resume(std::int64_t at_us) {
    if (!pause_started_us_) return;
    last_resume_us_ = std::max(at_us, *pause_started_us_);
    paused_total_us_ += last_resume_us_ - *pause_started_us_;
    pause_started_us_.reset();
}

void CaptureTiming::stop(std::int64_t at_us) {
    if (!stop_at_us_) stop_at_us_ = at_us;
}

FrameVerdict CaptureTiming::video(std::int64_t ts_us, std::int64_t now_us, bool live) {
    FrameVerdict v = place(ts_us, 0, 0, now_us, live);
    if (!v.kept()) return v;
    if (!grid_start_us_) grid_start_us_ = ts_us;
    const std::int64_t slot = slot_of(ts_us);
    if (slot <= last_slot_) return dropped(Reason::over_rate);
    last_slot_ = slot;
    return v;
}

FrameVerdict CaptureTiming::audio(std::int64_t ts_us, int samples, int sample_rate, std::int64_t now_us, bool live) {
    if (samples <= 0 || sample_rate <= 0) return dropped(Reason::empty);
    return place(ts_us, samples, sample_rate, now_us, live);
}

std::int64_t CaptureTiming::slot_of(std::int64_t ts_us) const {
    constexpr auto early = static_cast<std::int64_t>(k_early_slot * 1'000'000);
    return floor_div((ts_us - *grid_start_us_) * fps_ + early, 1'000'000);
}

FrameVerdict CaptureTiming::place(std::int64_t ts_us, int samples, int sample_rate, std::int64_t now_us,
                                  bool live) const {
    if (ts_us < 0) return dropped(Reason::countdown);
    const bool sound = sample_rate > 0;
    auto duration_us = [&](int n) { return sound ? samples_to_us(n, sample_rate) : 0; };
    FrameVerdict v;
    v.samples = samples;
    if (stop_at_us_) {
        const std::int64_t stop_us = live ? now_us : *stop_at_us_;
        const std::int64_t before_stop_us = stop_us - ts_us;
        if (before_stop_us < 0 || (before_stop_us == 0 && sound)) return stopped(Reason::stopped);
        if (!live && now_us > *stop_at_us_ + k_catch_up_us) return stopped(Reason::catch_up_over);
        v.last = live || ts_us + duration_us(samples) >= stop_us;
        if (sound && before_stop_us < duration_us(samples)) {
            v.samples = us_to_samples(before_stop_us, sample_rate);
            if (v.samples <= 0) return stopped(Reason::stopped);
        }
    }
    if (pause_started_us_) {
        if (!sound || ts_us >= *pause_started_us_) return dropped(Reason::paused);
        v.samples = std::min(v.samples, us_to_samples(*pause_started_us_ - ts_us, sample_rate));
        if (v.samples <= 0) return dropped(Reason::paused);
    } else if (ts_us < last_resume_us_) {
        if (!sound || ts_us + duration_us(v.samples) <= last_resume_us_) return dropped(Reason::paused);
        v.drop_front_us = last_resume_us_ - ts_us;
        ts_us = last_resume_us_;
    }
    v.pts_us = ts_us - paused_total_us_;
    if (max_us_ > 0 && v.pts_us >= max_us_) return stopped(Reason::length_limit);
    if (sound && max_us_ > 0 && v.pts_us + duration_us(v.samples) - v.drop_front_us > max_us_) {
        v.samples = us_to_samples(max_us_ - v.pts_us + v.drop_front_us, sample_rate);
    }
    return v;
}

}  // namespace wt::recorder
