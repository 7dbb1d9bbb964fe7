// walkthrough: with a command the command line; without one (only --library/--as, or
// --screenshots DIR) the desktop app.
#include "app/cli/cli.hpp"
#include "app/desktop/views/desktop.hpp"

int main(int argc, char** argv) {
    // DesktopOptions::started is taken as the arguments are parsed: the start-up figure's zero.
    if (auto desktop = wt::app::parse_desktop_args(argc, argv)) return wt::app::run_desktop(*desktop);
    return wt::app::run_cli(argc, argv);
}
