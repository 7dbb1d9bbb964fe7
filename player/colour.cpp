#include "player/colour.hpp"

#include <cmath>

extern "C" {
#include <libavutil/frame.h>
#include <libavutil/rational.h>
}

namespace wt::player {

namespace {

bool is_jpeg_format(AVPixelFormat f) {
    switch (f) {
    case AV_PIX_FMT_YUVJ420P:
    case AV_PIX_FMT_YUVJ422P:
    case AV_PIX_FMT_YUVJ444P:
    case AV_PIX_FMT_YUVJ440P:
    case AV_PIX_FMT_YUVJ411P: return true;
    default: return false;
    }
}

struct Weights {
    double kr, kb;
};

Weights weights(Matrix m) { return m == Matrix::bt601 ? Weights{0.299, 0.114} : Weights{0.2126, 0.0722}; }

}  // namespace

ColourSpec choose_colour(AVColorSpace space, AVColorRange range, AVPixelFormat format, int width, int height) {
    ColourSpec spec;
    spec.range = (range == AVCOL_RANGE_JPEG || is_jpeg_format(format)) ? Range::full : Range::limited;
    switch (space) {
    case AVCOL_SPC_BT709:
    case AVCOL_SPC_SMPTE240M: spec.matrix = Matrix::bt709; break;
    case AVCOL_SPC_BT470BG:
    case AVCOL_SPC_SMPTE170M:
    case AVCOL_SPC_FCC: spec.matrix = Matrix::bt601; break;
    default:
        // An untagged file was most likely made for the screen it was meant to be seen on: SD
        // broadcast sizes used 601, HD uses 709 (mpv's mp_csp_guess_colorspace, SDL's AUTOMATIC).
        spec.matrix = (width >= 1280 || height > 576) ? Matrix::bt709 : Matrix::bt601;
    }
    return spec;
}

ColourSpec choose_colour(const AVFrame& frame) {
    return choose_colour(frame.colorspace, frame.color_range, static_cast<AVPixelFormat>(frame.format), frame.width,
                         frame.height);
}

ColourTransform yuv_to_rgb(ColourSpec spec) {
    const auto [kr, kb] = weights(spec.matrix);
    const double kg = 1.0 - kr - kb;
    // Y'CbCr with Y in 0..1 and Cb, Cr in −0.5..0.5 → R'G'B' in 0..1.
    const double base[3][3] = {
        {1.0, 0.0, 2.0 * (1.0 - kr)},
        {1.0, -2.0 * (1.0 - kb) * kb / kg, -2.0 * (1.0 - kr) * kr / kg},
        {1.0, 2.0 * (1.0 - kb), 0.0},
    };
    // Texture samples are code / 255; undo the range's offset and scale first.
    const bool full = spec.range == Range::full;
    const double y_black = full ? 0.0 : 16.0 / 255.0;
    const double y_scale = full ? 1.0 : 255.0 / 219.0;
    const double c_mid = 128.0 / 255.0;
    const double c_scale = full ? 1.0 : 255.0 / 224.0;
    const double scale[3] = {y_scale, c_scale, c_scale};
    const double zero[3] = {y_black, c_mid, c_mid};

    ColourTransform t;
    for (int r = 0; r < 3; ++r) {
        double off = 0;
        for (int c = 0; c < 3; ++c) {
            const double m = base[r][c] * scale[c];
            t.rows[r][c] = static_cast<float>(m);
            off -= m * zero[c];
        }
        t.offset[r] = static_cast<float>(off);
    }
    return t;
}

std::string_view name(Matrix m) { return m == Matrix::bt601 ? "bt601" : "bt709"; }
std::string_view name(Range r) { return r == Range::full ? "full" : "limited"; }

Rect letterbox(int frame_w, int frame_h, double sar, float box_w, float box_h) {
    if (frame_w <= 0 || frame_h <= 0 || !(box_w > 0) || !(box_h > 0)) return {};
    if (!(sar > 0) || !std::isfinite(sar)) sar = 1.0;
    const double aspect = frame_w * sar / frame_h;
    double w = box_w, h = box_h;
    if (box_w / box_h > aspect)
        w = std::round(box_h * aspect);
    else
        h = std::round(box_w / aspect);
    // Whole-pixel edges keep the picture sharp when ImGui draws it with linear filtering.
    return Rect{static_cast<float>(std::floor((box_w - w) / 2)), static_cast<float>(std::floor((box_h - h) / 2)),
                static_cast<float>(w), static_cast<float>(h)};
}

double sample_aspect(const AVFrame& frame) {
    const AVRational sar = frame.sample_aspect_ratio;
    return (sar.num > 0 && sar.den > 0) ? av_q2d(sar) : 1.0;
}

}  // namespace wt::player
