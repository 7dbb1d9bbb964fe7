#pragma once
// Encoding for screen content and speech. Each encoder takes captured frames with their time on
// the recorder's clock and hands finished packets to a sink.
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>

#include "avkit/av_ptr.hpp"
#include "avkit/decoder.hpp"
#include "common/result.hpp"
#include "recorder/denoiser.hpp"
#include "recorder/drift.hpp"
#include "recorder/recorder.hpp"

namespace wt::recorder {

using av::PacketSink;

// H.264 (libx264), BT.709 limited range, time base 1 ms (variable frame rate). Odd sizes are
// cropped by one pixel (4:2:0 needs even ones). yuv420p pictures of the encoder's size (the X11
// source's) go to x264 as they are; anything else is converted first (swscale).
class VideoEncoder {
public:
    static Result<std::unique_ptr<VideoEncoder>> open(int width, int height, int fps, Quality quality);

    // Converts (when needed) and encodes `frame` shown from `pts_ms` on.
    Result<void> encode(const AVFrame* frame, std::int64_t pts_ms, const PacketSink& sink);
    // Encodes the last converted picture again at `pts_ms` (an unchanged screen).
    Result<void> repeat(std::int64_t pts_ms, const PacketSink& sink);
    Result<void> flush(const PacketSink& sink);

    AVCodecContext* context() const { return encoder_.get(); }
    bool has_picture() const { return current_ != nullptr; }

private:
    Result<void> send(AVFrame* frame, const PacketSink& sink);

    av::CodecContextPtr encoder_;
    av::SwsPtr scaler_;
    av::FramePtr converted_ = av::make_frame();  // swscale's output
    av::FramePtr passed_ = av::make_frame();     // a reference to a picture sent as it is
    AVFrame* current_ = nullptr;                 // the one of the two that repeat() sends again
    av::PacketPtr packet_ = av::make_packet();
    int source_format_ = -1, source_width_ = 0, source_height_ = 0;
    std::int64_t frame_ms_ = 33;
    std::int64_t last_pts_ = -1;
};

// Opus (libopus), mono, 48 kHz, speech settings. Time base 1/48000: pts count samples.
class AudioEncoder {
public:
    static Result<std::unique_ptr<AudioEncoder>> open(int bitrate, bool denoise);

    // Resamples and encodes `frame`; the first call sets where the audio starts (µs on the clock).
    Result<void> encode(const AVFrame* frame, std::int64_t start_us, const PacketSink& sink);
    Result<void> flush(const PacketSink& sink);
    // Leaves out the next `samples` of input: moves the audio earlier when its first timestamp
    // turned out late, without a gap.
    void drop_next(std::int64_t samples) { pending_drop_ += samples; }
    // Silence up to `until_us` on the clock, when more than `tolerance_us` is missing: the
    // microphone went away, or an input's timestamps jump over a hole.
    Result<void> fill_silence(std::int64_t until_us, const PacketSink& sink, std::int64_t tolerance_us = 0);
    // A live device: from its frames stamped `from_us` on (once the start is settled), its sample
    // clock is made to follow the recorder's by gentle resampling (DriftController). Call before
    // the first encode().
    void follow_clock(std::int64_t from_us) { follow_from_us_ = from_us; }

    AVCodecContext* context() const { return encoder_.get(); }
    std::int64_t samples_written() const { return next_pts_ - first_pts_; }
    // Level of the most recent input, 0..1 (for the app's meter).
    float peak() const { return peak_.load(); }
    float rms() const { return rms_.load(); }

private:
    Result<void> encode_from_fifo(bool final, const PacketSink& sink);
    // Resampled input on its way to the FIFO: through the denoiser when there is one.
    Result<void> take_resampled(const std::int16_t* samples, int n);
    Result<void> queue_samples(const std::int16_t* samples, int n);

    Result<void> follow(std::int64_t start_us);

    std::unique_ptr<Denoiser> denoiser_;  // only with --denoise
    std::vector<std::int16_t> denoised_;
    std::int64_t denoiser_held_ = 0;  // samples given to the denoiser and not yet back

    std::int64_t follow_from_us_ = -1;  // -1: not following the clock
    DriftController drift_;
    int compensation_ = 0;  // samples added per k_compensation_span (swr_set_compensation)

    av::CodecContextPtr encoder_;
    av::SwrPtr resampler_;
    av::AudioFifoPtr fifo_;
    av::FramePtr chunk_ = av::make_frame();
    av::PacketPtr packet_ = av::make_packet();
    std::int64_t first_pts_ = -1, next_pts_ = 0;
    std::int64_t pending_drop_ = 0;
    int in_rate_ = 0, in_format_ = -1, in_channels_ = 0;
    std::atomic<float> peak_{0}, rms_{0};
};

// Whether two frames are references to the same picture buffer.
bool same_buffer(const AVFrame* a, const AVFrame* b);
// Whether two frames hold the same picture (the same buffer, or the same size and format and
// identical pixels).
bool same_picture(const AVFrame* a, const AVFrame* b);

}  // namespace wt::recorder
