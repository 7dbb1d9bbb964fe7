#include <algorithm>
#include <cerrno>
#include <limits>
#include <utility>

#include <fmt/format.h>

#include "avkit/av_ptr.hpp"
#include "avkit/decoder.hpp"
#include "avkit/encode_file.hpp"
#include "avkit/media_info.hpp"
#include "avkit/open_input.hpp"
#include "avkit/orientation.hpp"

namespace wt::av {

namespace {

namespace fs = std::filesystem;

// Covers a keyframe interval of several seconds at high frame rates between the seek point and the
// target, yet bounds the work on a file whose packets never decode.
constexpr int kMaxPackets = 3000;

// JPEG quantiser scale 3: visually clean at thumbnail size, a few tens of KB.
constexpr int kJpegQuality = FF_QP2LAMBDA * 3;

struct Decoded {
    FramePtr frame;     // without data when nothing decoded at all
    bool late = false;  // the first frame decoded was already past the target
};

// Decodes forward to the first frame stamped at or after `target` (in stream time base). Reaching the
// end first yields the last frame decoded, since a frame near the target beats none. Damaged data is
// skipped (avkit/decoder.hpp), so one bad spot cannot cost the whole thumbnail.
Result<Decoded> decode_until(PullDecoder& decoder, std::int64_t target) {
    FramePtr frame = make_frame();
    FramePtr last = make_frame();
    if (!frame || !last) return fail(ErrorCode::internal, "out of memory decoding a thumbnail");
    for (;;) {
        auto got = decoder.next(frame.get());
        if (!got) return std::unexpected(got.error());
        if (!*got) return Decoded{std::move(last)};
        const std::int64_t ts = frame->best_effort_timestamp;
        if (ts == AV_NOPTS_VALUE || ts >= target)
            return Decoded{std::move(frame), ts != AV_NOPTS_VALUE && ts > target && !last->data[0]};
        std::swap(last, frame);
    }
}

// Seeks the video stream to `pos` (stream time base) or before it.
int seek(AVFormatContext* ctx, PullDecoder& decoder, std::int64_t pos) {
    int ret = av_seek_frame(ctx, decoder.stream(), pos, AVSEEK_FLAG_BACKWARD);
    if (ret >= 0) decoder.restart();  // no frame from before the seek may come out
    return ret;
}

// MPEG-TS/PS index by decode time, which starts before the first picture's start_time, so seeking to
// start_time lands just past the first keyframe; aim a second earlier. MP4, MKV and WebM accept that too,
// AVI and FLV refuse it and take start_time itself.
int seek_to_start(AVFormatContext* ctx, PullDecoder& decoder, std::int64_t start, std::int64_t second) {
    const int ret = seek(ctx, decoder, start - second);
    return ret >= 0 ? ret : seek(ctx, decoder, start);
}

// The first keyframe at or after `target`, when it comes no later than `latest`: one picture to
// decode. Nothing when there is none in that span, or the format cannot seek to one; `moved` tells
// whether the file was read from elsewhere than the start meanwhile.
FramePtr keyframe_between(AVFormatContext* ctx, PullDecoder& decoder, std::int64_t target, std::int64_t latest,
                          bool& moved) {
    if (av_seek_frame(ctx, decoder.stream(), target, 0) < 0) return FramePtr();
    decoder.restart();
    moved = true;
    auto got = decode_until(decoder, target);
    if (!got) return FramePtr();  // the way to the mark below says what is wrong, if anything still is
    const AVFrame* f = got->frame.get();
    // A format that seeks to any packet (MPEG-TS) may hand back a picture decoded from the middle of
    // a keyframe interval: only a keyframe is taken.
    if (!f->data[0] || !f->key_frame || f->best_effort_timestamp == AV_NOPTS_VALUE ||
        f->best_effort_timestamp < target || f->best_effort_timestamp > latest)
        return FramePtr();
    return std::move(got->frame);
}

// The frame to show: about 10 % in, past the first second (often a blank or title frame) when the
// video is longer than 2 s; otherwise, or when seeking fails or finds nothing, the first frame.
// "About": the first keyframe after the 10 % mark when it comes before the middle, since it decodes
// alone, where the picture at the mark itself may need every picture since the keyframe before it
// (a recording of a still screen keeps a keyframe for up to 10 s of changes: ~0.2 s of CPU at 1080p).
Result<FramePtr> pick_frame(AVFormatContext* ctx, PullDecoder& decoder) {
    const AVStream* st = ctx->streams[decoder.stream()];
    std::int64_t duration_us = ctx->duration;
    if (duration_us == AV_NOPTS_VALUE && st->duration != AV_NOPTS_VALUE)
        duration_us = av_rescale_q(st->duration, st->time_base, AV_TIME_BASE_Q);
    const std::int64_t start = st->start_time == AV_NOPTS_VALUE ? 0 : st->start_time;
    const auto seconds = [&](std::int64_t s) { return av_rescale_q(s * AV_TIME_BASE, AV_TIME_BASE_Q, st->time_base); };

    FramePtr picture;
    bool moved = false;
    if (duration_us != AV_NOPTS_VALUE && duration_us > 2 * AV_TIME_BASE) {
        const std::int64_t target =
            start + av_rescale_q(std::max<std::int64_t>(duration_us / 10, AV_TIME_BASE), AV_TIME_BASE_Q, st->time_base);
        const std::int64_t middle = start + av_rescale_q(duration_us / 2, AV_TIME_BASE_Q, st->time_base);
        if (FramePtr key = keyframe_between(ctx, decoder, target, middle, moved)) return key;
        // MPEG-TS/PS seek to any packet rather than a keyframe, so decoding resumes at the next
        // keyframe, possibly far past the target. Then step back further and try again.
        for (std::int64_t back : {0, 2, 10, -1}) {
            const bool from_start = back < 0 || target - seconds(back) <= start;
            const int ret = from_start ? seek_to_start(ctx, decoder, start, seconds(1))
                                       : seek(ctx, decoder, target - seconds(back));
            if (ret < 0) break;
            moved = true;
            auto got = decode_until(decoder, target);
            if (!got) return std::unexpected(got.error());
            if (got->frame->data[0]) picture = std::move(got->frame);
            if (!got->late || from_start) break;
        }
    }
    if (!picture) {
        // Not moved means still at the start, where opening left us.
        if (moved && seek_to_start(ctx, decoder, start, seconds(1)) < 0) return picture;
        auto got = decode_until(decoder, std::numeric_limits<std::int64_t>::min());
        if (!got) return std::unexpected(got.error());
        picture = std::move(got->frame);
    }
    return picture;
}

// The output size, upright as `turn` shows the picture: at most max_width wide, never wider than
// the picture is shown, aspect kept (including non-square pixels), both sides even as 4:2:0 chroma needs.
std::pair<int, int> thumbnail_size(const AVFrame* f, Orientation turn, int max_width) {
    const AVRational sar = f->sample_aspect_ratio;
    double stored_w = f->width;
    if (sar.num > 0 && sar.den > 0) stored_w = f->width * av_q2d(sar);
    const double shown_w = turn.swaps_axes() ? f->height : stored_w;
    const double shown_h = turn.swaps_axes() ? stored_w : f->height;
    const double w = std::min<double>(max_width, shown_w);
    const double h = w * shown_h / shown_w;
    const int out_w = std::max(2, static_cast<int>(w) / 2 * 2);  // rounding down keeps it within max_width
    const int out_h = std::max(2, static_cast<int>(h / 2 + 0.5) * 2);
    return {out_w, out_h};
}

Result<void> write_jpeg(const AVFrame* picture, Orientation turn, int max_width, const fs::path& jpeg_out) {
    const auto [w, h] = thumbnail_size(picture, turn, max_width);
    const auto [stored_w, stored_h] = turn.shown_size(w, h);  // scaled as stored, then turned
    const AVCodec* codec = avcodec_find_encoder_by_name("mjpeg");
    if (!codec) return fail(ErrorCode::internal, "this libavcodec has no mjpeg encoder");
    CodecContextPtr enc(avcodec_alloc_context3(codec));
    FramePtr out = make_frame();
    if (!enc || !out) return fail(ErrorCode::internal, "out of memory encoding a thumbnail");

    // Plain 4:2:0 tagged full range is what JFIF means; the yuvj formats say the same but are deprecated.
    out->format = AV_PIX_FMT_YUV420P;
    out->width = stored_w;
    out->height = stored_h;
    out->color_range = AVCOL_RANGE_JPEG;
    SwsPtr sws(sws_getContext(picture->width, picture->height, static_cast<AVPixelFormat>(picture->format), stored_w,
                              stored_h, AV_PIX_FMT_YUV420P, SWS_BICUBIC, nullptr, nullptr, nullptr));
    if (!sws) return fail(ErrorCode::internal, "cannot set up scaling for the thumbnail");
    int *src_table = nullptr, *dst_table = nullptr;
    int src_full = 0, dst_full = 0, brightness = 0, contrast = 0, saturation = 0;
    // Video is usually limited range; stretch it to JPEG's full range so blacks stay black. Should
    // swscale refuse, the thumbnail is merely a little flat, so that is no reason to fail.
    if (sws_getColorspaceDetails(sws.get(), &src_table, &src_full, &dst_table, &dst_full, &brightness, &contrast,
                                 &saturation) >= 0) {
        src_full = picture->color_range == AVCOL_RANGE_JPEG || src_full;
        (void)sws_setColorspaceDetails(sws.get(), src_table, src_full, dst_table, 1, brightness, contrast, saturation);
    }
    int ret = sws_scale_frame(sws.get(), out.get(), picture);
    if (ret < 0) return fail(ErrorCode::internal, fmt::format("scaling the thumbnail failed ({})", error_text(ret)));
    if (!turn.is_identity()) {
        auto upright = turned_picture(*out, turn);
        if (!upright) return std::unexpected(upright.error());
        out = std::move(*upright);
    }

    enc->width = w;
    enc->height = h;
    enc->pix_fmt = AV_PIX_FMT_YUV420P;
    enc->color_range = AVCOL_RANGE_JPEG;
    enc->time_base = AVRational{1, 25};
    enc->flags |= AV_CODEC_FLAG_QSCALE;
    enc->global_quality = kJpegQuality;
    out->quality = kJpegQuality;  // with QSCALE the encoder takes the scale from the frame
    out->pts = 0;
    return detail::encode_to_file(enc.get(), codec, out.get(), jpeg_out, "the thumbnail as JPEG");
}

}  // namespace

Result<void> write_thumbnail(const fs::path& video, const fs::path& jpeg_out, int max_width) {
    if (max_width < 2)
        return fail(ErrorCode::invalid_input,
                    fmt::format("a thumbnail must be at least 2 pixels wide, not {}", max_width));
    auto opened = detail::open_input(video);
    if (!opened) return std::unexpected(opened.error());
    AVFormatContext* ctx = opened->get();

    const int index = detail::best_video_stream(ctx);
    if (index < 0)
        return fail(ErrorCode::bad_media,
                    fmt::format("{} has no video to draw a thumbnail from", detail::quoted(video)));
    // One thread: mostly one keyframe to decode, and frame threads cost more CPU than they save
    // wall time on the way to a mark (0.15 s more for the first 6 s of a 1080p recording, no faster).
    auto dec = open_decoder(ctx->streams[index], {.threads = 1});
    if (!dec)
        return fail(dec.error().code,
                    fmt::format("cannot draw a thumbnail from {}: {}", detail::quoted(video), dec.error().message));
    PullDecoder decoder(ctx, dec->get(), index, {.max_packets = kMaxPackets});
    auto picture = pick_frame(ctx, decoder);
    if (!picture) return std::unexpected(picture.error());
    if (!*picture || !(*picture)->data[0])
        return fail(ErrorCode::bad_media,
                    fmt::format("cannot draw a thumbnail from {}: no frame of its video decodes; it is damaged",
                                detail::quoted(video)));

    return write_jpeg(picture->get(), stream_orientation(ctx->streams[index]), max_width, jpeg_out);
}

}  // namespace wt::av
