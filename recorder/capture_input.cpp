#include "recorder/capture_input.hpp"

#include <chrono>

#include <fmt/format.h>

extern "C" {
#include <libavdevice/avdevice.h>
#include <libavutil/dict.h>
#include <libavutil/pixdesc.h>
}

namespace wt::recorder {

namespace {

// Inputs that deliver frames as they happen; everything else (lavfi, files) is paced by the reader.
bool is_live(const std::string& format) {
    for (const char* live : {"x11grab", "pulse", "alsa", "v4l2", "video4linux2", "fbdev", "kmsgrab", "jack", "oss"}) {
        if (format == live) return true;
    }
    return false;
}

struct DictDeleter {
    void operator()(AVDictionary* d) const { av_dict_free(&d); }
};

}  // namespace

InputSpec parse_input_spec(const std::string& text, const std::string& what) {
    auto colon = text.find(':');
    if (colon == std::string::npos || colon == 0) {
        return InputSpec{"", text, {}, what};  // a plain file: libavformat guesses the format
    }
    return InputSpec{text.substr(0, colon), text.substr(colon + 1), {}, what};
}

int CaptureInput::interrupt_callback(void* self) {
    return static_cast<CaptureInput*>(self)->interrupted_.load() ? 1 : 0;
}

CaptureInput::~CaptureInput() = default;

Result<std::unique_ptr<CaptureInput>> CaptureInput::open(const InputSpec& spec, AVMediaType type) {
    static const bool registered = [] {
        avdevice_register_all();
        return true;
    }();
    (void)registered;

    std::unique_ptr<CaptureInput> in(new CaptureInput);
    in->what_ = spec.what;
    const AVInputFormat* ifmt = nullptr;
    if (!spec.format.empty()) {
        ifmt = av_find_input_format(spec.format.c_str());
        if (!ifmt) {
            return fail(ErrorCode::invalid_input,
                        fmt::format("{}: '{}' is not an input format this FFmpeg knows (e.g. x11grab, pulse, alsa, "
                                    "lavfi)",
                                    spec.what, spec.format));
        }
    }
    in->live_ = is_live(spec.format);

    AVDictionary* raw_opts = nullptr;
    for (const auto& [k, v] : spec.options) av_dict_set(&raw_opts, k.c_str(), v.c_str(), 0);
    std::unique_ptr<AVDictionary, DictDeleter> opts(raw_opts);

    AVFormatContext* raw = avformat_alloc_context();
    if (!raw) return fail(ErrorCode::internal, "out of memory opening an input");
    raw->interrupt_callback = {&CaptureInput::interrupt_callback, in.get()};
    AVDictionary* o = opts.release();
    // avformat_open_input frees `raw` on failure, so it is adopted only after success.
    int ret = avformat_open_input(&raw, spec.url.c_str(), ifmt, &o);
    opts.reset(o);
    if (ret < 0) {
        return fail(ErrorCode::not_found, fmt::format("cannot open {} ({}{}{}): {}", spec.what, spec.format,
                                                      spec.format.empty() ? "" : ":", spec.url, av::error_text(ret)));
    }
    in->format_.reset(raw);
    if ((ret = avformat_find_stream_info(raw, nullptr)) < 0) {
        return fail(ErrorCode::bad_media, fmt::format("cannot read {}: {}", spec.what, av::error_text(ret)));
    }
    in->stream_index_ = av_find_best_stream(raw, type, -1, -1, nullptr, 0);
    if (in->stream_index_ < 0) {
        return fail(ErrorCode::bad_media,
                    fmt::format("{} has no {} stream", spec.what, type == AVMEDIA_TYPE_VIDEO ? "video" : "audio"));
    }
    auto decoder = av::open_decoder(raw->streams[in->stream_index_], {.threads = 1});
    if (!decoder)
        return fail(ErrorCode::bad_media, fmt::format("cannot decode {}: {}", spec.what, decoder.error().message));
    in->decoder_ = std::move(*decoder);
    in->pull_ = std::make_unique<av::PullDecoder>(raw, in->decoder_.get(), in->stream_index_,
                                                  av::PullDecoder::Options{.live = in->live_});
    return in;
}

int CaptureInput::skip_buffered() {
    if (!live_) return 0;
    using namespace std::chrono;
    const auto start = steady_clock::now();
    // A read that returns at once was served from the backlog; one that waits is live.
    while (steady_clock::now() - start < milliseconds(1000)) {
        const auto before = steady_clock::now();
        if (av_read_frame(format_.get(), packet_.get()) < 0) break;
        av_packet_unref(packet_.get());
        if (steady_clock::now() - before > milliseconds(4)) break;
    }
    return static_cast<int>(duration_cast<milliseconds>(steady_clock::now() - start).count());
}

AVRational CaptureInput::time_base() const { return format_->streams[stream_index_]->time_base; }

std::string CaptureInput::describe() const {
    const AVCodecContext* d = decoder_.get();
    if (d->codec_type == AVMEDIA_TYPE_AUDIO) {
        return fmt::format("{} Hz, {} channel(s)", d->sample_rate, d->ch_layout.nb_channels);
    }
    const char* name = av_get_pix_fmt_name(static_cast<AVPixelFormat>(d->pix_fmt));
    return fmt::format("{}x{} {}", d->width, d->height, name ? name : "?");
}

Result<av::FramePtr> CaptureInput::next_frame() {
    av::FramePtr frame = av::make_frame();
    if (!frame) return fail(ErrorCode::internal, "out of memory reading an input");
    auto got = pull_->next(frame.get());
    if (interrupted_.load()) return fail(ErrorCode::conflict, "stopped");
    // "the microphone stopped delivering: …"
    if (!got)
        return fail(got.error().code,
                    fmt::format("{}{} {}", what_, got.error().code == ErrorCode::io ? "" : ":", got.error().message));
    if (!*got) return av::FramePtr();  // the end of a file or generator, drained
    if (frame->pts == AV_NOPTS_VALUE) frame->pts = frame->best_effort_timestamp;
    return frame;
}

}  // namespace wt::recorder
