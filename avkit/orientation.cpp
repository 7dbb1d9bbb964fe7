#include "avkit/orientation.hpp"

#include <cmath>

#include <fmt/format.h>

extern "C" {
#include <libavutil/pixdesc.h>
}

namespace wt::av {

namespace {

// -1, 0 or 1 when the 16.16 entry is within a rounding error of it; 2 (no quarter turn) otherwise.
int unit(std::int32_t entry) {
    const double v = entry / 65536.0;
    for (int u : {-1, 0, 1})
        if (std::abs(v - u) < 1e-3) return u;
    return 2;
}

}  // namespace

int Orientation::clockwise_degrees() const {
    // Undo the mirror (x -> -x) first, then read the turn off where the x axis went.
    const int ax = mirrored() ? -xx : xx, ay = mirrored() ? -yx : yx;
    if (ax == 1) return 0;
    if (ay == 1) return 90;  // (1, 0) -> (0, 1): right turns to down
    if (ax == -1) return 180;
    return 270;
}

Orientation orientation_from_matrix(const std::int32_t matrix[9]) {
    // libavutil/display.h: x' = a x + c y, y' = b x + d y with a, b, c, d = matrix[0, 1, 3, 4].
    const Orientation o{unit(matrix[0]), unit(matrix[3]), unit(matrix[1]), unit(matrix[4])};
    const bool quarter_turn =
        (o.xy == 0 && o.yx == 0 && o.xx != 0 && o.yy != 0) || (o.xx == 0 && o.yy == 0 && o.xy != 0 && o.yx != 0);
    const bool units = std::abs(o.xx) <= 1 && std::abs(o.xy) <= 1 && std::abs(o.yx) <= 1 && std::abs(o.yy) <= 1;
    return quarter_turn && units ? o : Orientation{};
}

Orientation stream_orientation(const AVStream* stream) {
    std::size_t size = 0;
    const auto* matrix =
        reinterpret_cast<const std::int32_t*>(av_stream_get_side_data(stream, AV_PKT_DATA_DISPLAYMATRIX, &size));
    if (!matrix || size < 9 * sizeof(std::int32_t)) return {};
    return orientation_from_matrix(matrix);
}

Result<FramePtr> turned_picture(const AVFrame& in, Orientation o) {
    const auto format = static_cast<AVPixelFormat>(in.format);
    const AVPixFmtDescriptor* desc = av_pix_fmt_desc_get(format);
    const bool planar8 = desc &&
                         !(desc->flags & (AV_PIX_FMT_FLAG_RGB | AV_PIX_FMT_FLAG_PAL | AV_PIX_FMT_FLAG_BITSTREAM |
                                          AV_PIX_FMT_FLAG_HWACCEL)) &&
                         (desc->nb_components == 1 || (desc->flags & AV_PIX_FMT_FLAG_PLANAR)) &&
                         desc->comp[0].depth == 8 && desc->log2_chroma_w == desc->log2_chroma_h;
    if (!planar8)
        return fail(ErrorCode::internal,
                    fmt::format("cannot turn pictures in the {} pixel format", desc ? desc->name : "unknown"));
    FramePtr out = make_frame();
    if (!out) return fail(ErrorCode::internal, "out of memory turning a picture");
    const auto [w, h] = o.shown_size(in.width, in.height);
    out->format = in.format;
    out->width = w;
    out->height = h;
    if (av_frame_get_buffer(out.get(), 0) < 0 || av_frame_copy_props(out.get(), &in) < 0)
        return fail(ErrorCode::internal, "out of memory turning a picture");
    if (o.swaps_axes() && in.sample_aspect_ratio.num > 0)
        out->sample_aspect_ratio = AVRational{in.sample_aspect_ratio.den, in.sample_aspect_ratio.num};

    for (int p = 0; p < 4 && in.data[p]; ++p) {
        const int shift = p == 0 || p == 3 ? 0 : desc->log2_chroma_w;
        const int sw = AV_CEIL_RSHIFT(in.width, shift), sh = AV_CEIL_RSHIFT(in.height, shift);
        const int dw = o.swaps_axes() ? sh : sw, dh = o.swaps_axes() ? sw : sh;
        for (int y = 0; y < sh; ++y) {
            const std::uint8_t* row = in.data[p] + static_cast<std::ptrdiff_t>(y) * in.linesize[p];
            for (int x = 0; x < sw; ++x) {
                // A reversed axis counts back from the far edge.
                const int dx = o.xx * x + o.xy * y + (o.xx + o.xy < 0 ? dw - 1 : 0);
                const int dy = o.yx * x + o.yy * y + (o.yx + o.yy < 0 ? dh - 1 : 0);
                out->data[p][static_cast<std::ptrdiff_t>(dy) * out->linesize[p] + dx] = row[x];
            }
        }
    }
    return out;
}

}  // namespace wt::av
