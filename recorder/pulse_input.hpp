#pragma once
// The microphone through libpulse directly: a record stream of 48 kHz mono s16, read in 100 ms
// frames by a plain pa_mainloop driven from the reading thread itself.
//
// libavdevice's pulse input runs a second thread (pa_threaded_mainloop), asks the server for
// timing information with every packet and wakes the reader for every block the server sends:
// on the shared workload (a null sink's monitor, rendered in 5 ms blocks while the narration
// plays) its two threads switched ~600 times a second, 0.9 CPU-s per minute, a fifth of the
// recorder's CPU. The recorder needs none of that timing: it stamps audio with read time −
// duration on its own clock. Here the reading thread sleeps until 100 ms should be buffered,
// then takes in what the server sent: ten wake-ups a second.
//
// Owned by one thread once open() returns; interrupt() may be called from any thread.
#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "recorder/frame_source.hpp"

namespace wt::recorder {

class PulseInput final : public FrameSource {
public:
    // `source`: a PulseAudio source name; nullopt = the server's default source. The server is
    // libpulse's usual choice ($PULSE_SERVER, the session's daemon).
    static Result<std::unique_ptr<PulseInput>> open(const std::optional<std::string>& source);
    ~PulseInput() override;
    PulseInput(const PulseInput&) = delete;
    PulseInput& operator=(const PulseInput&) = delete;

    Result<av::FramePtr> next_frame() override;
    int skip_buffered() override;
    void interrupt() override;
    AVRational time_base() const override { return {1, 48000}; }
    bool is_live_device() const override { return true; }
    int width() const override { return 0; }
    int height() const override { return 0; }
    std::string describe() const override { return "48000 Hz, 1 channel(s)"; }

    struct Connection;  // the libpulse objects, in pulse_input.cpp

private:
    PulseInput();
    std::unique_ptr<Connection> c_;
    std::mutex wait_mutex_;
    std::condition_variable wait_;  // the reading thread sleeps here between fragments
    std::atomic<bool> interrupted_{false};
};

}  // namespace wt::recorder
