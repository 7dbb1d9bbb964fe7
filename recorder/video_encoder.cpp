#include <cstring>

#include <fmt/format.h>

extern "C" {
#include <libavutil/imgutils.h>
#include <libavutil/opt.h>
#include <libavutil/pixdesc.h>
}

#include "recorder/encoders.hpp"

namespace wt::recorder {

namespace {

// Mostly-static text: a long GOP (10 s) because keyframes dominate the size; no B-frames, no
// lookahead and one thread, so x264 holds no frame back (every frame held back is lost on a
// crash, and the budget is ≤ 2 s lost). Measured on the shared workload: lookahead 5 + 2 sliced threads
// cost ~1 CPU-s/min more and made a 5 % larger file. A 10-frame lookahead (mb-tree) at CRF 24, with
// the pictures that push a change out of it encoded too, made the busy workload's file 7 % smaller
// at a higher SSIM, but peak RSS went from 122-124 to 184-188 MB and the shared workload's CPU nearly
// doubled (bench/x264-trials, bench/record-vs-ffmpeg, 2026-12-04). CRF per preset; veryfast is the
// measured sweet spot for 1080p on 2 cores: faster settings cost more size than they save CPU on
// moving text (with hex search: superfast x264 CPU -33 %, size +59 %; with UMH, dia and superfast
// cost CPU as well, for the bits of what they miss).
// Motion search: UMH rather than veryfast's hex. Scrolled text moves further per picture than hex
// finds, so it was coded afresh. On the busy workload UMH alone kept x264's CPU and made the file 41 %
// smaller; with subme 1, no weighted prediction and no 8x8 transform too, x264's CPU fell 14 % and the
// file 37 %, at a higher SSIM (0.99887 against 0.99817). On the shared workload: the same CPU, 1 %
// larger, SSIM 0.99957 against 0.99962 (bench/x264-trials, 2026-12-04, hex-subme2 against recorder).
// Subme 0 (whole-pixel motion only): what moves on a screen moves by whole pixels, so the file is the
// same (busy 0.436x against 0.437x the CLI's, shared 0.812x against 0.808x, SSIM equal) for 11-12 % less
// x264 CPU on the busy workload and 15-21 % on the shared one (lowest of 3 runs, two pairs of runs).
struct X264Settings {
    const char* crf;
    const char* preset;
};
X264Settings settings_for(Quality q) {
    switch (q) {
    case Quality::high: return {"18", "veryfast"};
    case Quality::balanced: return {"21", "veryfast"};
    case Quality::compact: break;
    }
    return {"23", "veryfast"};
}

}  // namespace

Result<std::unique_ptr<VideoEncoder>> VideoEncoder::open(int width, int height, int fps, Quality quality) {
    const AVCodec* codec = avcodec_find_encoder_by_name("libx264");
    if (!codec)
        return fail(ErrorCode::internal, "this FFmpeg has no libx264 encoder; install libavcodec59 from Debian");
    auto enc = std::make_unique<VideoEncoder>();
    enc->encoder_.reset(avcodec_alloc_context3(codec));
    if (!enc->encoder_ || !enc->converted_ || !enc->packet_) return fail(ErrorCode::internal, "out of memory");
    AVCodecContext* c = enc->encoder_.get();
    c->width = width & ~1;
    c->height = height & ~1;
    if (c->width < 2 || c->height < 2) {
        return fail(ErrorCode::invalid_input, fmt::format("a {}x{} picture is too small to record", width, height));
    }
    c->pix_fmt = AV_PIX_FMT_YUV420P;
    c->time_base = {1, 1000};
    c->framerate = {fps, 1};
    c->gop_size = 10 * fps;
    c->max_b_frames = 0;
    c->thread_count = 1;
    c->color_primaries = AVCOL_PRI_BT709;
    c->color_trc = AVCOL_TRC_BT709;
    c->colorspace = AVCOL_SPC_BT709;
    c->color_range = AVCOL_RANGE_MPEG;
    c->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;  // Matroska and MP4 keep SPS/PPS in the header
    const auto s = settings_for(quality);
    av_opt_set(c->priv_data, "preset", s.preset, 0);
    av_opt_set(c->priv_data, "crf", s.crf, 0);
    const auto x264_params =
        fmt::format("rc-lookahead=0:sync-lookahead=0:min-keyint={}:me=umh:subme=0:weightp=0:8x8dct=0", fps);
    av_opt_set(c->priv_data, "x264-params", x264_params.c_str(), 0);
    int ret = avcodec_open2(c, codec, nullptr);
    if (ret < 0) return fail(ErrorCode::internal, fmt::format("cannot open libx264: {}", av::error_text(ret)));
    enc->frame_ms_ = std::max<std::int64_t>(1, 1000 / fps);
    enc->converted_->format = c->pix_fmt;
    enc->converted_->width = c->width;
    enc->converted_->height = c->height;
    enc->converted_->color_primaries = c->color_primaries;
    enc->converted_->color_trc = c->color_trc;
    enc->converted_->colorspace = c->colorspace;
    enc->converted_->color_range = c->color_range;
    return enc;
}

Result<void> VideoEncoder::encode(const AVFrame* frame, std::int64_t pts_ms, const PacketSink& sink) {
    AVCodecContext* c = encoder_.get();
    if (frame->format == AV_PIX_FMT_YUV420P && frame->width == c->width && frame->height == c->height) {
        // Already what x264 takes (the X11 source converts on its capture thread). A yuv420p
        // input was copied unchanged by swscale before too: no matrix applies between equal formats.
        av_frame_unref(passed_.get());
        if (av_frame_ref(passed_.get(), frame) < 0) return fail(ErrorCode::internal, "out of memory");
        current_ = passed_.get();
        return repeat(pts_ms, sink);
    }
    if (!scaler_ || frame->format != source_format_ || frame->width != source_width_ ||
        frame->height != source_height_) {
        // Cropping to even sizes: the scaler reads only the first c->width x c->height pixels.
        scaler_.reset(sws_getContext(std::min(frame->width, c->width), std::min(frame->height, c->height),
                                     static_cast<AVPixelFormat>(frame->format), c->width, c->height, c->pix_fmt,
                                     SWS_BILINEAR, nullptr, nullptr, nullptr));
        if (!scaler_) {
            return fail(ErrorCode::bad_media,
                        fmt::format("cannot convert {} pictures",
                                    av_get_pix_fmt_name(static_cast<AVPixelFormat>(frame->format))));
        }
        // RGB sources become BT.709 limited-range YUV, matching the tags on the stream.
        const int* src_coeffs = sws_getCoefficients(SWS_CS_ITU709);
        sws_setColorspaceDetails(scaler_.get(), src_coeffs, 1, sws_getCoefficients(SWS_CS_ITU709), 0, 0, 1 << 16,
                                 1 << 16);
        source_format_ = frame->format;
        source_width_ = frame->width;
        source_height_ = frame->height;
    }
    // Allocated on first use: the X11 source never needs it (3 MB at 1080p).
    const int ret =
        converted_->buf[0] ? av_frame_make_writable(converted_.get()) : av_frame_get_buffer(converted_.get(), 0);
    if (ret < 0) return fail(ErrorCode::internal, "out of memory for a video frame");
    sws_scale(scaler_.get(), frame->data, frame->linesize, 0, std::min(frame->height, c->height), converted_->data,
              converted_->linesize);
    av_frame_unref(passed_.get());
    current_ = converted_.get();
    return repeat(pts_ms, sink);
}

Result<void> VideoEncoder::repeat(std::int64_t pts_ms, const PacketSink& sink) {
    if (!current_) return {};
    // At least a frame time apart: two pictures a few ms apart (device jitter, the two sides of
    // a pause) would make players drop one; the later one shows at most a frame later instead.
    if (last_pts_ >= 0 && pts_ms < last_pts_ + frame_ms_) pts_ms = last_pts_ + frame_ms_;
    last_pts_ = pts_ms;
    current_->pts = pts_ms;
    current_->pict_type = AV_PICTURE_TYPE_NONE;
    return send(current_, sink);
}

Result<void> VideoEncoder::flush(const PacketSink& sink) { return send(nullptr, sink); }

Result<void> VideoEncoder::send(AVFrame* frame, const PacketSink& sink) {
    return av::encode_and_drain(encoder_.get(), frame, packet_.get(), "the video (x264)", [&](AVPacket* packet) {
        packet->duration = frame_ms_;
        return sink(packet);
    });
}

bool same_buffer(const AVFrame* a, const AVFrame* b) {
    return a && b && a->buf[0] && b->buf[0] && a->buf[0]->buffer == b->buf[0]->buffer && a->data[0] == b->data[0] &&
           a->format == b->format && a->width == b->width && a->height == b->height;
}

bool same_picture(const AVFrame* a, const AVFrame* b) {
    if (same_buffer(a, b)) return true;
    if (!a || !b || a->format != b->format || a->width != b->width || a->height != b->height) return false;
    const AVPixFmtDescriptor* d = av_pix_fmt_desc_get(static_cast<AVPixelFormat>(a->format));
    if (!d) return false;
    for (int p = 0; p < 4 && a->data[p]; ++p) {
        const bool chroma = (p == 1 || p == 2) && !(d->flags & AV_PIX_FMT_FLAG_RGB);
        const int h = chroma ? AV_CEIL_RSHIFT(a->height, d->log2_chroma_h) : a->height;
        const int bytes = av_image_get_linesize(static_cast<AVPixelFormat>(a->format), a->width, p);
        if (bytes <= 0) return false;
        for (int y = 0; y < h; ++y) {
            if (std::memcmp(a->data[p] + static_cast<ptrdiff_t>(y) * a->linesize[p],
                            b->data[p] + static_cast<ptrdiff_t>(y) * b->linesize[p], static_cast<size_t>(bytes)) != 0)
                return false;
        }
    }
    return true;
}

}  // namespace wt::recorder
