#pragma once
// What a person chooses before recording, as the desktop app offers it: the microphones (with a
// live level to see that the right one hears them), the windows on the screen, and a still of the
// whole screen to drag a region on. Plain data out; nothing here records.
//
// Thread-safety: list_microphones(), list_windows() and grab_screen() block (a round trip to the
// sound or X server) and may run on any thread, each with its own connection. A LevelMonitor runs
// its own thread; level() may be called from any thread.
#include <atomic>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "common/result.hpp"

namespace wt::recorder {

// ---- microphones ----

struct Microphone {
    std::string name;         // the PulseAudio source, for RecordOptions::mic
    std::string description;  // "Built-in Audio Analog Stereo"; a monitor: the sound output's description
    bool is_default = false;  // the server's default source: what RecordOptions::mic = nullopt records
    bool is_monitor = false;  // what a sound output plays, not a microphone
};

// The PulseAudio capture sources: microphones first, then monitors of sound outputs, each in the
// server's order. An error (no sound server) says what to do instead.
Result<std::vector<Microphone>> list_microphones();

struct MicLevel {
    enum class State { opening, live, failed };
    State state = State::opening;
    float peak = 0;              // 0..1, the latest ~100 ms
    float rms = 0;               // 0..1, the same stretch's loudness
    std::uint64_t readings = 0;  // stretches measured so far
    std::string error;           // when failed: why, and what to do
};

class PulseInput;

// Listens to one source at 16 kHz mono, ten readings a second, on its own thread, so a level can
// be shown before recording. Opens on that thread: constructing never waits for the server.
class LevelMonitor {
public:
    // `source`: a PulseAudio source name; nullopt = the server's default source.
    explicit LevelMonitor(std::optional<std::string> source);
    // Stops listening and joins the thread (at most ~100 ms, while the server is still connecting).
    ~LevelMonitor();
    LevelMonitor(const LevelMonitor&) = delete;
    LevelMonitor& operator=(const LevelMonitor&) = delete;

    MicLevel level() const;
    const std::optional<std::string>& source() const { return source_; }

private:
    void run();

    const std::optional<std::string> source_;
    std::atomic<bool> stopping_{false};
    mutable std::mutex lock_;  // guards level_ and input_
    MicLevel level_;
    PulseInput* input_ = nullptr;  // while reading: interrupted by the destructor
    std::thread thread_;           // last: started once everything above exists
};

// ---- the screen ----

struct WindowInfo {
    std::uint32_t id = 0;  // for RecordOptions::window
    std::string title;     // UTF-8; may be empty under a window manager without names
    int x = 0, y = 0;      // on the root window (the screen)
    int width = 0, height = 0;
    int pid = 0;  // the owning process (_NET_WM_PID); 0 when not known
};

// The top-level windows shown on `display` (empty: $DISPLAY), topmost first: the window manager's
// client list (_NET_CLIENT_LIST_STACKING / _NET_CLIENT_LIST) when it keeps one, else the named,
// mapped children of the root window. Hidden and minimised windows are left out.
Result<std::vector<WindowInfo>> list_windows(const std::string& display);

struct Screenshot {
    int width = 0, height = 0;
    std::vector<std::uint8_t> rgba;  // width * 4 bytes a row, opaque
};

// The whole screen of `display` (empty: $DISPLAY) as it is now, without the pointer.
Result<Screenshot> grab_screen(const std::string& display);

}  // namespace wt::recorder
