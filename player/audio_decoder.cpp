// The audio decode thread: decode → resample to the device's format → tempo (atempo keeps the pitch
// at 0.5–2×) → chunks for the device, each tagged with the media time it starts at and how much media
// time one output frame covers, so the audio clock stays exact across speed changes (mpv's way).
#include <cmath>

#include <fmt/format.h>

extern "C" {
#include <libavfilter/buffersink.h>
#include <libavfilter/buffersrc.h>
#include <libavutil/opt.h>
}

#include "player/engine.hpp"

namespace wt::player {
namespace {

// abuffer → atempo → abuffersink on interleaved float; rebuilt on a seek, retuned on a speed change.
class Tempo {
public:
    Result<void> configure(int rate, int channels, double speed) {
        if (graph_ && speed_ == speed) return {};
        if (graph_ && speed != 1.0) {
            // Retuned in place, so what atempo holds is not lost.
            const std::string value = fmt::format("{}", speed);
            if (avfilter_graph_send_command(graph_.get(), "atempo", "tempo", value.c_str(), nullptr, 0, 0) >= 0) {
                speed_ = speed;
                return {};
            }
        }
        reset();
        speed_ = speed;
        if (speed == 1.0) return {};  // bypassed, as mpv does
        graph_.reset(avfilter_graph_alloc());
        AVChannelLayout layout;
        av_channel_layout_default(&layout, channels);
        char layout_name[64] = {};
        av_channel_layout_describe(&layout, layout_name, sizeof layout_name);
        const std::string src_args =
            fmt::format("sample_rate={}:sample_fmt=flt:channel_layout={}:time_base=1/{}", rate, layout_name, rate);
        int ret = avfilter_graph_create_filter(&src_, avfilter_get_by_name("abuffer"), "in", src_args.c_str(), nullptr,
                                               graph_.get());
        AVFilterContext* tempo = nullptr;
        if (ret >= 0) {
            ret = avfilter_graph_create_filter(&tempo, avfilter_get_by_name("atempo"), "atempo",
                                               fmt::format("tempo={}", speed).c_str(), nullptr, graph_.get());
        }
        if (ret >= 0)
            ret = avfilter_graph_create_filter(&sink_, avfilter_get_by_name("abuffersink"), "out", nullptr, nullptr,
                                               graph_.get());
        if (ret >= 0) ret = avfilter_link(src_, 0, tempo, 0);
        if (ret >= 0) ret = avfilter_link(tempo, 0, sink_, 0);
        if (ret >= 0) ret = avfilter_graph_config(graph_.get(), nullptr);
        if (ret < 0) {
            reset();
            return fail(ErrorCode::internal, fmt::format("cannot set up the speed filter ({})", av::error_text(ret)));
        }
        return {};
    }
    void reset() {
        graph_.reset();
        src_ = sink_ = nullptr;
        speed_ = 1.0;
    }
    bool active() const { return graph_ != nullptr; }
    Result<void> push(AVFrame* f) {
        if (int ret = av_buffersrc_add_frame_flags(src_, f, AV_BUFFERSRC_FLAG_KEEP_REF); ret < 0)
            return fail(ErrorCode::internal, fmt::format("speed filter: {}", av::error_text(ret)));
        return {};
    }
    // Returns false when nothing more is ready.
    bool pull(AVFrame* out) { return av_buffersink_get_frame(sink_, out) >= 0; }

private:
    av::FilterGraphPtr graph_;
    AVFilterContext* src_ = nullptr;
    AVFilterContext* sink_ = nullptr;
    double speed_ = 1.0;
};

}  // namespace

void Player::Impl::decode_audio() {
    AVCodecContext* dec = audio.decoder.get();
    av::FramePtr frame = av::make_frame();
    av::FramePtr converted = av::make_frame();
    av::FramePtr tempo_out = av::make_frame();
    av::SwrPtr swr;
    Tempo tempo;
    int decoder_serial = -1;
    SeekRequest target;
    double next_media_pts = 0;  // media time of the next output frame of this serial
    bool have_pts = false;

    auto abandon_or_quit = [&] {
        std::lock_guard lock(control_lock);
        return quit;
    };
    // Hands interleaved float frames to the device queue, waiting while enough is queued.
    auto emit = [&](const float* data, int frames, double media_per_frame, bool end) {
        if (frames == 0 && !end) return;
        AudioChunk chunk;
        chunk.samples.assign(data, data + static_cast<std::size_t>(frames) * out_channels);
        chunk.pts = next_media_pts;
        chunk.media_per_frame = media_per_frame;
        chunk.serial = decoder_serial;
        chunk.end = end;
        next_media_pts += frames * media_per_frame;
        const int s = decoder_serial;
        audio_chunks.push(std::move(chunk), [&] { return abandoned(s); });
    };

    AVChannelLayout out_layout;
    av_channel_layout_default(&out_layout, out_channels);
    auto resample = [&](AVFrame* in) -> Result<void> {
        if (!swr) {
            SwrContext* raw = nullptr;
            int ret = swr_alloc_set_opts2(&raw, &out_layout, AV_SAMPLE_FMT_FLT, out_rate, &in->ch_layout,
                                          static_cast<AVSampleFormat>(in->format), in->sample_rate, 0, nullptr);
            swr.reset(raw);
            if (ret >= 0) ret = swr_init(swr.get());
            if (ret < 0) return fail(ErrorCode::bad_media, fmt::format("cannot convert the audio ({})", av::error_text(ret)));
        }
        av_frame_unref(converted.get());
        av_channel_layout_copy(&converted->ch_layout, &out_layout);
        converted->format = AV_SAMPLE_FMT_FLT;
        converted->sample_rate = out_rate;
        if (int ret = swr_convert_frame(swr.get(), converted.get(), in); ret < 0) {
            swr.reset();  // the input format changed mid-stream: set up again on the next frame
            return fail(ErrorCode::bad_media, fmt::format("cannot convert the audio ({})", av::error_text(ret)));
        }
        return {};
    };

    auto handle_decoded = [&](AVFrame* in, bool end) {
        if (in) {
            if (auto r = resample(in); !r) {
                ++frames_corrupt;
                return;
            }
        }
        AVFrame* pcm = in ? converted.get() : nullptr;
        int frames = pcm ? pcm->nb_samples : 0;
        const float* data = pcm ? reinterpret_cast<const float*>(pcm->data[0]) : nullptr;
        if (pcm && in->best_effort_timestamp != AV_NOPTS_VALUE && !have_pts) {
            next_media_pts = in->best_effort_timestamp * av_q2d(audio.time_base) - start_offset;
            have_pts = true;
        }
        // Trim to the seek target so the sound starts exactly where the picture does.
        if (pcm && target.serial == decoder_serial && next_media_pts < target.target - 0.0005) {
            const double skip = target.target - next_media_pts;
            const int skip_frames = std::min(frames, static_cast<int>(std::llround(skip * out_rate)));
            data += static_cast<std::ptrdiff_t>(skip_frames) * out_channels;
            frames -= skip_frames;
            next_media_pts += double(skip_frames) / out_rate;
            if (frames == 0 && !end) return;
        }
        const double s = speed.load();
        if (auto r = tempo.configure(out_rate, out_channels, s); !r) {
            add_warning(r.error().message);
            speed = 1.0;
        }
        if (!tempo.active()) {
            emit(data ? data : reinterpret_cast<const float*>(""), frames, 1.0 / out_rate, end);
            return;
        }
        // Tempo takes its own reference to the converted frame; only what is left after trimming needs
        // copying into a frame of its own.
        av::FramePtr part;
        AVFrame* to_tempo = frames > 0 && frames == pcm->nb_samples ? pcm : nullptr;
        if (frames > 0 && !to_tempo) {
            part = av::make_frame();
            av_channel_layout_default(&part->ch_layout, out_channels);
            part->format = AV_SAMPLE_FMT_FLT;
            part->sample_rate = out_rate;
            part->nb_samples = frames;
            if (av_frame_get_buffer(part.get(), 0) < 0) return;
            std::copy(data, data + static_cast<std::ptrdiff_t>(frames) * out_channels,
                      reinterpret_cast<float*>(part->data[0]));
            to_tempo = part.get();
        }
        if (to_tempo || end) {
            if (auto r = tempo.push(to_tempo); !r) {
                add_warning(r.error().message);
                return;
            }
        }
        while (tempo.pull(tempo_out.get())) {
            emit(reinterpret_cast<const float*>(tempo_out->data[0]), tempo_out->nb_samples, s / out_rate, false);
            av_frame_unref(tempo_out.get());
        }
        if (end) emit(reinterpret_cast<const float*>(""), 0, s / out_rate, true);
    };

    for (;;) {
        auto item = audio.packets.pop(abandon_or_quit);
        if (!item) return;
        demux_wake.notify_one();  // room in the queue: the demuxer may read on
        if (item->serial != current_serial()) continue;
        if (item->serial != decoder_serial) {
            avcodec_flush_buffers(dec);
            decoder_serial = item->serial;
            target = target_of(decoder_serial);
            tempo.reset();
            swr.reset();
            have_pts = false;
            next_media_pts = target.target;
        }
        int ret = avcodec_send_packet(dec, item->packet.get());
        if (ret < 0 && ret != AVERROR(EAGAIN) && ret != AVERROR_EOF) {
            ++frames_corrupt;
            continue;
        }
        for (;;) {
            ret = avcodec_receive_frame(dec, frame.get());
            if (ret == AVERROR(EAGAIN)) break;
            if (ret == AVERROR_EOF) {
                handle_decoded(nullptr, true);
                audio.ended_serial = decoder_serial;
                break;
            }
            if (ret < 0) {
                ++frames_corrupt;
                break;
            }
            if (frame->decode_error_flags || (frame->flags & AV_FRAME_FLAG_CORRUPT)) ++frames_corrupt;
            handle_decoded(frame.get(), false);
            av_frame_unref(frame.get());
        }
    }
}

}  // namespace wt::player
