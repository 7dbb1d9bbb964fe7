#include "recorder/pulse_input.hpp"

#include <algorithm>
#include <chrono>
#include <cstring>

#include <fmt/format.h>

#include "common/clock.hpp"
#include "recorder/pulse_connection.hpp"

namespace wt::recorder {

namespace {

// How long connecting may take before the microphone counts as missing.
constexpr std::int64_t k_connect_timeout_us = 5'000'000;
// How long start() waits for a source's first sound (see skip_buffered).
constexpr std::int64_t k_first_sound_wait_us = 1'500'000;

}  // namespace

PulseInput::PulseInput(int rate) : rate_(rate), c_(std::make_unique<PulseConnection>()) {}

PulseInput::~PulseInput() = default;

void PulseInput::interrupt() {
    std::lock_guard lock(wait_mutex_);
    interrupted_.store(true);
    wait_.notify_all();
}

Result<std::unique_ptr<PulseInput>> PulseInput::open(const std::optional<std::string>& source, int rate,
                                                     const std::atomic<bool>* cancel) {
    std::unique_ptr<PulseInput> in(new PulseInput(std::clamp(rate, 8000, 192000)));
    PulseConnection& c = *in->c_;
    auto cannot = [&](const std::string& why) {
        return fail(ErrorCode::not_found, fmt::format("cannot open the microphone (PulseAudio{}): {}",
                                                      source ? " source " + *source : std::string(), why));
    };
    const std::int64_t deadline = monotonic_us() + k_connect_timeout_us;
    if (auto connected = c.connect(k_connect_timeout_us, cancel); !connected) {
        if (connected.error().code == ErrorCode::conflict) return std::unexpected(connected.error());
        return cannot(connected.error().message);
    }

    const pa_sample_spec spec{PA_SAMPLE_S16LE, static_cast<std::uint32_t>(in->rate_), 1};
    c.stream = pa_stream_new(c.context, "microphone", &spec, nullptr);
    if (!c.stream) return cannot(c.error());
    pa_buffer_attr attr{};
    attr.maxlength = static_cast<std::uint32_t>(-1);
    attr.tlength = attr.prebuf = attr.minreq = static_cast<std::uint32_t>(-1);
    attr.fragsize = in->fragment_bytes();
    // ADJUST_LATENCY: the source itself runs at the fragment's latency, so the server sends one
    // fragment as soon as it is full. No timing updates: the recorder stamps frames itself.
    if (pa_stream_connect_record(c.stream, source ? source->c_str() : nullptr, &attr, PA_STREAM_ADJUST_LATENCY) < 0) {
        return cannot(c.error());
    }
    for (;;) {
        const pa_stream_state_t state = pa_stream_get_state(c.stream);
        if (state == PA_STREAM_READY) break;
        if (!PA_STREAM_IS_GOOD(state)) return cannot(c.error());
        if (cancel && cancel->load()) return fail(ErrorCode::conflict, "stopped");
        if (monotonic_us() > deadline) return cannot("the sound server does not answer");
        if (!c.iterate(100'000)) return cannot(c.error());
    }
    return in;
}

int PulseInput::skip_buffered() {
    // Drops what arrived since the stream was connected, then waits for the first fragment that
    // arrives from now on and drops it too: the recording's clock starts with live sound. A
    // source that is only starting (an idle null sink's monitor sends its first block ~1 s after
    // the stream connects) is waited for here, before the clock starts, not in the recording.
    const std::int64_t start = monotonic_us();
    PulseConnection& c = *c_;
    auto drop_all = [&] {
        bool any = false;
        const void* data = nullptr;
        size_t bytes = 0;
        while (pa_stream_peek(c.stream, &data, &bytes) == 0 && bytes > 0) {
            pa_stream_drop(c.stream);
            any = true;
        }
        return any;
    };
    c.take_in();
    drop_all();
    while (monotonic_us() - start < k_first_sound_wait_us) {
        if (!c.iterate(100'000)) break;
        if (drop_all()) break;
    }
    return static_cast<int>((monotonic_us() - start) / 1000);
}

Result<av::FramePtr> PulseInput::next_frame() {
    PulseConnection& c = *c_;
    auto stopped_delivering = [&] {
        return fail(ErrorCode::io, fmt::format("PulseAudio stopped delivering: {}", c.error()));
    };
    for (;;) {
        if (interrupted_.load()) return fail(ErrorCode::conflict, "stopped");
        c.take_in();
        if (pa_stream_get_state(c.stream) != PA_STREAM_READY || pa_context_get_state(c.context) != PA_CONTEXT_READY) {
            return stopped_delivering();
        }
        const size_t readable = pa_stream_readable_size(c.stream);
        if (readable == static_cast<size_t>(-1)) return stopped_delivering();
        const std::uint32_t fragment = fragment_bytes();
        if (readable >= fragment) break;
        // The server sends what its source renders as it comes, down to 5 ms blocks (a null
        // sink's monitor while something plays there): waking for each block cost ~300 wake-ups a
        // second. Sleeping until a fragment should be complete costs ten.
        const auto missing_us = static_cast<std::int64_t>(fragment - readable) * 1'000'000 / (2 * rate_);
        std::unique_lock lock(wait_mutex_);
        wait_.wait_for(lock, std::chrono::microseconds(std::max<std::int64_t>(missing_us, 5'000)),
                       [&] { return interrupted_.load(); });
    }
    // Everything buffered becomes one frame (a fragment, or a little more).
    const size_t readable = pa_stream_readable_size(c.stream);
    av::FramePtr frame = av::make_frame();
    if (!frame) return fail(ErrorCode::internal, "out of memory");
    frame->format = AV_SAMPLE_FMT_S16;
    frame->sample_rate = rate_;
    av_channel_layout_default(&frame->ch_layout, 1);
    frame->nb_samples = static_cast<int>(readable / 2);
    if (av_frame_get_buffer(frame.get(), 0) < 0) return fail(ErrorCode::internal, "out of memory");
    size_t filled = 0;
    const size_t capacity = static_cast<size_t>(frame->nb_samples) * 2;
    while (filled < capacity) {
        const void* data = nullptr;
        size_t bytes = 0;
        if (pa_stream_peek(c.stream, &data, &bytes) < 0) return stopped_delivering();
        if (bytes == 0) break;
        if (bytes > capacity - filled) break;  // cannot happen: nothing arrives in between
        // A hole (data == nullptr: the server lost samples) is kept as silence, in place.
        if (data)
            std::memcpy(frame->data[0] + filled, data, bytes);
        else
            std::memset(frame->data[0] + filled, 0, bytes);
        filled += bytes;
        pa_stream_drop(c.stream);
    }
    frame->nb_samples = static_cast<int>(filled / 2);
    frame->pts = AV_NOPTS_VALUE;
    return frame;
}

}  // namespace wt::recorder
