#pragma once
// How many API requests one person may make: a bucket per person that holds up to a minute's
// allowance and refills steadily, so a burst (a page of thumbnails, a player seeking) goes through
// while a runaway script is slowed down. It is kept per person, not per address: a whole team
// behind one NAT address each has their own allowance. Thread-safe.
#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace wt::serve {

class RequestLimiter {
public:
    using Clock = std::chrono::steady_clock;
    // `per_minute` requests a minute on average, up to `per_minute` at once after a quiet minute.
    explicit RequestLimiter(int per_minute);
    // Counts one request of `who` at `now`: nullopt when it may go ahead, else the whole seconds
    // (at least 1) until it may (Retry-After). A refused request is not counted.
    std::optional<int> take(const std::string& who, Clock::time_point now);
    int per_minute() const { return per_minute_; }

private:
    struct Bucket {
        double tokens = 0;
        Clock::time_point updated;
    };
    // Tokens of `b` at `now`, topped up since it was last seen.
    double refilled(const Bucket& b, Clock::time_point now) const;

    int per_minute_;
    double capacity_;
    double per_second_;
    std::mutex mutex_;  // guards buckets_
    std::unordered_map<std::string, Bucket> buckets_;
};

}  // namespace wt::serve
