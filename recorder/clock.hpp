#pragma once
// The recorder's one clock: monotonic microseconds. Every frame and sample is stamped from it.
#include <chrono>
#include <cstdint>

namespace wt::recorder {

inline std::int64_t monotonic_us() {
    return std::chrono::duration_cast<std::chrono::microseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

}  // namespace wt::recorder
