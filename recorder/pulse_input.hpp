#pragma once
// The microphone through libpulse directly: a record stream of mono s16 (48 kHz for recording), read in 100 ms
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
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "recorder/frame_source.hpp"

namespace wt::recorder {

struct PulseConnection;

class PulseInput final : public FrameSource {
public:
    // `source`: a PulseAudio source name; nullopt = the server's default source. The server is
    // libpulse's usual choice ($PULSE_SERVER, the session's daemon). `rate`: samples a second
    // (the level meter needs far fewer than the recording). Opening gives up (ErrorCode::conflict)
    // as soon as `cancel` is set.
    static Result<std::unique_ptr<PulseInput>> open(const std::optional<std::string>& source, int rate = 48000,
                                                    const std::atomic<bool>* cancel = nullptr);
    ~PulseInput() override;
    PulseInput(const PulseInput&) = delete;
    PulseInput& operator=(const PulseInput&) = delete;

    Result<av::FramePtr> next_frame() override;
    int skip_buffered() override;
    void interrupt() override;
    AVRational time_base() const override { return {1, rate_}; }
    bool is_live_device() const override { return true; }
    int width() const override { return 0; }
    int height() const override { return 0; }
    std::string describe() const override { return std::to_string(rate_) + " Hz, 1 channel(s)"; }

private:
    explicit PulseInput(int rate);
    std::uint32_t fragment_bytes() const { return static_cast<std::uint32_t>(rate_ / 10 * 2); }
    const int rate_;
    std::unique_ptr<PulseConnection> c_;
    std::mutex wait_mutex_;
    std::condition_variable wait_;  // the reading thread sleeps here between fragments
    std::atomic<bool> interrupted_{false};
};

}  // namespace wt::recorder
