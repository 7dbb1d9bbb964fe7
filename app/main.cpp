// walkthrough: with arguments the command line, without them the desktop app.
#include "app/cli.hpp"
#include "app/desktop.hpp"

int main(int argc, char** argv) {
    if (argc <= 1) return wt::app::run_desktop();
    return wt::app::run_cli(argc, argv);
}
