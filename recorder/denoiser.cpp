#include "recorder/denoiser.hpp"

#include <cstring>

#include <fmt/format.h>

extern "C" {
#include <libavfilter/buffersink.h>
#include <libavfilter/buffersrc.h>
}

namespace wt::recorder {

namespace {
// Measured here on espeak-ng speech over pink noise at -48 dB: the quiet parts came out ~3 dB
// lower and the voice unchanged (-21.5 dB); on white hiss at -39 dB, 11 dB lower. afftdn's noise
// tracking (tn=1) did worse on both, so the floor is fixed.
constexpr const char* k_filter = "afftdn=nr=20:nf=-40";
}  // namespace

Result<std::unique_ptr<Denoiser>> Denoiser::open(int sample_rate) {
    auto d = std::make_unique<Denoiser>();
    d->rate_ = sample_rate;
    d->graph_.reset(avfilter_graph_alloc());
    if (!d->graph_ || !d->frame_) return fail(ErrorCode::internal, "out of memory");
    const std::string src_args =
        fmt::format("time_base=1/{0}:sample_rate={0}:sample_fmt=s16:channel_layout=mono", sample_rate);
    int ret = avfilter_graph_create_filter(&d->source_, avfilter_get_by_name("abuffer"), "in", src_args.c_str(),
                                           nullptr, d->graph_.get());
    if (ret >= 0) {
        ret = avfilter_graph_create_filter(&d->sink_, avfilter_get_by_name("abuffersink"), "out", nullptr, nullptr,
                                           d->graph_.get());
    }
    AVFilterInOut* outputs = avfilter_inout_alloc();
    AVFilterInOut* inputs = avfilter_inout_alloc();
    if (ret >= 0 && outputs && inputs) {
        outputs->name = av_strdup("in");
        outputs->filter_ctx = d->source_;
        inputs->name = av_strdup("out");
        inputs->filter_ctx = d->sink_;
        const std::string chain = std::string(k_filter) + ",aformat=sample_fmts=s16:channel_layouts=mono";
        ret = avfilter_graph_parse_ptr(d->graph_.get(), chain.c_str(), &inputs, &outputs, nullptr);
    }
    avfilter_inout_free(&inputs);
    avfilter_inout_free(&outputs);
    if (ret >= 0) ret = avfilter_graph_config(d->graph_.get(), nullptr);
    if (ret < 0)
        return fail(ErrorCode::internal, fmt::format("cannot set up noise reduction: {}", av::error_text(ret)));
    return d;
}

Result<void> Denoiser::process(const std::int16_t* in, int n, std::vector<std::int16_t>& out) {
    av_frame_unref(frame_.get());
    frame_->format = AV_SAMPLE_FMT_S16;
    frame_->sample_rate = rate_;
    av_channel_layout_default(&frame_->ch_layout, 1);
    frame_->nb_samples = n;
    if (av_frame_get_buffer(frame_.get(), 0) < 0) return fail(ErrorCode::internal, "out of memory");
    std::memcpy(frame_->data[0], in, static_cast<size_t>(n) * sizeof(std::int16_t));
    int ret = av_buffersrc_add_frame(source_, frame_.get());
    if (ret < 0) return fail(ErrorCode::internal, fmt::format("noise reduction: {}", av::error_text(ret)));
    return pull(out);
}

Result<void> Denoiser::drain(std::vector<std::int16_t>& out) {
    int ret = av_buffersrc_add_frame(source_, nullptr);
    if (ret < 0 && ret != AVERROR_EOF)
        return fail(ErrorCode::internal, fmt::format("noise reduction: {}", av::error_text(ret)));
    return pull(out);
}

Result<void> Denoiser::pull(std::vector<std::int16_t>& out) {
    for (;;) {
        av_frame_unref(frame_.get());
        int ret = av_buffersink_get_frame(sink_, frame_.get());
        if (ret == AVERROR(EAGAIN) || ret == AVERROR_EOF) return {};
        if (ret < 0) return fail(ErrorCode::internal, fmt::format("noise reduction: {}", av::error_text(ret)));
        const auto* samples = reinterpret_cast<const std::int16_t*>(frame_->data[0]);
        out.insert(out.end(), samples, samples + frame_->nb_samples);
    }
}

}  // namespace wt::recorder
