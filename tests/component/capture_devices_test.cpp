// What the Record view offers to choose from (recorder/devices.hpp), against a private Xvfb and a
// PulseAudio null sink: the microphones, a live level before recording, the windows on the screen
// and a still of it.
#include <doctest/doctest.h>

#include <stdlib.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <thread>

#include "recorder/devices.hpp"
#include "tests/capture_env.hpp"
#include "tests/support.hpp"

using namespace wt;
using namespace wt::test;
using recorder::MicLevel;
using Clock = std::chrono::steady_clock;

namespace {

// libpulse reads PULSE_SERVER each time it connects, on whichever thread.
void use_server(const VirtualMicrophone& mic) { ::setenv("PULSE_SERVER", mic.server.c_str(), 1); }

// The loudest reading over `seconds`, once the monitor reads at all.
MicLevel loudest(const recorder::LevelMonitor& m, double seconds) {
    MicLevel most;
    const auto until = Clock::now() + std::chrono::milliseconds(static_cast<int>(seconds * 1000));
    while (Clock::now() < until) {
        const MicLevel l = m.level();
        REQUIRE_MESSAGE(l.state != MicLevel::State::failed, l.error);
        if (l.state == MicLevel::State::live && (most.state != MicLevel::State::live || l.peak > most.peak)) most = l;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return most;
}

// Waits until the monitor has read `n` stretches; false after 5 s.
bool reads(const recorder::LevelMonitor& m, std::uint64_t n) {
    for (int i = 0; i < 250; ++i) {
        const MicLevel l = m.level();
        if (l.state == MicLevel::State::failed) FAIL(l.error);
        if (l.readings >= n) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
}

struct Geometry {
    int x = 0, y = 0, width = 0, height = 0;
};

// Where xdotool says a window is: "Position: X,Y (screen: 0)" and "Geometry: WxH".
Geometry xdotool_geometry(const VirtualScreen& screen, const std::string& id) {
    const auto r = x_client(screen, {"xdotool", "getwindowgeometry", id});
    Geometry g;
    const auto pos = r.out.find("Position: "), size = r.out.find("Geometry: ");
    REQUIRE(pos != std::string::npos);
    REQUIRE(size != std::string::npos);
    REQUIRE(std::sscanf(r.out.c_str() + pos, "Position: %d,%d", &g.x, &g.y) == 2);
    REQUIRE(std::sscanf(r.out.c_str() + size, "Geometry: %dx%d", &g.width, &g.height) == 2);
    return g;
}

std::array<int, 4> pixel(const recorder::Screenshot& s, int x, int y) {
    const std::uint8_t* p = s.rgba.data() + (static_cast<std::size_t>(y) * s.width + x) * 4;
    return {p[0], p[1], p[2], p[3]};
}

}  // namespace

TEST_CASE("microphones: the null sink's monitor is listed, marked as a monitor and the default") {
    VirtualMicrophone mic;
    use_server(mic);
    auto mics = recorder::list_microphones();
    REQUIRE_MESSAGE(mics.has_value(), mics.error().message);
    auto it = std::find_if(mics->begin(), mics->end(), [](const auto& m) { return m.name == "test_mic.monitor"; });
    REQUIRE(it != mics->end());
    CHECK(it->is_monitor);
    CHECK(it->is_default);  // the only source there is
    CHECK_FALSE(it->description.empty());
    CHECK(it->description.find("Monitor of") == std::string::npos);  // the sound output's own name
    // Monitors come after microphones.
    const auto first_monitor = std::find_if(mics->begin(), mics->end(), [](const auto& m) { return m.is_monitor; });
    CHECK(std::none_of(first_monitor, mics->end(), [](const auto& m) { return !m.is_monitor; }));
}

TEST_CASE("microphones: without a sound server the error says what to do instead") {
    TempDir dir;
    ::setenv("PULSE_SERVER", ("unix:" + (dir / "nobody-here").string()).c_str(), 1);
    auto mics = recorder::list_microphones();
    REQUIRE_FALSE(mics.has_value());
    CHECK(contains(mics.error().message, "PulseAudio"));
    CHECK(contains(mics.error().message, "without sound"));

    // The level monitor fails the same way, on its own thread, and says so.
    recorder::LevelMonitor m(std::nullopt);
    for (int i = 0; i < 250 && m.level().state == MicLevel::State::opening; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    CHECK(m.level().state == MicLevel::State::failed);
    CHECK(contains(m.level().error, "microphone"));
}

TEST_CASE("the level monitor: near silence, then a tone played into the null sink, then stops at once") {
    VirtualMicrophone mic;
    use_server(mic);
    recorder::LevelMonitor m("test_mic.monitor");
    CHECK(m.source() == "test_mic.monitor");
    REQUIRE(reads(m, 3));
    const MicLevel quiet = loudest(m, 1.0);
    CHECK(quiet.peak < 0.01f);
    CHECK(quiet.rms < 0.01f);

    // A 440 Hz sine at ffmpeg's 1/8 amplitude: peak ~0.125 (-18 dB), RMS ~0.088.
    ChildProcess tone;
    tone.start({"ffmpeg", "-nostdin", "-loglevel", "error", "-f", "lavfi", "-i", "sine=frequency=440:duration=8", "-f",
                "pulse", "-device", "test_mic", "tone"},
               mic.env(), mic.dir / "tone.log");
    const MicLevel loud = loudest(m, 2.5);
    INFO(read_file(mic.dir / "tone.log"));
    CHECK(loud.peak > 0.08f);
    CHECK(loud.peak < 0.2f);
    CHECK(loud.rms > 0.04f);
    CHECK(loud.rms <= loud.peak);
    // About ten readings (wake-ups) a second, not hundreds; on a busy machine the sound server may hand
    // over larger pieces, so fewer, but it keeps reading.
    const std::uint64_t before = m.level().readings;
    std::this_thread::sleep_for(std::chrono::milliseconds(2000));
    const std::uint64_t in_two_seconds = m.level().readings - before;
    CHECK(in_two_seconds >= 6);
    CHECK(in_two_seconds <= 26);

    const auto t0 = Clock::now();
    {
        recorder::LevelMonitor other("test_mic.monitor");  // gone while it may still be connecting
    }
    CHECK(Clock::now() - t0 < std::chrono::milliseconds(500));
    tone.stop();
}

TEST_CASE("the level monitor on a source that does not exist fails with its name") {
    VirtualMicrophone mic;
    use_server(mic);
    recorder::LevelMonitor m("no_such_source");
    for (int i = 0; i < 250 && m.level().state == MicLevel::State::opening; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    REQUIRE(m.level().state == MicLevel::State::failed);
    CHECK(contains(m.level().error, "no_such_source"));
}

TEST_CASE("windows: an xterm is listed with its title, id and geometry on the screen; hidden ones are not") {
    VirtualScreen screen("800x600x24");
    FlatWindow red(screen, "red", "20x5+400+300");
    FlatWindow blue(screen, "blue", "10x3+40+50");
    auto windows = recorder::list_windows(screen.display);
    REQUIRE_MESSAGE(windows.has_value(), windows.error().message);
    REQUIRE(windows->size() >= 2);
    auto find = [&](const std::string& id) {
        return std::find_if(windows->begin(), windows->end(),
                            [&](const auto& w) { return std::to_string(w.id) == id; });
    };
    const auto r = find(red.id);
    REQUIRE(r != windows->end());
    CHECK(r->title == "wt-flat-red-" + std::to_string(::getpid()));
    const Geometry g = xdotool_geometry(screen, red.id);
    // xdotool places a window by its outer edge; the list gives its inside (what is recorded), one
    // border width (xterm: 1 px here) in.
    CHECK(r->x - g.x == 1);
    CHECK(r->y - g.y == 1);
    CHECK(r->width == g.width);
    CHECK(r->height == g.height);
    CHECK(r->x == 401);  // where it was asked to be
    CHECK(r->y == 301);
    // Topmost first: the blue one was mapped last.
    CHECK(find(blue.id) < r);

    x_client(screen, {"xdotool", "windowunmap", "--sync", blue.id});
    windows = recorder::list_windows(screen.display);
    REQUIRE(windows.has_value());
    CHECK(find(blue.id) == windows->end());
    CHECK(find(red.id) != windows->end());
}

TEST_CASE("windows and the still: a display that cannot be reached is an error naming it") {
    auto windows = recorder::list_windows(":4093");
    REQUIRE_FALSE(windows.has_value());
    CHECK(contains(windows.error().message, ":4093"));
    auto shot = recorder::grab_screen(":4093");
    REQUIRE_FALSE(shot.has_value());
    CHECK(contains(shot.error().message, ":4093"));
}

TEST_CASE("the still of the screen: the display's size, each window's colours where it is") {
    VirtualScreen screen("640x480x24");
    FlatWindow red(screen, "red", "20x5+400+300");
    FlatWindow blue(screen, "blue", "10x3+40+50");
    const Geometry r = xdotool_geometry(screen, red.id), b = xdotool_geometry(screen, blue.id);
    auto shot = recorder::grab_screen(screen.display);
    REQUIRE_MESSAGE(shot.has_value(), shot.error().message);
    CHECK(shot->width == 640);
    CHECK(shot->height == 480);
    REQUIRE(shot->rgba.size() == 640u * 480u * 4u);
    using Px = std::array<int, 4>;
    CHECK(pixel(*shot, r.x + r.width / 2, r.y + r.height / 2) == Px{255, 0, 0, 255});
    CHECK(pixel(*shot, r.x + 2, r.y + 2) == Px{255, 0, 0, 255});
    CHECK(pixel(*shot, b.x + b.width / 2, b.y + b.height / 2) == Px{0, 0, 255, 255});
    // Outside both: Xvfb's black root window.
    CHECK(pixel(*shot, 5, 470) == Px{0, 0, 0, 255});
    CHECK(pixel(*shot, r.x - 10, r.y + 5) == Px{0, 0, 0, 255});
}
