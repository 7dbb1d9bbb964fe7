// walkthrough: with a command the command line; without one (only --library/--as, or
// --screenshots DIR) the desktop app.
#include <chrono>

#include "app/cli.hpp"
#include "app/desktop.hpp"

int main(int argc, char** argv) {
    const auto started = std::chrono::steady_clock::now();
    if (auto desktop = wt::app::parse_desktop_args(argc, argv)) {
        desktop->started = started;
        return wt::app::run_desktop(*desktop);
    }
    return wt::app::run_cli(argc, argv);
}
