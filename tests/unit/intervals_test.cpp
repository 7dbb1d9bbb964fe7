#include <doctest/doctest.h>

#include <random>

#include "catalog/intervals.hpp"

using namespace wt::catalog;
using V = std::vector<Interval>;

TEST_CASE("merging keeps the set sorted and disjoint") {
    V s;
    s = merge_interval(s, {10, 20});
    s = merge_interval(s, {30, 40});
    CHECK(s == V{{10, 20}, {30, 40}});
    s = merge_interval(s, {0, 5});
    CHECK(s == V{{0, 5}, {10, 20}, {30, 40}});
    s = merge_interval(s, {15, 35});  // bridges two ranges
    CHECK(s == V{{0, 5}, {10, 40}});
    s = merge_interval(s, {5, 10});  // touching ranges join
    CHECK(s == V{{0, 40}});
    s = merge_interval(s, {20, 30});  // inside: nothing changes
    CHECK(s == V{{0, 40}});
    s = merge_interval(s, {50, 50});  // empty: ignored
    s = merge_interval(s, {60, 55});  // backwards: ignored
    CHECK(s == V{{0, 40}});
}

TEST_CASE("coverage counts each moment once and only inside the video") {
    V s{{0, 30'000}, {60'000, 90'000}};
    CHECK(covered_ms(s, 100'000) == 60'000);
    CHECK(covered_ms(s, 70'000) == 40'000);                 // clipped at the end
    CHECK(covered_ms({{-5'000, 5'000}}, 10'000) == 5'000);  // clipped at the start
}

TEST_CASE("watching the same part twice does not add coverage (random check against a bitmap)") {
    std::mt19937 rng(7);
    for (int round = 0; round < 50; ++round) {
        const int duration = 1000;
        std::vector<bool> seen(duration, false);
        V s;
        for (int k = 0; k < 30; ++k) {
            int a = static_cast<int>(rng() % duration), b = static_cast<int>(rng() % duration);
            if (a > b) std::swap(a, b);
            s = merge_interval(s, {a, b});
            for (int i = a; i < b; ++i) seen[static_cast<size_t>(i)] = true;
        }
        std::int64_t expect = std::count(seen.begin(), seen.end(), true);
        CHECK(covered_ms(s, duration) == expect);
        for (size_t i = 1; i < s.size(); ++i) CHECK(s[i - 1].end_ms < s[i].start_ms);
    }
}

TEST_CASE("the 90 % rule") {
    CHECK(coverage_counts_as_watched(90'000, 100'000));
    CHECK_FALSE(coverage_counts_as_watched(89'999, 100'000));
    CHECK_FALSE(coverage_counts_as_watched(0, 0));  // unknown duration: only an explicit mark counts
}

TEST_CASE("intervals survive storage, and damaged storage degrades safely") {
    V s{{0, 5000}, {7000, 9000}};
    CHECK(encode_intervals(s) == "0-5000,7000-9000");
    CHECK(decode_intervals(encode_intervals(s)) == s);
    CHECK(decode_intervals("").empty());
    CHECK(decode_intervals("7000-9000,0-8000") == V{{0, 9000}});  // unsorted input is re-merged
    CHECK(decode_intervals("0-100,garbage") == V{{0, 100}});
}
