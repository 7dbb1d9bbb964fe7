#pragma once
// The one monotonic clock of the process, in microseconds: for stamping captured frames and samples,
// for deadlines and for the idle and busy times the app measures. Never goes back, unlike the time of day.
#include <chrono>
#include <cstdint>

namespace wt {

inline std::int64_t monotonic_us() {
    return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

}  // namespace wt
