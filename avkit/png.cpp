#include "avkit/png.hpp"

#include <cstring>

#include <fmt/format.h>

#include "avkit/av_ptr.hpp"
#include "avkit/encode_file.hpp"
#include "avkit/open_input.hpp"

namespace wt::av {

namespace fs = std::filesystem;

Result<void> write_png(const fs::path& png, std::span<const std::uint8_t> rgba, int width, int height, int stride) {
    if (width <= 0 || height <= 0 || stride < width * 4 ||
        rgba.size() < static_cast<std::size_t>(stride) * (height - 1) + static_cast<std::size_t>(width) * 4)
        return fail(ErrorCode::invalid_input,
                    fmt::format("cannot write {}: the picture ({}x{}, {} bytes) is empty or too small",
                                detail::quoted(png), width, height, rgba.size()));
    detail::quiet_libav_logs();
    const AVCodec* codec = avcodec_find_encoder(AV_CODEC_ID_PNG);
    if (!codec) return fail(ErrorCode::internal, "this libavcodec has no PNG encoder");
    CodecContextPtr enc(avcodec_alloc_context3(codec));
    FramePtr frame = make_frame();
    if (!enc || !frame) return fail(ErrorCode::internal, "out of memory encoding a PNG");

    // RGB rather than RGBA: the picture is opaque, and a quarter fewer bytes compress faster.
    frame->format = AV_PIX_FMT_RGB24;
    frame->width = width;
    frame->height = height;
    if (av_frame_get_buffer(frame.get(), 0) < 0) return fail(ErrorCode::internal, "out of memory encoding a PNG");
    for (int y = 0; y < height; ++y) {
        const std::uint8_t* src = rgba.data() + static_cast<std::size_t>(y) * stride;
        std::uint8_t* dst = frame->data[0] + static_cast<std::ptrdiff_t>(y) * frame->linesize[0];
        for (int x = 0; x < width; ++x) std::memcpy(dst + 3 * x, src + 4 * x, 3);
    }
    enc->width = width;
    enc->height = height;
    enc->pix_fmt = AV_PIX_FMT_RGB24;
    enc->time_base = AVRational{1, 25};
    frame->pts = 0;
    return detail::encode_to_file(enc.get(), codec, frame.get(), png, detail::quoted(png));
}

}  // namespace wt::av
