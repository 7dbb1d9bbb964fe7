#pragma once
// The desktop app: `walkthrough` with no command (or only --library/--as), and
// `walkthrough --screenshots DIR` which renders each main view into PNGs.
#include <chrono>
#include <optional>
#include <string>

namespace wt::app {

struct DesktopOptions {
    std::string library;      // --library
    std::string as;           // --as
    std::string screenshots;  // --screenshots DIR
    std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
};

// The desktop app's own arguments; nullopt when the arguments name a command (the CLI's job).
std::optional<DesktopOptions> parse_desktop_args(int argc, char** argv);

// Opens the desktop window and runs until it is closed. Without a display it says so, shows how
// to use the command line instead, and returns non-zero.
int run_desktop(const DesktopOptions& options = {});

}  // namespace wt::app
