#pragma once
// The desktop app's main loop on a GlWindow: events, the controller's mailbox and engines, the
// textures, drawing only when something changed (idle costs nothing), and the screenshot mode.
#include <chrono>
#include <filesystem>
#include <memory>
#include <string>

#include "app/player_window/gl_window.hpp"

namespace wt::ui {

struct RunOptions {
    std::filesystem::path library;      // empty: the settings' or the default library
    std::string person;                 // empty: the settings' person or the default
    std::filesystem::path screenshots;  // non-empty: render each main view into PNGs here, then exit
    std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();  // for the start-up figure
};

// Extra glyphs (wide Unicode coverage from Debian's fonts), the heading face, and the app's style.
// Call once after the window opened and before its first frame.
void setup_fonts_and_style();

// Runs until the window is closed; the process exit code.
int run_app(app::GlWindow& window, const RunOptions& options);
// Renders the views into options.screenshots/*.png; 0 when every PNG was written.
int run_screenshots(app::GlWindow& window, const RunOptions& options);

}  // namespace wt::ui
