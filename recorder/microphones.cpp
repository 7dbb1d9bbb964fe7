// The microphones for the desktop app's picker: the capture sources as the sound server lists them,
// and a level monitor that reads one of them on its own thread.
#include <algorithm>
#include <cmath>
#include <map>
#include <memory>

#include <fmt/format.h>

#include "common/clock.hpp"
#include "recorder/devices.hpp"
#include "recorder/pulse_connection.hpp"
#include "recorder/pulse_input.hpp"

namespace wt::recorder {

namespace {

// The list is asked for when the Record view opens: a server that does not answer within this
// counts as none.
constexpr std::int64_t k_list_timeout_us = 3'000'000;
// The level meter needs loudness, not fidelity: a third of the recording's samples.
constexpr int k_meter_rate = 16000;

struct OperationUnref {
    void operator()(pa_operation* o) const { pa_operation_unref(o); }
};
using OperationPtr = std::unique_ptr<pa_operation, OperationUnref>;

// What the three queries (server, sources, sinks) answer, filled by libpulse's callbacks.
struct Listing {
    std::string default_source;
    std::vector<Microphone> sources;
    std::vector<std::uint32_t> monitor_of;       // per source: the sink it monitors, or PA_INVALID_INDEX
    std::map<std::uint32_t, std::string> sinks;  // index -> description
    int pending = 3;
    bool failed = false;
};

void on_server(pa_context*, const pa_server_info* info, void* data) {
    auto* l = static_cast<Listing*>(data);
    if (info && info->default_source_name) l->default_source = info->default_source_name;
    --l->pending;
}

void on_source(pa_context*, const pa_source_info* info, int eol, void* data) {
    auto* l = static_cast<Listing*>(data);
    if (eol != 0) {
        l->failed |= eol < 0;
        --l->pending;
        return;
    }
    Microphone m;
    m.name = info->name ? info->name : "";
    m.description = info->description ? info->description : m.name;
    m.is_monitor = info->monitor_of_sink != PA_INVALID_INDEX;
    l->sources.push_back(std::move(m));
    l->monitor_of.push_back(info->monitor_of_sink);
}

void on_sink(pa_context*, const pa_sink_info* info, int eol, void* data) {
    auto* l = static_cast<Listing*>(data);
    if (eol != 0) {
        l->failed |= eol < 0;
        --l->pending;
        return;
    }
    if (info->description) l->sinks[info->index] = info->description;
}

}  // namespace

Result<std::vector<Microphone>> list_microphones() {
    auto cannot = [](const std::string& why) {
        return fail(ErrorCode::not_found,
                    fmt::format("cannot list the microphones (PulseAudio): {}. Start the sound server (PulseAudio or "
                                "PipeWire's pulse service), or record with the default microphone or without sound",
                                why));
    };
    Listing l;  // before the connection: any callback while it closes still finds it
    PulseConnection c;
    if (auto connected = c.connect(k_list_timeout_us); !connected) return cannot(connected.error().message);
    OperationPtr ops[] = {OperationPtr(pa_context_get_server_info(c.context, on_server, &l)),
                          OperationPtr(pa_context_get_source_info_list(c.context, on_source, &l)),
                          OperationPtr(pa_context_get_sink_info_list(c.context, on_sink, &l))};
    for (const auto& op : ops)
        if (!op) return cannot(c.error());
    const std::int64_t deadline = monotonic_us() + k_list_timeout_us;
    while (l.pending > 0) {
        if (monotonic_us() > deadline) return cannot("the sound server does not answer");
        if (!c.iterate(100'000)) return cannot(c.error());
    }
    if (l.failed) return cannot(c.error());
    for (std::size_t i = 0; i < l.sources.size(); ++i) {
        Microphone& m = l.sources[i];
        m.is_default = m.name == l.default_source;
        // A monitor's own description ("Monitor of Speakers") repeats what the picker says anyway.
        const auto sink = l.sinks.find(l.monitor_of[i]);
        if (m.is_monitor && sink != l.sinks.end()) m.description = sink->second;
    }
    std::stable_partition(l.sources.begin(), l.sources.end(), [](const Microphone& m) { return !m.is_monitor; });
    return std::move(l.sources);
}

// ---- LevelMonitor ----

LevelMonitor::LevelMonitor(std::optional<std::string> source) : source_(std::move(source)) {
    thread_ = std::thread([this] { run(); });
}

LevelMonitor::~LevelMonitor() {
    {
        std::lock_guard hold(lock_);
        stopping_.store(true);
        if (input_) input_->interrupt();
    }
    thread_.join();
}

MicLevel LevelMonitor::level() const {
    std::lock_guard hold(lock_);
    return level_;
}

void LevelMonitor::run() {
    auto failed = [&](std::string why) {
        std::lock_guard hold(lock_);
        level_.state = MicLevel::State::failed;
        level_.peak = level_.rms = 0;
        level_.error = std::move(why);
    };
    auto opened = PulseInput::open(source_, k_meter_rate, &stopping_);
    if (!opened) {
        if (!stopping_.load()) {
            failed(opened.error().message + ". Plug a microphone in, choose another one, or record without sound");
        }
        return;
    }
    std::unique_ptr<PulseInput> in = std::move(*opened);
    {
        std::lock_guard hold(lock_);
        if (stopping_.load()) return;
        input_ = in.get();
    }
    while (!stopping_.load()) {
        auto frame = in->next_frame();
        if (!frame || !*frame) {
            if (!stopping_.load()) {
                failed(frame ? "the microphone stopped delivering sound"
                             : frame.error().message + ". Check that the microphone is still plugged in");
            }
            break;
        }
        const auto* samples = reinterpret_cast<const std::int16_t*>((*frame)->data[0]);
        const int n = (*frame)->nb_samples;
        float peak = 0;
        double sum = 0;
        for (int i = 0; i < n; ++i) {
            const float v = std::abs(static_cast<float>(samples[i]) / 32768.0f);
            peak = std::max(peak, v);
            sum += static_cast<double>(v) * v;
        }
        std::lock_guard hold(lock_);
        level_.state = MicLevel::State::live;
        level_.peak = peak;
        level_.rms = n > 0 ? static_cast<float>(std::sqrt(sum / n)) : 0.0f;
        ++level_.readings;
    }
    std::lock_guard hold(lock_);
    input_ = nullptr;  // `in` goes when this returns: the destructor must not reach it any more
}

}  // namespace wt::recorder
