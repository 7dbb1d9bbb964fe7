#pragma once
// What the desktop app's loop and its screenshot mode share: the window with the controller and what
// only the UI thread holds (textures, the video surface), drawn one frame at a time.
#include <cstdint>
#include <memory>
#include <utility>

#include <SDL.h>

#include "app/desktop/model/controller.hpp"
#include "app/desktop/views/shell.hpp"
#include "app/desktop/views/textures.hpp"
#include "app/player_window/gl_window.hpp"
#include "app/player_window/player_panel.hpp"
#include "player/video_surface.hpp"

namespace wt::ui {

// The window, the controller, and what only the UI thread holds: textures and the video surface.
struct Frontend {
    Frontend(app::GlWindow& w, Controller& c) : window(w), ctl(c) {}
    app::GlWindow& window;
    Controller& ctl;
    TextureCache thumbs;
    std::unique_ptr<player::VideoSurface> surface;
    const player::Player* surface_for = nullptr;
    app::TimelineDrag drag;
    bool focus_search = false;
    bool bar_mode = false;
    bool drawn = false;  // the first frame is drawn (the font texture exists)
    std::pair<std::uint64_t, std::size_t> library_seen{~0ull, 0};
    int saved_x = 0, saved_y = 0, saved_w = 0, saved_h = 0;

    struct Sync {
        bool redraw = false;
        int wake_after_ms = -1;
    };

    // Applies the worker's answers, advances the engines, uploads what arrived.
    Sync sync();
    // While recording, the window becomes a small always-on-top bar at the top of the screen.
    bool sync_bar_mode();
    // One frame: draw from the state, then apply what the views asked for. True if they asked (or a
    // click ended): more frames follow.
    bool draw();
    void on_event(const SDL_Event& e);
};

// The controller's options for the app (settings file, audio) or for the screenshot mode (neither).
Controller::Options controller_options(const RunOptions& o, bool screenshots);

}  // namespace wt::ui
