#include "player/snapshot.hpp"

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <string>

#include <SDL.h>
#include <fmt/format.h>

#include "avkit/png.hpp"
#include "player/frame_reader.hpp"
#include "player/frame_renderer.hpp"

namespace wt::player {

namespace {

constexpr const char* kVirtualDisplayHint =
    "or use a virtual one: xvfb-run -a walkthrough play FILE --snapshot SECONDS --out FILE.png";

}  // namespace

Result<std::unique_ptr<HiddenGlContext>> HiddenGlContext::create() {
    const char* driver = std::getenv("SDL_VIDEODRIVER");
    const bool chosen_driver = driver && *driver;
    const char* display = std::getenv("DISPLAY");
    const bool x11 = !chosen_driver || std::strcmp(driver, "x11") == 0;
    if (x11 && !(display && *display))
        return fail(ErrorCode::not_found,
                    fmt::format("no display to render on: DISPLAY is not set. Run inside an X11 session, set DISPLAY "
                                "to a running X server (e.g. DISPLAY=:0), {}",
                                kVirtualDisplayHint));
    // Without a hint SDL may try Wayland or KMS/DRM first; DISPLAY is what this promises to use.
    if (!chosen_driver && SDL_WasInit(SDL_INIT_VIDEO) == 0) SDL_SetHint(SDL_HINT_VIDEODRIVER, "x11");

    std::unique_ptr<HiddenGlContext> gl(new HiddenGlContext());
    gl->owns_sdl_ = SDL_WasInit(0) == 0;
    if (SDL_InitSubSystem(SDL_INIT_VIDEO) != 0) {
        if (!x11)
            return fail(ErrorCode::not_found,
                        fmt::format("cannot start SDL's {} video driver: {}", driver, SDL_GetError()));
        return fail(ErrorCode::not_found,
                    fmt::format("cannot use the X server at DISPLAY={} ({}). Check that it is running and that you may "
                                "use it (XAUTHORITY, xhost), {}",
                                display, SDL_GetError(), kVirtualDisplayHint));
    }
    gl->video_ = true;
    SDL_GL_SetAttribute(SDL_GL_CONTEXT_FLAGS, 0);
    SDL_GL_SetAttribute(SDL_GL_CONTEXT_PROFILE_MASK, SDL_GL_CONTEXT_PROFILE_CORE);
    SDL_GL_SetAttribute(SDL_GL_CONTEXT_MAJOR_VERSION, 3);
    SDL_GL_SetAttribute(SDL_GL_CONTEXT_MINOR_VERSION, 3);
    gl->window_ = SDL_CreateWindow("walkthrough snapshot", SDL_WINDOWPOS_UNDEFINED, SDL_WINDOWPOS_UNDEFINED, 16, 16,
                                   SDL_WINDOW_OPENGL | SDL_WINDOW_HIDDEN);
    if (!gl->window_)
        return fail(ErrorCode::internal, fmt::format("cannot open a hidden OpenGL window: {}", SDL_GetError()));
    gl->context_ = SDL_GL_CreateContext(gl->window_);
    if (!gl->context_)
        return fail(ErrorCode::internal,
                    fmt::format("the display offers no OpenGL 3.3 core context ({}); the player needs one (Mesa's "
                                "llvmpipe is enough)",
                                SDL_GetError()));
    if (SDL_GL_MakeCurrent(gl->window_, gl->context_) != 0)
        return fail(ErrorCode::internal, fmt::format("cannot use the OpenGL context: {}", SDL_GetError()));
    return gl;
}

HiddenGlContext::~HiddenGlContext() {
    if (context_) {
        SDL_GL_MakeCurrent(window_, nullptr);
        SDL_GL_DeleteContext(context_);
    }
    if (window_) SDL_DestroyWindow(window_);
    // SDL_QuitSubSystem leaves SDL's D-Bus connection (opened by its X11 driver) behind until
    // SDL_Quit; when nobody else was using SDL, shut all of it down.
    if (video_) owns_sdl_ ? SDL_Quit() : SDL_QuitSubSystem(SDL_INIT_VIDEO);
}

Result<SnapshotInfo> write_snapshot(const MediaSource& video, double seconds,
                                    const std::filesystem::path& png) {
    if (!std::isfinite(seconds) || seconds < 0)
        return fail(ErrorCode::invalid_input,
                    fmt::format("a snapshot time must be 0 or more seconds, not {}", seconds));
    // The file first: a damaged or video-less file is reported the same with or without a display.
    auto reader = FrameReader::open(video);
    if (!reader) return std::unexpected(reader.error());
    auto frame = reader->read_at(seconds);
    if (!frame) return std::unexpected(frame.error());

    // Declared before the renderer, so the renderer's GL objects go while the context still exists.
    auto gl = HiddenGlContext::create();
    if (!gl) return std::unexpected(gl.error());
    auto renderer = FrameRenderer::create();
    if (!renderer) return std::unexpected(renderer.error());
    if (auto drawn = (*renderer)->upload(*frame->frame, reader->turn()); !drawn) return std::unexpected(drawn.error());
    const std::vector<std::uint8_t> rgba = (*renderer)->read_rgba();
    const int w = (*renderer)->width(), h = (*renderer)->height();
    if (auto written = av::write_png(png, rgba, w, h, w * 4); !written) return std::unexpected(written.error());

    SnapshotInfo info;
    info.seconds = frame->seconds;
    info.width = w;
    info.height = h;
    info.colour = (*renderer)->colour();
    info.corrupt_frames = reader->stats().corrupt_frames;
    return info;
}

}  // namespace wt::player
