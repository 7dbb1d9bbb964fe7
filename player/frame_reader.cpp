#include "player/frame_reader.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <utility>

#include <fmt/format.h>

#include "avkit/open_input.hpp"

namespace wt::player {

namespace {

// A frame stamped up to half a millisecond after the asked time is taken as on screen: times
// written as decimal seconds or rounded to the millisecond (the catalog's unit) must still land on
// the frame that starts there.
constexpr double kTolerance = 0.0005;

// Bounds the work per attempt on a file whose packets never decode, yet covers a long keyframe
// interval at high frame rates plus the step back below.
constexpr int kMaxPackets = 20000;

// How far before the target to seek again, in seconds, when the demuxer lands after it (mpv's
// hr-seek-demuxer-offset idea); a step reaching back past 0 seeks to the start of the file. When
// even the last step lands late (a damaged keyframe), the first frame after the target is the
// best there is.
constexpr std::array<double, 4> kBackoff = {0.0, 1.0, 5.0, 30.0};

}  // namespace

struct FrameReader::Decoded {
    av::FramePtr frame;
    double seconds = 0;
    bool late = false;           // the first frame decoded was already after the target
    bool maybe_skipped = false;  // a skipped (non-reference) frame could have been the answer
};

Result<FrameReader> FrameReader::open(const MediaSource& file) {
    auto opened = av::detail::open_input(file);
    if (!opened) return std::unexpected(opened.error());
    FrameReader r;
    r.file_ = file;
    r.format_ = std::move(*opened);
    AVFormatContext* ctx = r.format_.get();
    const std::string name = av::detail::quoted(file);

    r.stream_ = av::detail::best_video_stream(ctx);
    if (r.stream_ < 0) return fail(ErrorCode::bad_media, fmt::format("{} has no video stream to show", name));
    AVStream* st = ctx->streams[r.stream_];
    // Many threads: an exact seek may decode a whole keyframe interval. Damaged frames are shown
    // (and counted) rather than silently dropped, like a player should.
    auto decoder = av::open_decoder(st, {.threads = 0, .output_corrupt = true});
    if (!decoder)
        return fail(decoder.error().code, fmt::format("{} has no decodable video: {}", name, decoder.error().message));
    r.decoder_ = std::move(*decoder);
    if (r.decoder_->width <= 0 || r.decoder_->height <= 0)
        return fail(ErrorCode::bad_media, fmt::format("{} has no decodable video: its video has no size", name));
    r.pull_ = std::make_unique<av::PullDecoder>(ctx, r.decoder_.get(), r.stream_,
                                                av::PullDecoder::Options{.max_packets = kMaxPackets});

    r.turn_ = av::stream_orientation(st);
    r.time_base_ = av_q2d(st->time_base);
    r.start_ = st->start_time != AV_NOPTS_VALUE ? st->start_time : 0;
    const AVRational rate = av_guess_frame_rate(ctx, st, nullptr);
    r.frame_duration_ = (rate.num > 0 && rate.den > 0) ? av_q2d(av_inv_q(rate)) : 1.0 / 25;
    if (ctx->duration != AV_NOPTS_VALUE && ctx->duration > 0)
        r.duration_ = static_cast<double>(ctx->duration) / AV_TIME_BASE;
    else if (st->duration != AV_NOPTS_VALUE && st->duration > 0)
        r.duration_ = static_cast<double>(st->duration) * r.time_base_;
    return r;
}

int FrameReader::width() const { return decoder_->width; }
int FrameReader::height() const { return decoder_->height; }

double FrameReader::to_seconds(std::int64_t ts) const { return static_cast<double>(ts - start_) * time_base_; }

Result<void> FrameReader::seek(double seconds) {
    AVFormatContext* ctx = format_.get();
    const auto ticks = [&](double s) { return start_ + static_cast<std::int64_t>(std::llround(s / time_base_)); };
    int ret = -1;
    if (seconds > 0) {
        // max_ts = ts: the keyframe at or before the target, never after (libavformat seek.c picks
        // AVSEEK_FLAG_BACKWARD for this shape).
        const std::int64_t ts = ticks(seconds);
        ret = avformat_seek_file(ctx, stream_, std::numeric_limits<std::int64_t>::min(), ts, ts, 0);
    } else {
        // MPEG-TS/PS index by decode time, which starts before the first picture, so aiming at
        // start_time lands past the first keyframe; a second earlier does not (avkit/thumbnail.cpp).
        for (double s : {-1.0, 0.0}) {
            const std::int64_t ts = ticks(s);
            ret = avformat_seek_file(ctx, stream_, std::numeric_limits<std::int64_t>::min(), ts, ts, 0);
            if (ret >= 0) break;
        }
        if (ret < 0 && !(ctx->iformat->flags & AVFMT_NO_BYTE_SEEK))
            ret = avformat_seek_file(ctx, -1, 0, 0, 0, AVSEEK_FLAG_BYTE);
    }
    if (ret < 0)
        return fail(ErrorCode::bad_media, fmt::format("cannot seek to {:.3f} s in {} ({})", seconds,
                                                      av::detail::quoted(file_), av::error_text(ret)));
    pull_->restart();  // nothing from before the seek may come out, and a fresh packet budget
    return {};
}

Result<FrameReader::Decoded> FrameReader::decode_until(double target, bool skip_nonref) {
    AVCodecContext* dec = decoder_.get();
    const double limit = target + kTolerance;
    // Frames nothing refers to cannot affect later pictures, so they are only worth decoding when
    // they might be the answer (mpv's hr-seek-framedrop). The decision is made on packet times, as
    // the decoder's reordering delay would make frame times come too late.
    const double skip_before = target - 3 * frame_duration_;
    double latest_skipped = -std::numeric_limits<double>::infinity();
    pull_->before_send = [&](const AVPacket& pkt) {
        const bool skip = skip_nonref && pkt.pts != AV_NOPTS_VALUE && to_seconds(pkt.pts) < skip_before;
        dec->skip_frame = skip ? AVDISCARD_NONREF : AVDISCARD_DEFAULT;
        if (skip) latest_skipped = std::max(latest_skipped, to_seconds(pkt.pts));
    };
    struct ClearHook {  // the hook refers to this call's locals
        av::PullDecoder& pull;
        ~ClearHook() { pull.before_send = nullptr; }
    } clear_hook{*pull_};

    Decoded best;
    av::FramePtr frame = av::make_frame();
    if (!frame) return fail(ErrorCode::internal, "out of memory decoding a video");
    for (;;) {
        auto got = pull_->next(frame.get());
        if (!got) return std::unexpected(got.error());
        if (!*got) break;  // the end, or the packet budget spent: the best so far is all there is
        const std::int64_t ts = frame->best_effort_timestamp;
        const double at = ts != AV_NOPTS_VALUE ? to_seconds(ts) : best.frame ? best.seconds + frame_duration_ : 0.0;
        if (at > limit) {
            if (!best.frame) return Decoded{std::move(frame), at, true, false};
            break;
        }
        std::swap(best.frame, frame);
        best.seconds = at;
        if (!frame) frame = av::make_frame();
        if (!frame) return fail(ErrorCode::internal, "out of memory decoding a video");
    }
    best.maybe_skipped = best.frame && latest_skipped > best.seconds;
    return best;
}

Result<FrameReader::Frame> FrameReader::read_at(double seconds) {
    if (!std::isfinite(seconds))
        return fail(ErrorCode::invalid_input, fmt::format("cannot show the frame at {} s", seconds));
    // First with non-reference frames skipped; again without when a skipped one may have been the
    // frame on screen (a variable frame rate, e.g. a still screen recorded once a second, can leave
    // more than three nominal frame durations between two frames).
    for (const bool skip : {true, false}) {
        Decoded got;
        for (const double back : kBackoff) {
            const bool from_start = seconds - back <= 0;
            if (auto moved = seek(from_start ? 0.0 : seconds - back); !moved) return std::unexpected(moved.error());
            auto decoded = decode_until(seconds, skip);
            if (!decoded) return std::unexpected(decoded.error());
            got = std::move(*decoded);
            if (!got.frame || !got.late || from_start) break;
        }
        if (!got.frame)
            return fail(ErrorCode::bad_media,
                        fmt::format("no frame of {} decodes at {:.3f} s; the file is damaged there",
                                    av::detail::quoted(file_), seconds));
        if (!skip || !got.maybe_skipped) return Frame{std::move(got.frame), got.seconds};
    }
    return fail(ErrorCode::internal, "unreachable");
}

}  // namespace wt::player
