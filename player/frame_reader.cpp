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
    bool late = false;            // the first frame decoded was already after the target
    bool maybe_skipped = false;   // a skipped (non-reference) frame could have been the answer
};

Result<FrameReader> FrameReader::open(const std::filesystem::path& file) {
    auto opened = av::detail::open_input(file);
    if (!opened) return std::unexpected(opened.error());
    FrameReader r;
    r.m_file = file;
    r.m_format = std::move(*opened);
    AVFormatContext* ctx = r.m_format.get();
    const std::string name = av::detail::quoted(file);

    r.m_stream = av::detail::best_video_stream(ctx);
    if (r.m_stream < 0) return fail(ErrorCode::bad_media, fmt::format("{} has no video stream to show", name));
    AVStream* st = ctx->streams[r.m_stream];
    const AVCodec* codec = avcodec_find_decoder(st->codecpar->codec_id);
    if (!codec)
        return fail(ErrorCode::bad_media, fmt::format("{} has no decodable video: there is no decoder for its {} video",
                                                      name, avcodec_get_name(st->codecpar->codec_id)));
    r.m_decoder.reset(avcodec_alloc_context3(codec));
    r.m_packet = av::make_packet();
    if (!r.m_decoder || !r.m_packet) return fail(ErrorCode::internal, "out of memory opening a video");
    int ret = avcodec_parameters_to_context(r.m_decoder.get(), st->codecpar);
    if (ret < 0)
        return fail(ErrorCode::bad_media, fmt::format("{} has no decodable video: its parameters are unusable ({})",
                                                      name, av::error_text(ret)));
    r.m_decoder->pkt_timebase = st->time_base;
    r.m_decoder->thread_count = 0;  // auto: an exact seek may decode a whole keyframe interval
    // Damaged frames are shown (and counted) rather than silently dropped, like a player should.
    r.m_decoder->flags |= AV_CODEC_FLAG_OUTPUT_CORRUPT;
    if ((ret = avcodec_open2(r.m_decoder.get(), codec, nullptr)) < 0)
        return fail(ErrorCode::bad_media, fmt::format("{} has no decodable video: its {} decoder would not open ({})",
                                                      name, codec->name, av::error_text(ret)));
    if (r.m_decoder->width <= 0 || r.m_decoder->height <= 0)
        return fail(ErrorCode::bad_media, fmt::format("{} has no decodable video: its video has no size", name));
    for (unsigned i = 0; i < ctx->nb_streams; ++i)
        if (static_cast<int>(i) != r.m_stream) ctx->streams[i]->discard = AVDISCARD_ALL;

    r.m_time_base = av_q2d(st->time_base);
    r.m_start = st->start_time != AV_NOPTS_VALUE ? st->start_time : 0;
    const AVRational rate = av_guess_frame_rate(ctx, st, nullptr);
    r.m_frame_duration = (rate.num > 0 && rate.den > 0) ? av_q2d(av_inv_q(rate)) : 1.0 / 25;
    if (ctx->duration != AV_NOPTS_VALUE && ctx->duration > 0)
        r.m_duration = static_cast<double>(ctx->duration) / AV_TIME_BASE;
    else if (st->duration != AV_NOPTS_VALUE && st->duration > 0)
        r.m_duration = static_cast<double>(st->duration) * r.m_time_base;
    return r;
}

int FrameReader::width() const { return m_decoder->width; }
int FrameReader::height() const { return m_decoder->height; }

double FrameReader::to_seconds(std::int64_t ts) const { return static_cast<double>(ts - m_start) * m_time_base; }

Result<void> FrameReader::seek(double seconds) {
    AVFormatContext* ctx = m_format.get();
    const auto ticks = [&](double s) { return m_start + static_cast<std::int64_t>(std::llround(s / m_time_base)); };
    int ret = -1;
    if (seconds > 0) {
        // max_ts = ts: the keyframe at or before the target, never after (libavformat seek.c picks
        // AVSEEK_FLAG_BACKWARD for this shape).
        const std::int64_t ts = ticks(seconds);
        ret = avformat_seek_file(ctx, m_stream, std::numeric_limits<std::int64_t>::min(), ts, ts, 0);
    } else {
        // MPEG-TS/PS index by decode time, which starts before the first picture, so aiming at
        // start_time lands past the first keyframe; a second earlier does not (avkit/thumbnail.cpp).
        for (double s : {-1.0, 0.0}) {
            const std::int64_t ts = ticks(s);
            ret = avformat_seek_file(ctx, m_stream, std::numeric_limits<std::int64_t>::min(), ts, ts, 0);
            if (ret >= 0) break;
        }
        if (ret < 0 && !(ctx->iformat->flags & AVFMT_NO_BYTE_SEEK))
            ret = avformat_seek_file(ctx, -1, 0, 0, 0, AVSEEK_FLAG_BYTE);
    }
    if (ret < 0)
        return fail(ErrorCode::bad_media, fmt::format("cannot seek to {:.3f} s in {} ({})", seconds,
                                                      av::detail::quoted(m_file), av::error_text(ret)));
    avcodec_flush_buffers(m_decoder.get());  // nothing from before the seek may come out
    return {};
}

