#pragma once
// The player's public face: what the UI reads each frame. The engine arrives with issue #4.
#include <cstdint>
#include <string>

namespace wt::player {

enum class State { opening, playing, paused, ended, failed };

// An immutable copy of the engine's state, taken once per UI frame.
struct Snapshot {
    State state = State::opening;
    std::int64_t position_ms = 0;
    std::int64_t duration_ms = 0;
    double speed = 1.0;
    std::string error;
};

}  // namespace wt::player
