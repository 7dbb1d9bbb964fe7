#pragma once
// Which YCbCr → RGB conversion a decoded frame needs, and the numbers the shader applies.
// Pure functions: no GL, no state; safe on any thread.
#include <array>
#include <string_view>

extern "C" {
#include <libavutil/pixfmt.h>
}

struct AVFrame;

namespace wt::player {

enum class Matrix { bt601, bt709 };
enum class Range { limited, full };  // limited: Y 16–235, C 16–240; full: 0–255 (JPEG)

struct ColourSpec {
    Matrix matrix = Matrix::bt709;
    Range range = Range::limited;
    bool operator==(const ColourSpec&) const = default;
};

// From the frame's tags, as mpv and SDL decide:
// - range: full when tagged AVCOL_RANGE_JPEG or the pixel format is a (deprecated) yuvj* one;
//   limited otherwise, including untagged.
// - matrix: BT.709 for BT709 (and SMPTE240M, nearly the same); BT.601 for BT470BG, SMPTE170M and FCC;
//   anything else (untagged, BT.2020, ...) is guessed from the size: w >= 1280 || h > 576 → BT.709.
ColourSpec choose_colour(AVColorSpace space, AVColorRange range, AVPixelFormat format, int width, int height);
ColourSpec choose_colour(const AVFrame& frame);

// rgb = matrix * (y, cb, cr) + offset, all in 0..1 where the inputs are 8-bit codes / 255 (what
// GL_R8/GL_RG8 textures sample). `rows` is row-major: rows[0] produces R.
// Computed from the Kr/Kb luma weights (mpv's method). Full-range chroma is (code − 128) / 255, as
// JPEG (T.871) and libswscale define it.
struct ColourTransform {
    std::array<std::array<float, 3>, 3> rows{};
    std::array<float, 3> offset{};
};
ColourTransform yuv_to_rgb(ColourSpec spec);

std::string_view name(Matrix m);  // "bt601", "bt709"
std::string_view name(Range r);   // "limited", "full"

// Where a picture of frame_w x frame_h storage pixels with sample aspect ratio `sar` (pixel width /
// height; 0, negative or NaN mean square pixels) goes inside a box_w x box_h area so that its display
// aspect ratio is kept: as large as fits, centred, bars on two sides. Whole pixels, relative to the
// box's top-left. An empty frame or box gives an empty rectangle.
struct Rect {
    float x = 0, y = 0, w = 0, h = 0;
    bool operator==(const Rect&) const = default;
};
Rect letterbox(int frame_w, int frame_h, double sar, float box_w, float box_h);

// The frame's sample aspect ratio as a number, 1 when unknown.
double sample_aspect(const AVFrame& frame);

}  // namespace wt::player
