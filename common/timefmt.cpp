#include "common/timefmt.hpp"

#include <charconv>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <vector>

#include <fmt/format.h>

namespace wt {

EpochMs now_ms() {
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

namespace {

std::optional<long long> parse_whole(std::string_view s) {
    if (s.empty()) return std::nullopt;
    long long v = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || end != s.data() + s.size() || v < 0) return std::nullopt;
    return v;
}

std::vector<std::string_view> split(std::string_view s, char sep) {
    std::vector<std::string_view> parts;
    size_t start = 0;
    for (;;) {
        size_t pos = s.find(sep, start);
        parts.push_back(s.substr(start, pos == std::string_view::npos ? std::string_view::npos : pos - start));
        if (pos == std::string_view::npos) return parts;
        start = pos + 1;
    }
}

}  // namespace

Result<std::int64_t> parse_moment(std::string_view text) {
    auto bad = [&] {
        return fail(ErrorCode::invalid_input,
                    fmt::format("'{}' is not a time in the video; write MM:SS, H:MM:SS or seconds (e.g. 2:13)", text));
    };
    if (text.empty()) return bad();
    // Fractional seconds are allowed on the last field only ("2:13.5", "75.25").
    std::string_view whole = text;
    std::int64_t frac_ms = 0;
    if (auto dot = text.rfind('.'); dot != std::string_view::npos) {
        std::string_view frac = text.substr(dot + 1);
        if (frac.empty() || frac.size() > 3) return bad();
        auto f = parse_whole(frac);
        if (!f) return bad();
        frac_ms = *f;
        for (size_t i = frac.size(); i < 3; ++i) frac_ms *= 10;
        whole = text.substr(0, dot);
    }
    auto parts = split(whole, ':');
    if (parts.size() > 3) return bad();
    std::vector<long long> nums;
    for (auto p : parts) {
        auto v = parse_whole(p);
        if (!v || *v > 10'000'000) return bad();  // bounded before any multiplication can overflow
        nums.push_back(*v);
    }
    long long seconds = 0;
    if (nums.size() == 1) {
        seconds = nums[0];
    } else if (nums.size() == 2) {
        if (nums[1] >= 60) return bad();
        seconds = nums[0] * 60 + nums[1];
    } else {
        if (nums[1] >= 60 || nums[2] >= 60) return bad();
        seconds = nums[0] * 3600 + nums[1] * 60 + nums[2];
    }
    if (seconds > 100LL * 3600 * 24) return bad();
    return seconds * 1000 + frac_ms;
}

std::string format_moment(std::int64_t ms) {
    if (ms < 0) ms = 0;
    std::int64_t s = ms / 1000;
    if (s >= 3600) return fmt::format("{}:{:02}:{:02}", s / 3600, (s / 60) % 60, s % 60);
    return fmt::format("{}:{:02}", s / 60, s % 60);
}

std::string format_moment_exact(std::int64_t ms) {
    if (ms < 0) ms = 0;
    std::string out = format_moment(ms);
    if (ms % 1000 == 0) return out;
    std::string frac = fmt::format("{:03}", ms % 1000);
    while (frac.back() == '0') frac.pop_back();
    return out + "." + frac;
}

Result<std::string> parse_date(std::string_view text) {
    auto bad = [&] {
        return fail(ErrorCode::invalid_input,
                    fmt::format("'{}' is not a date; write YYYY-MM-DD (e.g. 2026-12-04)", text));
    };
    auto parts = split(text, '-');
    if (parts.size() != 3 || parts[0].size() != 4 || parts[1].size() != 2 || parts[2].size() != 2) return bad();
    auto y = parse_whole(parts[0]), m = parse_whole(parts[1]), d = parse_whole(parts[2]);
    if (!y || !m || !d) return bad();
    using namespace std::chrono;
    year_month_day ymd{year(static_cast<int>(*y)), month(static_cast<unsigned>(*m)), day(static_cast<unsigned>(*d))};
    if (!ymd.ok()) return bad();
    return fmt::format("{:04}-{:02}-{:02}", *y, *m, *d);
}

namespace {
std::tm local_tm(EpochMs at) {
    std::time_t t = static_cast<std::time_t>(at / 1000);
    std::tm tm{};
    localtime_r(&t, &tm);
    return tm;
}
}  // namespace

std::string local_date(EpochMs at) {
    std::tm tm = local_tm(at);
    return fmt::format("{:04}-{:02}-{:02}", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

std::string format_local_time(EpochMs at) {
    std::tm tm = local_tm(at);
    return fmt::format("{:04}-{:02}-{:02} {:02}:{:02}", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                       tm.tm_min);
}

std::string format_iso_utc(EpochMs at) {
    std::time_t t = static_cast<std::time_t>(at / 1000);
    std::tm tm{};
    gmtime_r(&t, &tm);
    return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                       tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(at % 1000));
}

Result<EpochMs> parse_iso_utc(std::string_view text) {
    int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0, millis = 0, used = 0;
    const std::string s(text);
    const int got = std::sscanf(s.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &year, &month, &day, &hour, &minute,
                                &second, &used);
    bool ok = got == 6 && month >= 1 && month <= 12 && day >= 1 && day <= 31 && hour < 24 && minute < 60 &&
              second < 61 && used > 0;
    std::string_view rest = ok ? std::string_view(s).substr(static_cast<size_t>(used)) : std::string_view();
    if (ok && rest.starts_with('.')) {
        rest.remove_prefix(1);
        int digits = 0;
        while (!rest.empty() && rest.front() >= '0' && rest.front() <= '9') {
            if (digits < 3) millis = millis * 10 + (rest.front() - '0');
            ++digits;
            rest.remove_prefix(1);
        }
        ok = digits > 0;
        for (; digits > 0 && digits < 3; ++digits) millis *= 10;
    }
    if (!ok || rest != "Z") {
        return fail(ErrorCode::invalid_input,
                    fmt::format("'{}' is not an instant in UTC such as 2026-11-22T13:03:05.123Z", s));
    }
    std::tm tm{};
    tm.tm_year = year - 1900;
    tm.tm_mon = month - 1;
    tm.tm_mday = day;
    tm.tm_hour = hour;
    tm.tm_min = minute;
    tm.tm_sec = second;
    return static_cast<EpochMs>(timegm(&tm)) * 1000 + millis;
}

std::string format_age(std::int64_t ms) {
    if (ms < 0) ms = 0;
    std::int64_t s = ms / 1000;
    if (s < 60) return fmt::format("{} s", s);
    std::int64_t m = s / 60;
    if (m < 60) return fmt::format("{} min", m);
    std::int64_t h = m / 60;
    if (h < 48) return m % 60 ? fmt::format("{} h {} min", h, m % 60) : fmt::format("{} h", h);
    return h % 24 ? fmt::format("{} d {} h", h / 24, h % 24) : fmt::format("{} d", h / 24);
}

}  // namespace wt
