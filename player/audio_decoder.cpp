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
#include "player/queued_decode.hpp"

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

// Interleaved float samples in a frame of their own (what is left of a frame after trimming).
av::FramePtr interleaved_frame(const float* data, int frames, int channels, int rate) {
    av::FramePtr part = av::make_frame();
    if (!part) return nullptr;
    av_channel_layout_default(&part->ch_layout, channels);
    part->format = AV_SAMPLE_FMT_FLT;
    part->sample_rate = rate;
    part->nb_samples = frames;
    if (av_frame_get_buffer(part.get(), 0) < 0) return nullptr;
    std::copy(data, data + static_cast<std::ptrdiff_t>(frames) * channels, reinterpret_cast<float*>(part->data[0]));
    return part;
}

// The audio decode thread's state and its steps: packets in, chunks for the device out. Everything
// here belongs to that thread; what it shares goes through the engine's queues and locked fields.
class AudioDecodeLoop {
public:
    explicit AudioDecodeLoop(Player::Impl& engine) : e_(engine), dec_(engine.audio.decoder.get()) {
        av_channel_layout_default(&out_layout_, e_.out_channels);
    }
    void run();

private:
    void start_serial(int serial);
    void decode_packet(const AVPacket* packet);
    void take_frame(AVFrame* decoded);
    void end_of_stream();
    Result<void> resample(AVFrame* in);
    int skip_to_target(int frames);
    double tune_tempo();
    void through_tempo(AVFrame* pcm, const float* data, int frames, double speed);
    void drain_tempo(double speed);
    void emit(const float* data, int frames, double media_per_frame, bool end);

    Player::Impl& e_;
    AVCodecContext* dec_;
    AVChannelLayout out_layout_{};
    av::FramePtr frame_ = av::make_frame();
    av::FramePtr converted_ = av::make_frame();
    av::FramePtr tempo_out_ = av::make_frame();
    av::SwrPtr swr_;
    Tempo tempo_;
    int serial_ = -1;            // of the packets being decoded
    SeekRequest target_;         // of that serial: the sound starts there
    double next_media_pts_ = 0;  // media time of the next output frame of this serial
    bool have_pts_ = false;
};

void AudioDecodeLoop::run() {
    auto quit = [&] {
        std::lock_guard lock(e_.control_lock);
        return e_.quit;
    };
    for (;;) {
        auto item = e_.audio.packets.pop(quit);
        if (!item) return;
        e_.demux_wake.notify_one();  // room in the queue: the demuxer may read on
        if (item->serial != e_.current_serial()) continue;
        if (item->serial != serial_) start_serial(item->serial);
        decode_packet(item->packet.get());
    }
}

// A seek: what the decoder, the resampler and the tempo filter hold belongs to the old position.
void AudioDecodeLoop::start_serial(int serial) {
    avcodec_flush_buffers(dec_);
    serial_ = serial;
    target_ = e_.target_of(serial);
    tempo_.reset();
    swr_.reset();
    have_pts_ = false;
    next_media_pts_ = target_.target;
}

// Sends one packet (null: the end of the stream) and takes every frame it yields.
void AudioDecodeLoop::decode_packet(const AVPacket* packet) {
    if (decode_queued_packet(dec_, packet, frame_.get(), e_.frames_corrupt, [&](AVFrame* f) { take_frame(f); })) {
        end_of_stream();
        e_.audio.ended_serial = serial_;
    }
}

// One decoded frame: converted to the device's format, trimmed to the seek target, at the speed.
void AudioDecodeLoop::take_frame(AVFrame* decoded) {
    if (auto r = resample(decoded); !r) {
        ++e_.frames_corrupt;
        return;
    }
    AVFrame* pcm = converted_.get();
    if (decoded->best_effort_timestamp != AV_NOPTS_VALUE && !have_pts_) {
        next_media_pts_ = decoded->best_effort_timestamp * av_q2d(e_.audio.time_base) - e_.start_offset;
        have_pts_ = true;
    }
    const int skipped = skip_to_target(pcm->nb_samples);
    const int frames = pcm->nb_samples - skipped;
    if (frames == 0) return;
    const float* data =
        reinterpret_cast<const float*>(pcm->data[0]) + static_cast<std::ptrdiff_t>(skipped) * e_.out_channels;
    const double speed = tune_tempo();
    if (!tempo_.active()) {
        emit(data, frames, 1.0 / e_.out_rate, false);
        return;
    }
    through_tempo(pcm, data, frames, speed);
}

