#pragma once
// `walkthrough play FILE --snapshot SECONDS --out FILE.png`: the exact frame at a time, rendered
// through the same GL shader path as the player, written as a PNG. Works on any X server,
// Xvfb with Mesa's software GL included.
#include <cstdint>
#include <filesystem>
#include <memory>

#include "common/media_source.hpp"
#include "common/result.hpp"
#include "player/colour.hpp"

struct SDL_Window;

namespace wt::player {

struct SnapshotInfo {
    double seconds = 0;  // the written frame's time (see FrameReader::read_at)
    int width = 0;       // the PNG's size: the frame's storage size turned as its display
                         // matrix says (pixel aspect not applied)
    int height = 0;
    ColourSpec colour;                // the YCbCr → RGB conversion used
    std::int64_t corrupt_frames = 0;  // frames decoded with errors on the way to this one
};

// Writes the frame on screen at `seconds` (FrameReader::read_at rules) of `video` to `png`.
// The PNG appears complete or not at all (temporary file + rename). Fails with a message naming
// the file for unreadable or video-less input, and naming DISPLAY when there is no usable X
// display. Runs on the calling thread and must not be called where another GL context is current
// (it makes its own current, then releases it).
Result<SnapshotInfo> write_snapshot(const MediaSource& video, double seconds,
                                    const std::filesystem::path& png);

// An OpenGL 3.3 core context in a hidden 16x16 SDL window, current on the creating thread for its
// whole life: enough for FrameRenderer, which draws into its own framebuffer. Initialises SDL's
// video subsystem (X11 unless SDL_VIDEODRIVER says otherwise) and quits it again on destruction
// (all of SDL when nothing else in the process had initialised it).
class HiddenGlContext {
public:
    static Result<std::unique_ptr<HiddenGlContext>> create();
    ~HiddenGlContext();
    HiddenGlContext(const HiddenGlContext&) = delete;
    HiddenGlContext& operator=(const HiddenGlContext&) = delete;

private:
    HiddenGlContext() = default;
    bool video_ = false;
    bool owns_sdl_ = false;  // SDL was not initialised at all before us
    SDL_Window* window_ = nullptr;
    void* context_ = nullptr;  // SDL_GLContext
};

}  // namespace wt::player
