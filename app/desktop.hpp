#pragma once

namespace wt::app {

// Opens the desktop window and runs until it is closed. Without a display it says so, shows how
// to use the command line instead, and returns non-zero.
int run_desktop();

}  // namespace wt::app
