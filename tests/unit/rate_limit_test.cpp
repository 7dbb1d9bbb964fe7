// The per-person API limit's rule: a minute's allowance at once, refilled steadily, kept per
// person (never shared by an address), a refusal saying when to come back and not counted.
#include <doctest/doctest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "serve/rate_limit.hpp"

using wt::serve::RequestLimiter;
using namespace std::chrono_literals;

TEST_CASE("a full minute's allowance goes through at once; the next request waits for the refill") {
    RequestLimiter limit(60);  // one a second
    const auto t0 = RequestLimiter::Clock::time_point{} + 1000s;
    for (int i = 0; i < 60; ++i) REQUIRE_FALSE(limit.take("ann", t0).has_value());
    auto wait = limit.take("ann", t0);
    REQUIRE(wait.has_value());
    CHECK(*wait == 1);
    // Refused requests are not counted: asking again and again does not push the time back.
    for (int i = 0; i < 100; ++i) CHECK(limit.take("ann", t0) == 1);
    CHECK(limit.take("ann", t0 + 999ms).has_value());
    CHECK_FALSE(limit.take("ann", t0 + 1s).has_value());
    CHECK(limit.take("ann", t0 + 1s).has_value());
    // A quiet minute refills it, but never past a minute's worth.
    const auto later = t0 + 1h;
    for (int i = 0; i < 60; ++i) REQUIRE_FALSE(limit.take("ann", later).has_value());
    CHECK(limit.take("ann", later).has_value());
}

TEST_CASE("the limit is per person: one busy person does not slow down the others") {
    RequestLimiter limit(10);
    const auto t0 = RequestLimiter::Clock::time_point{} + 1000s;
    for (int i = 0; i < 10; ++i) REQUIRE_FALSE(limit.take("ann", t0).has_value());
    CHECK(limit.take("ann", t0).has_value());
    for (const char* who : {"bob", "carol", "dave"}) {
        for (int i = 0; i < 10; ++i) CHECK_FALSE(limit.take(who, t0).has_value());
    }
}

TEST_CASE("Retry-After is the whole seconds until one request may go, at least 1") {
    RequestLimiter slow(6);  // one every 10 s
    const auto t0 = RequestLimiter::Clock::time_point{} + 1000s;
    for (int i = 0; i < 6; ++i) REQUIRE_FALSE(slow.take("ann", t0).has_value());
    CHECK(slow.take("ann", t0) == 10);
    CHECK(slow.take("ann", t0 + 2500ms) == 8);  // 7.5 s left, rounded up
    CHECK(slow.take("ann", t0 + 9900ms) == 1);
    RequestLimiter fast(6000);  // a hundred a second: still 1, never 0 (a client would spin)
    for (int i = 0; i < 6000; ++i) REQUIRE_FALSE(fast.take("ann", t0).has_value());
    CHECK(fast.take("ann", t0) == 1);
}

TEST_CASE("a clock that goes back does not refill or break the bucket") {
    RequestLimiter limit(2);
    const auto t0 = RequestLimiter::Clock::time_point{} + 1000s;
    CHECK_FALSE(limit.take("ann", t0).has_value());
    CHECK_FALSE(limit.take("ann", t0).has_value());
    CHECK(limit.take("ann", t0 - 30s).has_value());
    CHECK(limit.take("ann", t0).has_value());
    CHECK_FALSE(limit.take("ann", t0 + 30s).has_value());
}

TEST_CASE("many people at once: the map stays bounded and each still has their allowance") {
    RequestLimiter limit(120);
    const auto t0 = RequestLimiter::Clock::time_point{} + 1000s;
    for (int i = 0; i < 12'000; ++i) CHECK_FALSE(limit.take("p" + std::to_string(i), t0).has_value());
    // A minute later every one of those buckets is full again and may be forgotten.
    for (int i = 0; i < 120; ++i) CHECK_FALSE(limit.take("p0", t0 + 61s).has_value());
    CHECK(limit.take("p0", t0 + 61s).has_value());
}

TEST_CASE("threads taking at once never let more through than the allowance") {
    RequestLimiter limit(1000);
    const auto t0 = RequestLimiter::Clock::time_point{} + 1000s;
    std::atomic<int> allowed{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 8; ++t) {
        threads.emplace_back([&] {
            for (int i = 0; i < 500; ++i) {
                if (!limit.take("ann", t0)) ++allowed;
            }
        });
    }
    for (auto& t : threads) t.join();
    CHECK(allowed.load() == 1000);
}
