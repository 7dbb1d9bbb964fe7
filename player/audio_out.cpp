// Audio out: SDL2's device pulls from the chunk queue in its callback; without a device a thread of
// ours pulls at the same pace, so the clock, speed and sync work the same silently (tests, CI, a
// machine without sound).
#include <SDL.h>

#include <chrono>

#include <fmt/format.h>

#include "player/engine.hpp"

namespace wt::player {
namespace {

class SdlAudioDevice final : public AudioDevice {
public:
    static Result<std::unique_ptr<SdlAudioDevice>> open(Player::Impl& engine) {
        if (SDL_InitSubSystem(SDL_INIT_AUDIO) != 0)
            return fail(ErrorCode::not_found, fmt::format("no audio output ({})", SDL_GetError()));
        std::unique_ptr<SdlAudioDevice> self(new SdlAudioDevice(engine));
        SDL_AudioSpec want{};
        want.freq = 48000;
        want.format = AUDIO_F32SYS;
        want.channels = 2;
        want.samples = 1024;  // ~21 ms: small enough for a speed change to be heard at once
        want.callback = &SdlAudioDevice::callback;
        want.userdata = self.get();
        self->id_ = SDL_OpenAudioDevice(nullptr, 0, &want, &self->spec_,
                                        SDL_AUDIO_ALLOW_FREQUENCY_CHANGE | SDL_AUDIO_ALLOW_CHANNELS_CHANGE);
        if (self->id_ == 0) {
            std::string why = SDL_GetError();
            SDL_QuitSubSystem(SDL_INIT_AUDIO);
            self->subsystem_ = false;
            return fail(ErrorCode::not_found, fmt::format("no audio output ({})", why));
        }
        self->name_ = fmt::format("{} ({} Hz, {} channel(s))", SDL_GetCurrentAudioDriver(), self->spec_.freq,
                                  int(self->spec_.channels));
        SDL_PauseAudioDevice(self->id_, 0);
        return self;
    }
    ~SdlAudioDevice() override {
        if (id_) SDL_CloseAudioDevice(id_);
        if (subsystem_) SDL_QuitSubSystem(SDL_INIT_AUDIO);
    }
    void pause(bool paused) override { SDL_PauseAudioDevice(id_, paused ? 1 : 0); }
    int rate() const override { return spec_.freq; }
    int channels() const override { return spec_.channels; }
    std::string name() const override { return name_; }

private:
    explicit SdlAudioDevice(Player::Impl& engine) : engine_(engine) {}
    static void callback(void* userdata, Uint8* stream, int len) {
        auto* self = static_cast<SdlAudioDevice*>(userdata);
        const int frames = len / int(sizeof(float) * self->spec_.channels);
        // One more buffer is still playing in the device when it asks for this one (ffplay's estimate).
        self->engine_.fill_audio(reinterpret_cast<float*>(stream), frames, self->spec_.samples);
    }

    Player::Impl& engine_;
    SDL_AudioDeviceID id_ = 0;
    SDL_AudioSpec spec_{};
    bool subsystem_ = true;
    std::string name_;
};

class SilentAudioDevice final : public AudioDevice {
public:
    SilentAudioDevice(Player::Impl& engine, std::string name) : engine_(engine), name_(std::move(name)) {
        thread_ = std::jthread([this](std::stop_token stop) { run(stop); });
    }
    void pause(bool) override {}
    int rate() const override { return k_rate; }
    int channels() const override { return 2; }
    std::string name() const override { return name_; }

private:
    static constexpr int k_rate = 48000;
    void run(std::stop_token stop) {
        using clock = std::chrono::steady_clock;
        const auto start = clock::now();
        std::int64_t frames_done = 0;
        std::vector<float> buffer;
        while (!stop.stop_requested()) {
            // 20 ms, as often as a sound card asks (SDL: 1024 frames); the clock runs on in between.
            std::this_thread::sleep_until(clock::now() + std::chrono::milliseconds(20));
            const double elapsed = std::chrono::duration<double>(clock::now() - start).count();
            const auto due = static_cast<std::int64_t>(elapsed * k_rate);
            const int frames = static_cast<int>(std::min<std::int64_t>(due - frames_done, k_rate));
            if (frames <= 0) continue;
            buffer.resize(static_cast<std::size_t>(frames) * 2);
            engine_.fill_audio(buffer.data(), frames, 0);
            frames_done = due;
        }
    }
    Player::Impl& engine_;
    std::string name_;
    std::jthread thread_;
};

}  // namespace

std::unique_ptr<AudioDevice> open_audio_device(Player::Impl& engine, AudioOutput mode, std::string& why_silent) {
    if (mode == AudioOutput::automatic) {
        auto dev = SdlAudioDevice::open(engine);
        if (dev) return std::move(*dev);
        why_silent = fmt::format("{}: playing without sound", dev.error().message);
        return std::make_unique<SilentAudioDevice>(engine, fmt::format("none: {}", dev.error().message));
    }
    return std::make_unique<SilentAudioDevice>(engine, "silent (paced, not heard)");
}

void Player::Impl::fill_audio(float* out, int frames, double device_extra_frames) {
    const std::size_t total = static_cast<std::size_t>(frames) * out_channels;
    int serial_now;
    {
        std::lock_guard lock(control_lock);
        serial_now = serial;
    }
    if (paused || !audio_gate) {
        std::fill(out, out + total, 0.0f);
        return;
    }
    const float gain = muted ? 0.0f : volume.load();
    int written = 0;
    double next_pts = 0, media_per_frame = 0;
    bool reached_end = false;
    audio_chunks.with_items([&](std::deque<AudioChunk>& items) {
        while (written < frames && !items.empty()) {
            AudioChunk& c = items.front();
            const std::size_t chunk_frames = c.samples.size() / std::size_t(out_channels);
            if (c.serial != serial_now) {
                items.pop_front();
                continue;
            }
            const int n =
                static_cast<int>(std::min<std::size_t>(std::size_t(frames - written), chunk_frames - c.frames_used));
            const float* src = c.samples.data() + c.frames_used * std::size_t(out_channels);
            float* dst = out + static_cast<std::size_t>(written) * out_channels;
            for (std::size_t i = 0; i < std::size_t(n) * std::size_t(out_channels); ++i) dst[i] = src[i] * gain;
            c.frames_used += std::size_t(n);
            written += n;
            next_pts = c.pts + double(c.frames_used) * c.media_per_frame;
            media_per_frame = c.media_per_frame;
            if (c.frames_used == chunk_frames) {
                if (c.end) reached_end = true;
                items.pop_front();
            }
        }
        return 0;
    });
    std::fill(out + static_cast<std::size_t>(written) * out_channels, out + total, 0.0f);
    const double now = steady_seconds();
    std::lock_guard lock(control_lock);
    if (serial != serial_now) return;
    if (written > 0) {
        // The device plays this buffer after what it still holds: the sample heard now is that much
        // media time before the next one we hand over.
        // Between fills the clock runs at the speed this audio was made for.
        const double audio_speed = media_per_frame * out_rate;
        audio_clock.set_speed(audio_speed, now);
        audio_clock.set(audio_clock_at(next_pts, (written + device_extra_frames) / out_rate, audio_speed), now,
                        serial_now);
    }
    if (reached_end) audio_ended_serial = serial_now;
}

}  // namespace wt::player
