#include "serve/rate_limit.hpp"

#include <algorithm>
#include <cmath>

namespace wt::serve {

RequestLimiter::RequestLimiter(int per_minute)
    : per_minute_(std::max(1, per_minute)), capacity_(per_minute_), per_second_(per_minute_ / 60.0) {}

double RequestLimiter::refilled(const Bucket& b, Clock::time_point now) const {
    const double seconds = std::chrono::duration<double>(now - b.updated).count();
    return std::min(capacity_, b.tokens + std::max(0.0, seconds) * per_second_);
}

std::optional<int> RequestLimiter::take(const std::string& who, Clock::time_point now) {
    std::lock_guard lock(mutex_);
    // Full buckets say nothing a new one would not: dropping them keeps the map to the people
    // active within the last minute.
    if (buckets_.size() > 10'000) {
        std::erase_if(buckets_, [&](const auto& kv) { return refilled(kv.second, now) >= capacity_; });
    }
    auto [it, added] = buckets_.try_emplace(who, Bucket{capacity_, now});
    Bucket& b = it->second;
    b.tokens = refilled(b, now);
    b.updated = std::max(b.updated, now);
    if (b.tokens >= 1.0) {
        b.tokens -= 1.0;
        return std::nullopt;
    }
    return std::max(1, static_cast<int>(std::ceil((1.0 - b.tokens) / per_second_)));
}

}  // namespace wt::serve
