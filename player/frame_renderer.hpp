#pragma once
// Turns decoded video frames into an RGBA texture on the GPU: YUV planes are uploaded as
// GL_R8 / GL_RG8 textures and converted by the GLSL in shaders/ into an RGBA8 texture the size of
// the frame, which ImGui can show directly:
//
//     ImGui::Image((ImTextureID)(intptr_t)renderer.texture(), size);  // uv (0,0) = top-left
//
// Thread-safety: GL thread only. Every member function (the destructor included) needs the GL 3.3
// core context that was current at create() to be current on the calling thread.
//
// GL state: a call leaves the context as it found it — bound program, VAO, framebuffers, viewport,
// active texture unit and the 2D textures on units 0–2, pixel-store (un)pack parameters, pixel
// buffer bindings, and the blend / scissor / depth / stencil / cull / sRGB switches — so it can run
// between ImGui frames without either side resetting the other.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <vector>

#include "avkit/orientation.hpp"
#include "common/result.hpp"
#include "player/colour.hpp"

namespace wt::player {

class FrameRenderer {
public:
    // Compiles the shaders, found at run time in the first of:
    //   1. $WT_SHADERS_DIR (when set, the only place looked at);
    //   2. <directory of /proc/self/exe>/../share/walkthrough/shaders (an installed tree);
    //   3. the source tree's shaders/ this binary was built from.
    // Fails naming the file, and with the GL info log when it does not compile or link.
    static Result<std::unique_ptr<FrameRenderer>> create();
    ~FrameRenderer();
    FrameRenderer(const FrameRenderer&) = delete;
    FrameRenderer& operator=(const FrameRenderer&) = delete;

    // Uploads `frame` and draws it, converted to RGB and turned as `turn` says (the stream's display
    // matrix: a phone's portrait video stored sideways), into texture(). yuv420p, yuvj420p and nv12
    // go to the GPU as they are (any linesize, negative included); other formats are converted to
    // yuv420p with libswscale first (RGB through an explicit BT.709 full-range matrix).
    // Textures are reallocated only when the size or layout changes. The frame is only read during
    // the call. On failure texture() keeps the previous picture, or is blank when the failed frame
    // had a new size.
    Result<void> upload(const AVFrame& frame, av::Orientation turn = {});

    // The RGBA8 texture holding the last frame, picture top row at texture row 0; 0 before the
    // first upload. Owned by the renderer; the same name for the renderer's whole life (a new frame
    // size reallocates its storage, not the name).
    unsigned texture() const { return target_texture_; }
    int width() const { return width_; }  // of the last frame as shown (turned), in storage pixels
    int height() const { return height_; }
    double sample_aspect() const { return sample_aspect_; }  // as shown (turned), for letterbox()
    ColourSpec colour() const { return colour_; }            // what the last frame was converted with

    // The last frame's pixels: width * height * 4 bytes, RGBA, rows top to bottom, alpha 255.
    // Empty before the first upload.
    std::vector<std::uint8_t> read_rgba() const;

    // Where the shaders are read from (see create()), or why none was found.
    static Result<std::filesystem::path> find_shader_dir();

private:
    FrameRenderer() = default;
    struct Gl;          // GL object handles and per-layout state (frame_renderer.cpp)
    struct Conversion;  // swscale state for formats the shaders do not take directly
    std::unique_ptr<Gl> gl_;
    std::unique_ptr<Conversion> conversion_;
    unsigned target_texture_ = 0;
    int width_ = 0;
    int height_ = 0;
    double sample_aspect_ = 1.0;
    ColourSpec colour_;
};

// Mesa unloads its DRI driver when the last GL context closes, and LeakSanitizer then reports the
// driver's allocations against an "<unknown module>" that no suppression can name. This keeps every
// driver already loaded in the process resident for its whole life, so they stay reachable and the
// leak check still covers our own code. FrameRenderer::create() calls it in sanitizer builds; code
// that makes GL contexts without a renderer (tests) calls it once one is current.
void keep_gl_driver_resident();

}  // namespace wt::player