Result<FrameReader::Decoded> FrameReader::decode_until(double target, bool skip_nonref) {
    AVFormatContext* ctx = m_format.get();
    AVCodecContext* dec = m_decoder.get();
    AVPacket* pkt = m_packet.get();
    const double limit = target + kTolerance;
    // Frames nothing refers to cannot affect later pictures, so they are only worth decoding when
    // they might be the answer (mpv's hr-seek-framedrop). The decision is made on packet times, as
    // the decoder's reordering delay would make frame times come too late.
    const double skip_before = target - 3 * m_frame_duration;
    double latest_skipped = -std::numeric_limits<double>::infinity();

    Decoded best;
    av::FramePtr frame = av::make_frame();
    if (!frame) return fail(ErrorCode::internal, "out of memory decoding a video");
    const auto done = [&]() -> Decoded {
        best.maybe_skipped = best.frame && latest_skipped > best.seconds;
        return std::move(best);
    };

    bool draining = false;
    for (int packets = 0; packets < kMaxPackets;) {
        int ret = 0;
        if (!draining) {
            ret = av_read_frame(ctx, pkt);
            if (ret < 0) {
                // The end, or a read error on a damaged or truncated file: either way, what the
                // decoder still holds is all there is.
                draining = true;
                ret = avcodec_send_packet(dec, nullptr);
            } else if (pkt->stream_index != m_stream) {
                av_packet_unref(pkt);
                continue;
            } else {
                ++packets;
                const bool skip = skip_nonref && pkt->pts != AV_NOPTS_VALUE && to_seconds(pkt->pts) < skip_before;
                dec->skip_frame = skip ? AVDISCARD_NONREF : AVDISCARD_DEFAULT;
                if (skip) latest_skipped = std::max(latest_skipped, to_seconds(pkt->pts));
                ret = avcodec_send_packet(dec, pkt);
                av_packet_unref(pkt);
                if (ret == AVERROR(ENOMEM)) return fail(ErrorCode::internal, "out of memory decoding a video");
                if (ret < 0 && ret != AVERROR(EAGAIN) && ret != AVERROR_EOF) ++m_stats.damaged_packets;
            }
        }
        for (;;) {
            ret = avcodec_receive_frame(dec, frame.get());
            if (ret == AVERROR(EAGAIN)) break;
            if (ret == AVERROR_EOF) return done();
            if (ret == AVERROR(ENOMEM)) return fail(ErrorCode::internal, "out of memory decoding a video");
            if (ret < 0) {
                ++m_stats.damaged_packets;
                if (draining) return done();
                break;
            }
            ++m_stats.frames_decoded;
            if (frame->decode_error_flags || (frame->flags & AV_FRAME_FLAG_CORRUPT)) ++m_stats.corrupt_frames;
            const std::int64_t ts = frame->best_effort_timestamp;
            const double at = ts != AV_NOPTS_VALUE ? to_seconds(ts)
                              : best.frame          ? best.seconds + m_frame_duration
                                                    : 0.0;
            if (at <= limit) {
                best.frame = std::exchange(frame, av::make_frame());
                best.seconds = at;
                if (!frame) return fail(ErrorCode::internal, "out of memory decoding a video");
                continue;
            }
            if (!best.frame) return Decoded{std::move(frame), at, true, false};
            return done();
        }
        if (draining) return done();  // a decoder that neither gives frames nor ends: stop here
    }
    return done();
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
                                    av::detail::quoted(m_file), seconds));
        if (!skip || !got.maybe_skipped) return Frame{std::move(got.frame), got.seconds};
    }
    return fail(ErrorCode::internal, "unreachable");
}

}  // namespace wt::player
