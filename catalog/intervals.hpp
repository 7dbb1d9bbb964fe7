#pragma once
// Watched intervals: the pure arithmetic behind "watched 93 %".
#include <cstdint>
#include <string>
#include <vector>

#include "catalog/catalog.hpp"

namespace wt::catalog {

// Adds [add.start_ms, add.end_ms) to a sorted, disjoint set, merging overlapping and touching ranges.
std::vector<Interval> merge_interval(std::vector<Interval> set, Interval add);
// How much of [0, duration_ms) the set covers.
std::int64_t covered_ms(const std::vector<Interval>& set, std::int64_t duration_ms);
// The ≥ 90 % rule: a recording is watched once the watched stretches cover 90 % of it.
bool coverage_counts_as_watched(std::int64_t covered, std::int64_t duration_ms);

// Storage form "0-5000,7000-9000".
std::string encode_intervals(const std::vector<Interval>& set);
std::vector<Interval> decode_intervals(const std::string& text);

}  // namespace wt::catalog
