// After recording: the crash-safe Matroska becomes a regular MP4 (streams copied, index at the
// front), whether the recording was stopped cleanly or cut short by a crash.

#include <algorithm>
#include <vector>

#include <fmt/format.h>

#include "avkit/av_ptr.hpp"
#include "avkit/open_input.hpp"
#include "recorder/recorder.hpp"

namespace wt::recorder {

Result<std::int64_t> remux_to_mp4(const std::filesystem::path& in, const std::filesystem::path& out) {
    auto input = av::detail::open_input(in);
    if (!input) return std::unexpected(input.error());
    AVFormatContext* raw_in = input->get();
    AVFormatContext* raw_out = nullptr;
    int ret = avformat_alloc_output_context2(&raw_out, nullptr, "mp4", out.c_str());
    if (ret < 0) {
        return fail(ErrorCode::internal, fmt::format("no MP4 muxer: {}", av::error_text(ret)));
    }
    av::OutputFormatPtr output(raw_out);
    std::vector<int> map(raw_in->nb_streams, -1);
    for (unsigned i = 0; i < raw_in->nb_streams; ++i) {
        const AVCodecParameters* par = raw_in->streams[i]->codecpar;
        if (par->codec_type != AVMEDIA_TYPE_VIDEO && par->codec_type != AVMEDIA_TYPE_AUDIO) continue;
        AVStream* st = avformat_new_stream(raw_out, nullptr);
        if (!st || avcodec_parameters_copy(st->codecpar, par) < 0) return fail(ErrorCode::internal, "out of memory");
        st->codecpar->codec_tag = 0;
        st->time_base = raw_in->streams[i]->time_base;
        map[i] = st->index;
    }
    if (std::all_of(map.begin(), map.end(), [](int m) { return m < 0; })) {
        return fail(ErrorCode::bad_media, fmt::format("{} holds no audio or video", in.string()));
    }
    if ((ret = avio_open(&raw_out->pb, out.c_str(), AVIO_FLAG_WRITE)) < 0) {
        return fail(ErrorCode::io, fmt::format("cannot create {}: {}", out.string(), av::error_text(ret)));
    }
    AVDictionary* opts = nullptr;
    av_dict_set(&opts, "movflags", "+faststart", 0);  // the index first: players start at once
    ret = avformat_write_header(raw_out, &opts);
    av_dict_free(&opts);
    if (ret < 0) return fail(ErrorCode::io, fmt::format("cannot write {}: {}", out.string(), av::error_text(ret)));

    // Matroska keeps no duration for most blocks, and an MP4 sample without one is dropped by
    // players (the last picture vanished). Each packet is held until the next one of its stream
    // gives its duration; the last one gets one frame at the stream's nominal rate (in a
    // variable-frame-rate video the one before may have lasted a second of unchanged screen),
    // else the shortest seen.
    std::vector<av::PacketPtr> held(raw_in->nb_streams);
    std::vector<std::int64_t> shortest(raw_in->nb_streams, 0);
    std::int64_t end_ms = 0;
    auto write = [&](av::PacketPtr& p) -> Result<void> {
        const int s = p->stream_index;
        const AVStream* st = raw_in->streams[s];
        auto& least = shortest[static_cast<size_t>(s)];
        if (p->duration <= 0 && st->avg_frame_rate.num > 0 && st->avg_frame_rate.den > 0) {
            p->duration = av_rescale_q(1, av_inv_q(st->avg_frame_rate), st->time_base);
        }
        if (p->duration <= 0) p->duration = least;
        if (p->duration > 0 && (least == 0 || p->duration < least)) least = p->duration;
        const AVRational tb_in = raw_in->streams[s]->time_base;
        if (p->pts != AV_NOPTS_VALUE) end_ms = std::max(end_ms, av_rescale_q(p->pts + p->duration, tb_in, {1, 1000}));
        const int o = map[static_cast<size_t>(s)];
        av_packet_rescale_ts(p.get(), tb_in, raw_out->streams[o]->time_base);
        p->stream_index = o;
        p->pos = -1;
        int r = av_interleaved_write_frame(raw_out, p.get());
        p.reset();
        if (r < 0) return fail(ErrorCode::io, fmt::format("writing {} failed: {}", out.string(), av::error_text(r)));
        return {};
    };
    for (;;) {
        av::PacketPtr pkt = av::make_packet();
        if (!pkt) return fail(ErrorCode::internal, "out of memory");
        if (av_read_frame(raw_in, pkt.get()) < 0) break;  // the end, or where a crash cut the file
        const auto s = static_cast<size_t>(pkt->stream_index);
        if (map[s] < 0) continue;
        if (auto& prev = held[s]) {
            if (prev->duration <= 0 && prev->pts != AV_NOPTS_VALUE && pkt->pts != AV_NOPTS_VALUE)
                prev->duration = pkt->pts - prev->pts;
            if (auto r = write(prev); !r) return std::unexpected(r.error());
        }
        held[s] = std::move(pkt);
    }
    for (auto& p : held) {
        if (p) {
            if (auto r = write(p); !r) return std::unexpected(r.error());
        }
    }
    if ((ret = av_write_trailer(raw_out)) < 0) {
        return fail(ErrorCode::io, fmt::format("cannot finish {}: {}", out.string(), av::error_text(ret)));
    }
    return end_ms;
}

}  // namespace wt::recorder
