#include "catalog/intervals.hpp"

#include <algorithm>
#include <charconv>

namespace wt::catalog {

std::vector<Interval> merge_interval(std::vector<Interval> set, Interval add) {
    if (add.end_ms <= add.start_ms) return set;
    std::vector<Interval> out;
    out.reserve(set.size() + 1);
    bool placed = false;
    for (const Interval& cur : set) {
        if (cur.end_ms < add.start_ms) {
            out.push_back(cur);
        } else if (add.end_ms < cur.start_ms) {
            if (!placed) out.push_back(add), placed = true;
            out.push_back(cur);
        } else {  // overlapping or touching: grow the range being added
            add.start_ms = std::min(add.start_ms, cur.start_ms);
            add.end_ms = std::max(add.end_ms, cur.end_ms);
        }
    }
    if (!placed) out.push_back(add);
    return out;
}

std::int64_t covered_ms(const std::vector<Interval>& set, std::int64_t duration_ms) {
    std::int64_t total = 0;
    for (const Interval& i : set) {
        std::int64_t s = std::max<std::int64_t>(i.start_ms, 0);
        std::int64_t e = std::min(i.end_ms, duration_ms);
        if (e > s) total += e - s;
    }
    return total;
}

bool coverage_counts_as_watched(std::int64_t covered, std::int64_t duration_ms) {
    return duration_ms > 0 && covered * 10 >= duration_ms * 9;
}

std::string encode_intervals(const std::vector<Interval>& set) {
    std::string out;
    for (const Interval& i : set) {
        if (!out.empty()) out += ',';
        out += std::to_string(i.start_ms) + '-' + std::to_string(i.end_ms);
    }
    return out;
}

std::vector<Interval> decode_intervals(const std::string& text) {
    std::vector<Interval> out;
    const char* p = text.data();
    const char* end = p + text.size();
    while (p < end) {
        Interval i;
        auto r1 = std::from_chars(p, end, i.start_ms);
        if (r1.ec != std::errc() || r1.ptr >= end || *r1.ptr != '-') break;
        auto r2 = std::from_chars(r1.ptr + 1, end, i.end_ms);
        if (r2.ec != std::errc()) break;
        out = merge_interval(std::move(out), i);  // re-merging makes a hand-edited value safe
        p = r2.ptr;
        if (p < end && *p == ',') ++p;
    }
    return out;
}

std::int64_t resume_position_ms(const View& view, std::int64_t duration_ms) {
    return view.last_position_ms < duration_ms - 3000 ? view.last_position_ms : 0;
}

}  // namespace wt::catalog
