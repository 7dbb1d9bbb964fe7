#include "app/player_window/gl_window.hpp"

#include <SDL_opengl.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>

#include <backends/imgui_impl_opengl3.h>
#include <backends/imgui_impl_sdl.h>
#include <fmt/format.h>
#include <imgui.h>

namespace wt::app {
namespace {

// Debian's DejaVu Sans (fonts-dejavu-core) when present: ImGui's built-in font is ASCII only,
// and titles carry dashes, quotes and accents.
void load_font(float scale) {
    constexpr const char* k_font = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
    std::error_code ec;
    if (!std::filesystem::exists(k_font, ec)) return;
    // ♪ (U+266A): the player panel's "audio only" note.
    static const ImWchar k_ranges[] = {0x0020, 0x024F, 0x0370, 0x03FF, 0x0400, 0x04FF, 0x2000, 0x206F, 0x20A0,
                                       0x20CF, 0x2190, 0x21FF, 0x25A0, 0x25FF, 0x266A, 0x266A, 0};
    ImFontConfig cfg;
    cfg.PixelSnapH = true;
    cfg.OversampleH = 1;  // snapped glyphs gain nothing from sub-pixel copies (ImGui's note); a third of the atlas
    ImGui::GetIO().Fonts->AddFontFromFileTTF(k_font, 16.0f * scale, &cfg, k_ranges);
}

// The message for a missing or unusable display, with what to do instead.
std::string no_window_help(const std::string& why) {
    return fmt::format(
        "cannot open a window: {}. Run inside an X11 session, or set DISPLAY to a running X server "
        "(e.g. DISPLAY=:0). Everything else works from the command line: `walkthrough --help` lists it",
        why);
}

}  // namespace

Result<std::unique_ptr<GlWindow>> GlWindow::open(const std::string& title, int width, int height) {
    const char* display = std::getenv("DISPLAY");
    if (!display || !*display) return fail(ErrorCode::not_found, no_window_help("DISPLAY is not set (no screen)"));
    std::unique_ptr<GlWindow> w(new GlWindow());
    if (SDL_InitSubSystem(SDL_INIT_VIDEO | SDL_INIT_TIMER) != 0)
        return fail(ErrorCode::not_found,
                    no_window_help(fmt::format("DISPLAY={} cannot be used ({})", display, SDL_GetError())));
    w->video_ = true;
    SDL_GL_SetAttribute(SDL_GL_CONTEXT_FLAGS, 0);
    SDL_GL_SetAttribute(SDL_GL_CONTEXT_PROFILE_MASK, SDL_GL_CONTEXT_PROFILE_CORE);
    SDL_GL_SetAttribute(SDL_GL_CONTEXT_MAJOR_VERSION, 3);
    SDL_GL_SetAttribute(SDL_GL_CONTEXT_MINOR_VERSION, 3);
    SDL_GL_SetAttribute(SDL_GL_DOUBLEBUFFER, 1);
    w->window_ = SDL_CreateWindow(title.c_str(), SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED, width, height,
                                  SDL_WINDOW_OPENGL | SDL_WINDOW_RESIZABLE | SDL_WINDOW_ALLOW_HIGHDPI);
    if (w->window_) w->gl_ = SDL_GL_CreateContext(w->window_);
    if (!w->gl_)
        return fail(ErrorCode::not_found,
                    fmt::format("cannot create an OpenGL 3.3 window on DISPLAY={} ({})", display, SDL_GetError()));
    SDL_GL_MakeCurrent(w->window_, w->gl_);
    SDL_GL_SetSwapInterval(1);

    IMGUI_CHECKVERSION();
    ImGui::CreateContext();
    w->imgui_ = true;
    ImGui::GetIO().IniFilename = nullptr;  // the layout is fixed; no stray imgui.ini in the cwd
    ImGui::StyleColorsDark();
    // HiDPI: SDL reports the display's DPI; 96 is scale 1.
    float dpi = 96;
    if (SDL_GetDisplayDPI(SDL_GetWindowDisplayIndex(w->window_), &dpi, nullptr, nullptr) != 0 || dpi < 72) dpi = 96;
    const float scale = std::clamp(dpi / 96.0f, 1.0f, 3.0f);
    ImGui::GetStyle().ScaleAllSizes(scale);
    load_font(scale);
    ImGui_ImplSDL2_InitForOpenGL(w->window_, w->gl_);
    ImGui_ImplOpenGL3_Init("#version 330 core");
    return w;
}

GlWindow::~GlWindow() {
    if (imgui_) {
        ImGui_ImplOpenGL3_Shutdown();
        ImGui_ImplSDL2_Shutdown();
        ImGui::DestroyContext();
    }
    if (gl_) SDL_GL_DeleteContext(gl_);
    if (window_) SDL_DestroyWindow(window_);
    if (video_) SDL_QuitSubSystem(SDL_INIT_VIDEO | SDL_INIT_TIMER);
}

bool GlWindow::wait_events(int timeout_ms, const std::function<void(const SDL_Event&)>& on_event) {
    SDL_Event event;
    if (!SDL_WaitEventTimeout(&event, std::max(timeout_ms, 1))) return open_;
    do {
        ImGui_ImplSDL2_ProcessEvent(&event);
        if (event.type == SDL_QUIT) open_ = false;
        if (event.type == SDL_WINDOWEVENT && event.window.event == SDL_WINDOWEVENT_CLOSE) open_ = false;
        on_event(event);
    } while (SDL_PollEvent(&event));
    return open_;
}

void GlWindow::begin_frame() {
    ImGui_ImplOpenGL3_NewFrame();
    ImGui_ImplSDL2_NewFrame();
    ImGui::NewFrame();
}

void GlWindow::end_frame() {
    ImGui::Render();
    int w = 0, h = 0;
    SDL_GL_GetDrawableSize(window_, &w, &h);
    glViewport(0, 0, w, h);
    glClearColor(0.09f, 0.09f, 0.11f, 1.0f);
    glClear(GL_COLOR_BUFFER_BIT);
    ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
    SDL_GL_SwapWindow(window_);
    // Once the atlas is a texture, its CPU copies and the font files read for it (~3 MB with the app's
    // faces) are dead weight. Nothing rebuilds from them: the app's rebuild (app/ui/fonts) clears the
    // atlas and adds the faces from their files again.
    ImFontAtlas* atlas = ImGui::GetIO().Fonts;
    if (atlas->TexID && atlas->ConfigData.Size > 0) {
        atlas->ClearTexData();
        atlas->ClearInputData();
    }
}

void GlWindow::toggle_fullscreen() {
    const bool full = SDL_GetWindowFlags(window_) & SDL_WINDOW_FULLSCREEN_DESKTOP;
    SDL_SetWindowFullscreen(window_, full ? 0 : SDL_WINDOW_FULLSCREEN_DESKTOP);
}

}  // namespace wt::app
