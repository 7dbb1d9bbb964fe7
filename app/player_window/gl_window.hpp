#pragma once
// One SDL2 window with an OpenGL 3.3 core context and Dear ImGui on it (its SDL2 + OpenGL3
// backends), set up as Dear ImGui's example_sdl_opengl3 does. Shared by the desktop app and `play`.
#include <SDL.h>

#include <functional>
#include <memory>
#include <string>

#include "common/result.hpp"

namespace wt::app {

class GlWindow {
public:
    // Fails naming DISPLAY when there is no X display to open a window on.
    static Result<std::unique_ptr<GlWindow>> open(const std::string& title, int width, int height);
    ~GlWindow();
    GlWindow(const GlWindow&) = delete;
    GlWindow& operator=(const GlWindow&) = delete;

    // Waits up to `timeout_ms` for input (idle costs nothing), feeds each event to ImGui and then to
    // `on_event`. Returns false once the window was closed.
    bool wait_events(int timeout_ms, const std::function<void(const SDL_Event&)>& on_event);
    void begin_frame();
    void end_frame();  // renders ImGui and swaps
    SDL_Window* sdl() const { return window_; }
    void toggle_fullscreen();

private:
    GlWindow() = default;
    bool video_ = false;
    SDL_Window* window_ = nullptr;
    SDL_GLContext gl_ = nullptr;
    bool imgui_ = false;
    bool open_ = true;
};

}  // namespace wt::app
