#pragma once
// Real input to the desktop app on a private Xvfb (xdotool), for the app's real-input tests: find
// and focus its window, click, type, and look at the screen. Set WT_UI_SNAPSHOTS=DIR to keep a
// picture of the screen after each step when changing the layout.
#include <doctest/doctest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "tests/capture_env.hpp"
#include "tests/support.hpp"

namespace wt::test {

inline void sleep_s(double s) { std::this_thread::sleep_for(std::chrono::milliseconds(static_cast<int>(s * 1000))); }

struct Desktop {
    explicit Desktop(const VirtualScreen& on, std::string snapshot_prefix = {})
        : screen(on), prefix(std::move(snapshot_prefix)) {}
    const VirtualScreen& screen;
    std::string prefix;  // of the snapshots' names
    std::string window;
    int step = 0;
    TempDir shots;

    RunResult x(std::vector<std::string> argv) const { return run(argv, {{"DISPLAY", screen.display}}); }

    // Waits (up to 10 s) for the app's window and gives it the keyboard (no window manager here to do it).
    bool find_window() {
        for (int i = 0; i < 100 && window.empty(); ++i) {
            auto r = x({"xdotool", "search", "--onlyvisible", "--name", "^walkthrough$"});
            if (r.exit_code == 0 && !r.out.empty())
                window = r.out.substr(0, r.out.find('\n'));
            else
                sleep_s(0.1);
        }
        if (window.empty()) return false;
        x({"xdotool", "windowfocus", "--sync", window});
        return true;
    }
    void snapshot(const std::string& what) {
        const char* dir = std::getenv("WT_UI_SNAPSHOTS");
        if (!dir || !*dir) return;
        x({"import", "-window", "root",
           (std::filesystem::path(dir) / (prefix + std::to_string(++step) + "-" + what + ".png")).string()});
    }
    void click(int x_, int y_, const std::string& what) {
        x({"xdotool", "mousemove", "--sync", std::to_string(x_), std::to_string(y_)});
        std::this_thread::sleep_for(std::chrono::milliseconds(150));  // hover is drawn before the press
        REQUIRE(x({"xdotool", "click", "1"}).exit_code == 0);
        std::this_thread::sleep_for(std::chrono::milliseconds(400));
        snapshot(what);
    }
    void type(const std::string& text) {
        REQUIRE(x({"xdotool", "type", "--delay", "40", text}).exit_code == 0);
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
    }
    // The pixels of a part of the screen (raw RGB), to tell whether it changed.
    std::string pixels(int left, int top, int width, int height) {
        const auto png = shots / ("screen-" + std::to_string(++step) + ".png");
        REQUIRE(x({"import", "-window", "root", png.string()}).exit_code == 0);
        const std::string geometry = std::to_string(width) + "x" + std::to_string(height) + "+" +
                                     std::to_string(left) + "+" + std::to_string(top);
        auto r = run({"convert", png.string(), "-crop", geometry, "+repage", "rgb:-"});
        REQUIRE(r.exit_code == 0);
        REQUIRE(r.out.size() == static_cast<std::size_t>(width) * height * 3);
        return r.out;
    }
};

}  // namespace wt::test
