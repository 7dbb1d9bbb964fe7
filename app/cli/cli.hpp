#pragma once
// The command line: `walkthrough COMMAND ...` (the commands are listed by `walkthrough --help`).

namespace wt::app {

// Parses and runs; returns the process exit code (0 ok, 1 failed, 2 usage, 3 not found or
// ambiguous, 4 damaged or unusable media, 5 library busy).
int run_cli(int argc, char** argv);

}  // namespace wt::app
