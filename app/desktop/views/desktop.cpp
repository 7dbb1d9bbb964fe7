// The desktop app's entry: a window (or the command-line help without a display), then the loop in
// app/ui/shell.cpp. The model, worker and views live in app/ui/.
#include "app/desktop/views/desktop.hpp"

#include <malloc.h>

#include <cstdio>
#include <cstdlib>
#include <string_view>

#include <fmt/format.h>

#include "app/desktop/views/shell.hpp"
#include "app/player_window/gl_window.hpp"

namespace wt::app {

namespace {

constexpr const char* k_no_display_help =
    "walkthrough: the desktop app {}.\n"
    "For example:\n"
    "  walkthrough import demo.mp4 --title \"VPN setup\" --kind training\n"
    "  walkthrough list\n"
    "  walkthrough search vpn\n"
    "  walkthrough comment ID --at 2:13 \"Why this step?\"\n"
    "  walkthrough inbox\n"
    "  walkthrough doctor\n";

}  // namespace

std::optional<DesktopOptions> parse_desktop_args(int argc, char** argv) {
    DesktopOptions o;
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        std::string* into = arg == "--library"       ? &o.library
                            : arg == "--as"          ? &o.as
                            : arg == "--screenshots" ? &o.screenshots
                                                     : nullptr;
        if (into && i + 1 < argc) {
            *into = argv[++i];
            continue;
        }
        bool matched = false;
        for (auto [name, field] : {std::pair{"--library=", &o.library}, std::pair{"--as=", &o.as},
                                   std::pair{"--screenshots=", &o.screenshots}}) {
            if (arg.starts_with(name)) {
                *field = std::string(arg.substr(std::string_view(name).size()));
                matched = true;
            }
        }
        if (!matched) return std::nullopt;  // a command or another option: the CLI's
    }
    return o;
}

int run_desktop(const DesktopOptions& options) {
    // One malloc arena for the whole process (before any thread starts): the app's threads allocate
    // little and seldom, and glibc's per-thread arenas each keep their own freed pages (~3 MB here).
    mallopt(M_ARENA_MAX, 1);
    auto window = GlWindow::open("walkthrough", 1280, 800);
    if (!window) {
        std::fputs(fmt::format(k_no_display_help, window.error().message).c_str(), stderr);
        return 1;
    }
    if (std::getenv("WALKTHROUGH_TIMING"))
        std::fprintf(
            stderr, "walkthrough: window open %.0f ms after start\n",
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - options.started).count());
    ui::setup_fonts_and_style();
    ui::RunOptions ro;
    ro.library = options.library;
    ro.person = options.as;
    ro.screenshots = options.screenshots;
    ro.started = options.started;
    return options.screenshots.empty() ? ui::run_app(**window, ro) : ui::run_screenshots(**window, ro);
}

}  // namespace wt::app