// The end of the stream: what the tempo filter still holds, then the end mark.
void AudioDecodeLoop::end_of_stream() {
    const double speed = tune_tempo();
    if (!tempo_.active()) {
        emit(nullptr, 0, 1.0 / e_.out_rate, true);
        return;
    }
    if (auto r = tempo_.push(nullptr); !r) {
        e_.add_warning(r.error().message);
        return;
    }
    drain_tempo(speed);
    emit(nullptr, 0, speed / e_.out_rate, true);
}

// Into `converted_`: interleaved float at the device's rate and channel count.
Result<void> AudioDecodeLoop::resample(AVFrame* in) {
    if (!swr_) {
        SwrContext* raw = nullptr;
        int ret = swr_alloc_set_opts2(&raw, &out_layout_, AV_SAMPLE_FMT_FLT, e_.out_rate, &in->ch_layout,
                                      static_cast<AVSampleFormat>(in->format), in->sample_rate, 0, nullptr);
        swr_.reset(raw);
        if (ret >= 0) ret = swr_init(swr_.get());
        if (ret < 0) {
            return fail(ErrorCode::bad_media, fmt::format("cannot convert the audio ({})", av::error_text(ret)));
        }
    }
    av_frame_unref(converted_.get());
    av_channel_layout_copy(&converted_->ch_layout, &out_layout_);
    converted_->format = AV_SAMPLE_FMT_FLT;
    converted_->sample_rate = e_.out_rate;
    if (int ret = swr_convert_frame(swr_.get(), converted_.get(), in); ret < 0) {
        swr_.reset();  // the input format changed mid-stream: set up again on the next frame
        return fail(ErrorCode::bad_media, fmt::format("cannot convert the audio ({})", av::error_text(ret)));
    }
    return {};
}

// How many of the next `frames` output frames lie before the seek target, so the sound starts
// exactly where the picture does; they are counted as played.
int AudioDecodeLoop::skip_to_target(int frames) {
    if (target_.serial != serial_ || next_media_pts_ >= target_.target - 0.0005) return 0;
    const double skip = target_.target - next_media_pts_;
    const int skip_frames = std::min(frames, static_cast<int>(std::llround(skip * e_.out_rate)));
    next_media_pts_ += double(skip_frames) / e_.out_rate;
    return skip_frames;
}

// The speed asked for now, with the tempo filter set up for it (bypassed at 1x).
double AudioDecodeLoop::tune_tempo() {
    const double speed = e_.speed.load();
    if (auto r = tempo_.configure(e_.out_rate, e_.out_channels, speed); !r) {
        e_.add_warning(r.error().message);
        e_.speed = 1.0;
    }
    return speed;
}

// Tempo takes its own reference to the converted frame; only what is left after trimming needs
// copying into a frame of its own.
void AudioDecodeLoop::through_tempo(AVFrame* pcm, const float* data, int frames, double speed) {
    av::FramePtr part;
    AVFrame* to_tempo = pcm;
    if (frames != pcm->nb_samples) {
        part = interleaved_frame(data, frames, e_.out_channels, e_.out_rate);
        if (!part) return;
        to_tempo = part.get();
    }
    if (auto r = tempo_.push(to_tempo); !r) {
        e_.add_warning(r.error().message);
        return;
    }
    drain_tempo(speed);
}

void AudioDecodeLoop::drain_tempo(double speed) {
    while (tempo_.pull(tempo_out_.get())) {
        const auto* samples = reinterpret_cast<const float*>(tempo_out_->data[0]);
        emit(samples, tempo_out_->nb_samples, speed / e_.out_rate, false);
        av_frame_unref(tempo_out_.get());
    }
}

// Hands interleaved float frames to the device queue, waiting while enough is queued.
void AudioDecodeLoop::emit(const float* data, int frames, double media_per_frame, bool end) {
    if (frames == 0 && !end) return;
    AudioChunk chunk;
    if (frames > 0) chunk.samples.assign(data, data + static_cast<std::size_t>(frames) * e_.out_channels);
    chunk.pts = next_media_pts_;
    chunk.media_per_frame = media_per_frame;
    chunk.serial = serial_;
    chunk.end = end;
    next_media_pts_ += frames * media_per_frame;
    const int serial = serial_;
    e_.audio_chunks.push(std::move(chunk), [&] { return e_.abandoned(serial); });
}

}  // namespace

void Player::Impl::decode_audio() { AudioDecodeLoop(*this).run(); }

}  // namespace wt::player
