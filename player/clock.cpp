#include "player/clock.hpp"

#include <algorithm>

namespace wt::player {

FramePick pick_frame(std::span<const double> queued_pts, double clock, double dead_band) {
    FramePick pick;
    if (std::isnan(clock)) return pick;
    for (std::size_t i = 0; i < queued_pts.size(); ++i) {
        if (queued_pts[i] > clock + dead_band) break;
        pick.show = i;
    }
    if (pick.show) pick.drop = *pick.show;
    return pick;
}

double wait_until_due(double next_pts, double clock, double speed) {
    if (std::isnan(clock) || std::isnan(next_pts)) return 0;
    return std::max(0.0, (next_pts - clock) / std::max(speed, 0.01));
}

void WatchTracker::began(double position, int serial, double wall) {
    interrupted();
    open_ = Stretch{position, position};
    serial_ = serial;
    last_wall_ = wall;
}

void WatchTracker::advanced(double position, int serial, double wall, double speed) {
    // A clock handing over (system to audio) may read a few ms behind what was seen: not a jump.
    constexpr double k_jitter = 0.25;
    // Playing moves the clock at most `speed` media seconds per wall second, so a look that came late
    // (a busy machine) still counts all that played since; a longer step is a jump nobody watched.
    const double allowed = std::max(max_step_, 1.25 * speed * (wall - last_wall_) + k_jitter);
    if (open_ && serial == serial_ && position >= open_->to - k_jitter && position - open_->to <= allowed) {
        open_->to = std::max(open_->to, position);
        last_wall_ = wall;
        return;
    }
    interrupted();
    open_ = Stretch{position, position};
    serial_ = serial;
    last_wall_ = wall;
}

void WatchTracker::interrupted() {
    if (open_ && open_->to > open_->from) closed_.push_back(*open_);
    open_.reset();
}

std::vector<std::pair<std::int64_t, std::int64_t>> WatchTracker::take() {
    std::vector<std::pair<std::int64_t, std::int64_t>> out;
    auto add = [&](const Stretch& s) {
        const auto from = static_cast<std::int64_t>(std::llround(s.from * 1000));
        const auto to = static_cast<std::int64_t>(std::llround(s.to * 1000));
        if (to > from) out.emplace_back(from, to);
    };
    for (const Stretch& s : closed_) add(s);
    closed_.clear();
    if (open_ && open_->to > open_->from) {
        add(*open_);
        open_->from = open_->to;  // what was reported is not reported again
    }
    return out;
}

}  // namespace wt::player
