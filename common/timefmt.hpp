#pragma once
// Times as people type and read them. All instants are milliseconds since the Unix epoch (UTC);
// all moments inside a video are milliseconds from its start.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.hpp"

namespace wt {

using EpochMs = std::int64_t;

EpochMs now_ms();

// "2:13", "02:13", "1:02:13", "75" or "75.5" (seconds) -> milliseconds into a video.
Result<std::int64_t> parse_moment(std::string_view text);
// 133000 -> "2:13"; 3733000 -> "1:02:13".
std::string format_moment(std::int64_t ms);
// As format_moment, with the milliseconds when there are any (133250 -> "2:13.25"), so that
// parse_moment reads back the same moment.
std::string format_moment_exact(std::int64_t ms);

// "YYYY-MM-DD", validated as a real calendar date; returned normalised.
Result<std::string> parse_date(std::string_view text);
// The calendar date (local time) that an instant falls on, as "YYYY-MM-DD".
std::string local_date(EpochMs at);
// "2026-11-22 14:03" in local time.
std::string format_local_time(EpochMs at);
// ISO 8601 UTC with milliseconds, for JSON: "2026-11-22T13:03:05.123Z".
std::string format_iso_utc(EpochMs at);
// Reads that form back ("2026-11-22T13:03:05.123Z"; the milliseconds may be left out).
Result<EpochMs> parse_iso_utc(std::string_view text);
// A rough duration for people: "45 s", "12 min", "3 h 5 min", "2 d 4 h".
std::string format_age(std::int64_t ms);

}  // namespace wt
