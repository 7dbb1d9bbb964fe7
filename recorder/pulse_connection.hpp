#pragma once
// A libpulse connection driven by a plain pa_mainloop on the calling thread (internal to
// recorder/): the microphone's stream (PulseInput), the list of capture sources (devices.hpp).
//
// Owned by one thread.
#include <atomic>
#include <cstdint>
#include <string>

#include <pulse/pulseaudio.h>

#include "common/result.hpp"

namespace wt::recorder {

struct PulseConnection {
    pa_mainloop* loop = nullptr;
    pa_context* context = nullptr;
    pa_stream* stream = nullptr;  // the record stream, when there is one

    PulseConnection() = default;
    ~PulseConnection();
    PulseConnection(const PulseConnection&) = delete;
    PulseConnection& operator=(const PulseConnection&) = delete;

    // To libpulse's usual server ($PULSE_SERVER, the session's daemon). The error is libpulse's
    // reason; callers say what it means for them. Gives up after `timeout_us`, or as soon as
    // `cancel` is set (checked every 100 ms at most).
    Result<void> connect(std::int64_t timeout_us, const std::atomic<bool>* cancel = nullptr);

    std::string error() const { return context ? pa_strerror(pa_context_errno(context)) : "out of memory"; }

    // Runs the loop once, waiting at most `timeout_us` (-1: until something happens).
    bool iterate(int timeout_us) {
        if (pa_mainloop_prepare(loop, timeout_us) < 0 || pa_mainloop_poll(loop) < 0) return false;
        return pa_mainloop_dispatch(loop) >= 0;
    }

    // Takes in whatever the server has sent, without waiting (bounded, should it never stop).
    void take_in() {
        for (int i = 0; i < 1000 && pa_mainloop_iterate(loop, 0, nullptr) > 0; ++i) {
        }
    }
};

}  // namespace wt::recorder
