#include <cmath>

#include <fmt/format.h>

extern "C" {
#include <libavutil/opt.h>
}

#include "recorder/encoders.hpp"

namespace wt::recorder {

namespace {
constexpr int k_rate = 48000;
// The drift correction is set again every second over the next 10 s of samples, so it never runs
// out while frames come; 10 s gives it a resolution of 2 ppm.
constexpr int k_compensation_span = 10 * k_rate;
}  // namespace

Result<std::unique_ptr<AudioEncoder>> AudioEncoder::open(int bitrate, bool denoise) {
    const AVCodec* codec = avcodec_find_encoder_by_name("libopus");
    if (!codec)
        return fail(ErrorCode::internal, "this FFmpeg has no libopus encoder; install libavcodec59 from Debian");
    auto enc = std::make_unique<AudioEncoder>();
    enc->encoder_.reset(avcodec_alloc_context3(codec));
    if (!enc->encoder_ || !enc->chunk_ || !enc->packet_) return fail(ErrorCode::internal, "out of memory");
    AVCodecContext* c = enc->encoder_.get();
    c->sample_rate = k_rate;
    c->sample_fmt = AV_SAMPLE_FMT_S16;
    av_channel_layout_default(&c->ch_layout, 1);
    c->bit_rate = bitrate;
    c->time_base = {1, k_rate};
    c->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
    av_opt_set(c->priv_data, "application", "voip", 0);  // speech: better intelligibility per bit
    c->compression_level = 5;                            // of 10: measured 0.84 -> 0.52 CPU-s/min at 32 kbit/s speech
    int ret = avcodec_open2(c, codec, nullptr);
    if (ret < 0) return fail(ErrorCode::internal, fmt::format("cannot open libopus: {}", av::error_text(ret)));
    enc->fifo_.reset(av_audio_fifo_alloc(c->sample_fmt, 1, k_rate));
    if (!enc->fifo_) return fail(ErrorCode::internal, "out of memory");
    if (denoise) {
        auto d = Denoiser::open(k_rate);
        if (!d) return std::unexpected(d.error());
        enc->denoiser_ = std::move(*d);
    }
    return enc;
}

Result<void> AudioEncoder::encode(const AVFrame* frame, std::int64_t start_us, const PacketSink& sink) {
    if (!resampler_ || frame->sample_rate != in_rate_ || frame->format != in_format_ ||
        frame->ch_layout.nb_channels != in_channels_) {
        // Devices may not say which channel is which; then the usual layout for that count is meant.
        AVChannelLayout in_layout{};
        if (frame->ch_layout.order == AV_CHANNEL_ORDER_UNSPEC) {
            av_channel_layout_default(&in_layout, frame->ch_layout.nb_channels);
        } else {
            av_channel_layout_copy(&in_layout, &frame->ch_layout);
        }
        SwrContext* raw = nullptr;
        int ret = swr_alloc_set_opts2(&raw, &encoder_->ch_layout, encoder_->sample_fmt, k_rate, &in_layout,
                                      static_cast<AVSampleFormat>(frame->format), frame->sample_rate, 0, nullptr);
        av_channel_layout_uninit(&in_layout);
        resampler_.reset(raw);
        // Following the clock needs a real resampler even at 48 kHz in and out: without the flag
        // swr_set_compensation() would re-initialise it mid-stream and lose what it buffers.
        if (ret >= 0 && follow_from_us_ >= 0) ret = av_opt_set_int(raw, "flags", SWR_FLAG_RESAMPLE, 0);
        if (ret < 0 || (ret = swr_init(raw)) < 0) {
            return fail(ErrorCode::bad_media,
                        fmt::format("cannot convert the microphone's audio: {}", av::error_text(ret)));
        }
        in_rate_ = frame->sample_rate;
        in_format_ = frame->format;
        in_channels_ = frame->ch_layout.nb_channels;
    }
    if (first_pts_ < 0) {
        first_pts_ = next_pts_ = av_rescale(std::max<std::int64_t>(start_us, 0), k_rate, 1'000'000);
    }
    if (follow_from_us_ >= 0 && start_us >= follow_from_us_) {
        if (auto r = follow(start_us); !r) return r;
    }
    const int out_max = swr_get_out_samples(resampler_.get(), frame->nb_samples);
    std::vector<int16_t> out(static_cast<size_t>(std::max(out_max, 0)));
    uint8_t* out_planes[1] = {reinterpret_cast<uint8_t*>(out.data())};
    int got = swr_convert(resampler_.get(), out_planes, out_max, const_cast<const uint8_t**>(frame->extended_data),
                          frame->nb_samples);
    if (got < 0) return fail(ErrorCode::bad_media, fmt::format("resampling failed: {}", av::error_text(got)));
    if (pending_drop_ > 0 && got > 0) {
        const int dropped = static_cast<int>(std::min<std::int64_t>(pending_drop_, got));
        out.erase(out.begin(), out.begin() + dropped);
        pending_drop_ -= dropped;
        got -= dropped;
    }
    if (got > 0) {
        float peak = 0;
        double sum = 0;
        for (int i = 0; i < got; ++i) {
            float v = std::abs(static_cast<float>(out[static_cast<size_t>(i)]) / 32768.0f);
            peak = std::max(peak, v);
            sum += static_cast<double>(v) * v;
        }
        peak_.store(peak);
        rms_.store(static_cast<float>(std::sqrt(sum / got)));
        if (auto r = take_resampled(out.data(), got); !r) return r;
    }
    return encode_from_fifo(false, sink);
}

Result<void> AudioEncoder::follow(std::int64_t start_us) {
    // Where this frame's first sample will land: what is encoded, queued, inside the denoiser and
    // inside the resampler, less what is still to be left out.
    const std::int64_t placed = next_pts_ + av_audio_fifo_size(fifo_.get()) + denoiser_held_ +
                                swr_get_delay(resampler_.get(), k_rate) - pending_drop_;
    const DriftCorrection c = drift_.update(static_cast<double>(start_us) / 1e6, static_cast<double>(placed) / k_rate);
    if (c.jump_s < 0) pending_drop_ += static_cast<std::int64_t>(-c.jump_s * k_rate);
    if (c.jump_s > 0) {
        std::vector<std::int16_t> zeros(static_cast<size_t>(c.jump_s * k_rate), 0);
        if (auto r = queue_samples(zeros.data(), static_cast<int>(zeros.size())); !r) return r;
    }
    const int samples = static_cast<int>(std::lround(c.stretch * k_compensation_span));
    if (samples != 0 || compensation_ != 0) {
        if (int ret = swr_set_compensation(resampler_.get(), samples, k_compensation_span); ret < 0) {
            return fail(ErrorCode::internal,
                        fmt::format("cannot follow the microphone's clock: {}", av::error_text(ret)));
        }
        compensation_ = samples;
    }
    return {};
}

Result<void> AudioEncoder::take_resampled(const std::int16_t* samples, int n) {
    if (!denoiser_) return queue_samples(samples, n);
    denoised_.clear();
    if (auto r = denoiser_->process(samples, n, denoised_); !r) return r;
    denoiser_held_ += n - static_cast<std::int64_t>(denoised_.size());
    return queue_samples(denoised_.data(), static_cast<int>(denoised_.size()));
}

Result<void> AudioEncoder::queue_samples(const std::int16_t* samples, int n) {
    if (n <= 0) return {};
    void* planes[1] = {const_cast<std::int16_t*>(samples)};
    if (av_audio_fifo_write(fifo_.get(), planes, n) < n) return fail(ErrorCode::internal, "out of memory");
    return {};
}

Result<void> AudioEncoder::fill_silence(std::int64_t until_us, const PacketSink& sink, std::int64_t tolerance_us) {
    const std::int64_t until = av_rescale(std::max<std::int64_t>(until_us, 0), k_rate, 1'000'000);
    if (first_pts_ < 0) {
        if (tolerance_us > 0) return {};  // a hole before any audio: the audio simply starts later
        first_pts_ = next_pts_ = until;   // a microphone that never delivered: silence from here
    }
    const std::int64_t missing = until - next_pts_ - av_audio_fifo_size(fifo_.get()) + pending_drop_;
    if (missing <= av_rescale(tolerance_us, k_rate, 1'000'000)) return {};
    const std::vector<std::int16_t> zeros(static_cast<size_t>(missing), 0);
    if (auto r = queue_samples(zeros.data(), static_cast<int>(missing)); !r) return r;
    peak_.store(0);
    rms_.store(0);
    return encode_from_fifo(false, sink);
}

Result<void> AudioEncoder::flush(const PacketSink& sink) {
    if (resampler_) {  // the last few samples inside a resampling filter
        std::vector<std::int16_t> rest(static_cast<size_t>(std::max(swr_get_out_samples(resampler_.get(), 0), 0)));
        uint8_t* planes[1] = {reinterpret_cast<uint8_t*>(rest.data())};
        const int got =
            rest.empty() ? 0 : swr_convert(resampler_.get(), planes, static_cast<int>(rest.size()), nullptr, 0);
        if (got > 0) {
            if (auto r = take_resampled(rest.data(), got); !r) return r;
        }
    }
    if (denoiser_) {
        denoised_.clear();
        if (auto r = denoiser_->drain(denoised_); !r) return r;
        if (auto r = queue_samples(denoised_.data(), static_cast<int>(denoised_.size())); !r) return r;
    }
    if (auto r = encode_from_fifo(true, sink); !r) return r;
    return av::encode_and_drain(encoder_.get(), nullptr, packet_.get(), "the sound (opus)", sink);
}

Result<void> AudioEncoder::encode_from_fifo(bool final, const PacketSink& sink) {
    const int frame_size = encoder_->frame_size;
    while (av_audio_fifo_size(fifo_.get()) >= frame_size || (final && av_audio_fifo_size(fifo_.get()) > 0)) {
        const int n = std::min(frame_size, av_audio_fifo_size(fifo_.get()));
        av_frame_unref(chunk_.get());
        chunk_->nb_samples = frame_size;  // the last chunk is padded with silence
        chunk_->format = encoder_->sample_fmt;
        chunk_->sample_rate = k_rate;
        av_channel_layout_copy(&chunk_->ch_layout, &encoder_->ch_layout);
        if (av_frame_get_buffer(chunk_.get(), 0) < 0) return fail(ErrorCode::internal, "out of memory");
        av_samples_set_silence(chunk_->data, 0, frame_size, 1, encoder_->sample_fmt);
        if (av_audio_fifo_read(fifo_.get(), reinterpret_cast<void**>(chunk_->data), n) < n) {
            return fail(ErrorCode::internal, "audio buffer underrun");
        }
        chunk_->pts = next_pts_;
        next_pts_ += n;
        if (auto r = av::encode_and_drain(encoder_.get(), chunk_.get(), packet_.get(), "the sound (opus)", sink); !r)
            return r;
    }
    return {};
}

}  // namespace wt::recorder
