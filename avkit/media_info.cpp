#include "avkit/media_info.hpp"

#include <algorithm>
#include <tuple>

#include <fmt/format.h>

#include "avkit/av_ptr.hpp"
#include "avkit/decoder.hpp"
#include "avkit/open_input.hpp"
#include "avkit/orientation.hpp"

extern "C" {
#include <libavutil/pixdesc.h>
}

namespace wt::av {

namespace {

// Packets of the video stream read. Enough for any real stream to yield its first picture (codecs with long reorder
// delay, a few damaged packets at the start), yet a file that never decodes gives up quickly.
constexpr int kMaxPacketsForFirstFrame = 500;

std::string codec_name(AVCodecID id) { return id == AV_CODEC_ID_NONE ? "unknown" : avcodec_get_name(id); }

StreamInfo describe(const AVStream* st) {
    const AVCodecParameters* par = st->codecpar;
    StreamInfo s;
    s.index = st->index;
    const char* type = av_get_media_type_string(par->codec_type);
    s.type = type ? type : "unknown";
    s.codec = codec_name(par->codec_id);
    s.bit_rate = par->bit_rate;
    if (par->codec_type == AVMEDIA_TYPE_VIDEO) {
        const Orientation turn = stream_orientation(st);
        std::tie(s.width, s.height) = turn.shown_size(par->width, par->height);
        s.rotation = turn.clockwise_degrees();
        s.mirrored = turn.mirrored();
        if (st->avg_frame_rate.num > 0 && st->avg_frame_rate.den > 0) s.frame_rate = av_q2d(st->avg_frame_rate);
        const char* fmt = av_get_pix_fmt_name(static_cast<AVPixelFormat>(par->format));
        if (fmt) s.pixel_format = fmt;
    } else {
        // Video is judged by decoding a frame (see decodes_first_frame); for the rest a decoder suffices.
        s.decodable = avcodec_find_decoder(par->codec_id) != nullptr;
        if (par->codec_type == AVMEDIA_TYPE_AUDIO) {
            s.sample_rate = par->sample_rate;
            s.channels = par->ch_layout.nb_channels;
        }
    }
    return s;
}

// 0 when the header does not say (a guess from the bit rate is no answer).
std::int64_t duration_ms(const AVFormatContext* ctx) {
    if (ctx->duration_estimation_method == AVFMT_DURATION_FROM_BITRATE) return 0;
    if (ctx->duration != AV_NOPTS_VALUE) return av_rescale(ctx->duration, 1000, AV_TIME_BASE);
    // Some containers only know per-stream durations.
    std::int64_t best = 0;
    for (unsigned i = 0; i < ctx->nb_streams; ++i) {
        const AVStream* st = ctx->streams[i];
        if (st->duration != AV_NOPTS_VALUE)
            best = std::max(best, av_rescale_q(st->duration, st->time_base, AVRational{1, 1000}));
    }
    return best;
}

// The end of the last packet, for a file whose header gives no duration: a Matroska file cut short
// by a crash, or written live, only says how long it is in the packets themselves. Reads the whole
// file, but no payload is decoded.
std::int64_t duration_from_packets(const std::filesystem::path& file) {
    auto opened = detail::open_input(file);
    if (!opened) return 0;
    AVFormatContext* ctx = opened->get();
    PacketPtr pkt = make_packet();
    if (!pkt) return 0;
    std::int64_t first = AV_NOPTS_VALUE, last = 0;  // in ms
    while (av_read_frame(ctx, pkt.get()) >= 0) {
        const AVStream* st = ctx->streams[pkt->stream_index];
        const std::int64_t at = pkt->pts != AV_NOPTS_VALUE ? pkt->pts : pkt->dts;
        if (at != AV_NOPTS_VALUE) {
            const AVRational ms{1, 1000};
            const std::int64_t start = av_rescale_q(at, st->time_base, ms);
            first = first == AV_NOPTS_VALUE ? start : std::min(first, start);
            last = std::max(last, av_rescale_q(at + std::max<std::int64_t>(pkt->duration, 0), st->time_base, ms));
        }
        av_packet_unref(pkt.get());
    }
    return first == AV_NOPTS_VALUE ? 0 : std::max<std::int64_t>(0, last - first);
}

// A header can claim h264 while every packet is garbage; only a decoded picture proves the video
// is usable. Any failure here just means "not decodable", never an error of probe() itself.
bool decodes_first_frame(AVFormatContext* ctx, int index) {
    // One thread: frame threading would hold the first picture back until threads fill up.
    auto dec = open_decoder(ctx->streams[index], DecoderSettings{.threads = 1});
    FramePtr frame = make_frame();
    if (!dec || !frame) return false;
    PullDecoder decoder(ctx, dec->get(), index, {.max_packets = kMaxPacketsForFirstFrame});
    const auto got = decoder.next(frame.get());
    return got && *got;
}

}  // namespace

Result<MediaInfo> probe(const std::filesystem::path& file) {
    auto opened = detail::open_input(file);
    if (!opened) return std::unexpected(opened.error());
    AVFormatContext* ctx = opened->get();

    MediaInfo info;
    info.container = ctx->iformat->name;
    info.duration_ms = duration_ms(ctx);
    std::error_code ec;
    const auto size = std::filesystem::file_size(file, ec);
    if (ec)
        return fail(ErrorCode::io, fmt::format("cannot read the size of {}: {}", detail::quoted(file), ec.message()));
    info.size_bytes = static_cast<std::int64_t>(size);

    for (unsigned i = 0; i < ctx->nb_streams; ++i) info.streams.push_back(describe(ctx->streams[i]));

    const int audio = av_find_best_stream(ctx, AVMEDIA_TYPE_AUDIO, -1, -1, nullptr, 0);
    if (audio >= 0) info.audio_codec = info.streams[audio].codec;

    const int video = detail::best_video_stream(ctx);
    if (video >= 0) {
        StreamInfo& v = info.streams[video];
        info.width = v.width;
        info.height = v.height;
        info.video_codec = v.codec;
        v.decodable = decodes_first_frame(ctx, video);
        info.has_decodable_video = v.decodable;
    }
    if (info.duration_ms <= 0) info.duration_ms = duration_from_packets(file);
    return info;
}

bool has_encoder(const char* name) { return name && avcodec_find_encoder_by_name(name) != nullptr; }

void quiet_logs() { detail::quiet_libav_logs(); }

}  // namespace wt::av
