// The player's commands and its presentation step: which frame is on screen, by the master clock.
#include "player/player.hpp"

#include <chrono>
#include <cmath>
#include <tuple>

#include <fmt/format.h>

#include "player/engine.hpp"

namespace wt::player {

namespace {

// Frames a seek went past may still be at the front of the queue: they are never shown.
void drop_stale(std::deque<DecodedVideo>& items, int serial) {
    while (!items.empty() && items.front().serial != serial) items.pop_front();
}

}  // namespace

double steady_seconds() {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

const char* to_string(State s) {
    switch (s) {
    case State::opening: return "opening";
    case State::playing: return "playing";
    case State::paused: return "paused";
    case State::ended: return "ended";
    case State::failed: return "failed";
    }
    return "?";
}

Player::Impl::~Impl() {
    if (opener.joinable()) opener.join();
    stop_threads();
}

void Player::Impl::begin_playback() {
    const double now = steady_seconds();
    system_clock.set(seek_target.target, now, serial);
    system_clock.freeze(paused, now);
    if (!paused) watch.began(seek_target.target, serial, now);
    start_threads();
    open_state = opened;
}

void Player::Impl::start_threads() {
    demux_thread = std::thread([this] { demux(); });
    if (video.index >= 0) video.thread = std::thread([this] { decode_video(); });
    if (audio.index >= 0) audio.thread = std::thread([this] { decode_audio(); });
}

void Player::Impl::stop_threads() {
    device.reset();  // its callback reads the queues below
    {
        std::lock_guard lock(control_lock);
        quit = true;
    }
    demux_wake.notify_all();
    for (auto* q : {&video.packets, &audio.packets}) q->wake();
    video_frames.wake();
    audio_chunks.wake();
    for (std::thread* t : {&demux_thread, &video.thread, &audio.thread})
        if (t->joinable()) t->join();
}

double Player::Impl::master_clock(double now) {
    std::lock_guard lock(control_lock);
    if (audio.index >= 0 && audio_ended_serial != serial && !paused) {
        const double a = audio_clock.read(now, serial);
        if (!std::isnan(a)) return a;
    }
    return system_clock.read(now, serial);
}

void Player::Impl::request_seek(double target, SeekMode mode) {
    target = std::clamp(target, 0.0, std::max(0.0, duration));
    int s;
    {
        // Producers see the new serial first and give up what they hold; only then are the queues
        // emptied, and only then may the demuxer seek, so nothing of the new serial is cleared away.
        std::lock_guard lock(control_lock);
        s = ++serial;
        seek_target = SeekRequest{target, mode, s};
        audio_clock.invalidate();
    }
    audio_gate = false;
    video.packets.clear();
    audio.packets.clear();
    video_frames.clear();
    audio_chunks.clear();
    {
        std::lock_guard lock(control_lock);
        pending_seek = seek_target;
        demux_eof = false;
    }
    demux_wake.notify_all();
    const double now = steady_seconds();
    if (paused)
        watch.interrupted();
    else
        watch.began(target, s, now);
    ended_state = false;
    awaiting_first_frame = true;
    system_clock.set(target, now, s);
    system_clock.freeze(paused, now);
}

Player::Player(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Player::~Player() = default;

Result<std::unique_ptr<Player>> Player::open(const MediaSource& file, const PlayOptions& options) {
    auto impl = std::make_unique<Impl>();
    if (auto r = impl->open(file, options); !r) return std::unexpected(r.error());
    impl->begin_playback();
    return std::unique_ptr<Player>(new Player(std::move(impl)));
}

std::unique_ptr<Player> Player::open_async(const MediaSource& file, const PlayOptions& options) {
    auto impl = std::make_unique<Impl>();
    Impl* e = impl.get();
    e->opener = std::thread([e, file, options] {
        if (auto r = e->open(file, options); !r) {
            e->open_error = r.error().message;
            e->open_state = Impl::open_failed;
            return;
        }
        e->begin_playback();
    });
    return std::unique_ptr<Player>(new Player(std::move(impl)));
}

void Player::play() {
    if (!impl_->ready()) return;
    Impl& e = *impl_;
    if (e.ended_state) {
        e.paused = false;
        e.request_seek(0, SeekMode::exact);
        return;
    }
    if (!e.paused) return;
    e.paused = false;
    e.step_pending = false;
    if (std::exchange(e.stepped, false)) {
        // The sound is still where playing stopped: go on from the stepped-to frame by an exact seek.
        e.request_seek(e.shown_pts, SeekMode::exact);
        return;
    }
    const double now = steady_seconds();
    e.system_clock.freeze(false, now);
    if (const double pos = e.master_clock(now); !std::isnan(pos)) e.watch.began(pos, e.current_serial(), now);
}

void Player::pause() {
    if (!impl_->ready()) return;
    Impl& e = *impl_;
    if (e.paused) return;
    const double now = steady_seconds();
    const double pos = e.master_clock(now);
    e.paused = true;
    {
        std::lock_guard lock(e.control_lock);
        e.audio_clock.invalidate();
    }
    if (!std::isnan(pos)) e.system_clock.set(pos, now, e.system_clock.serial());
    e.system_clock.freeze(true, now);
    e.watch.interrupted();
}

void Player::toggle_pause() {
    if (impl_->paused || impl_->ended_state)
        play();
    else
        pause();
}

void Player::seek(double seconds, SeekMode mode) {
    if (impl_->ready()) impl_->request_seek(seconds, mode);
}

void Player::seek_relative(double delta) {
    if (!impl_->ready()) return;
    Snapshot s = snapshot();
    impl_->request_seek(s.position_ms / 1000.0 + delta, SeekMode::exact);
}

void Player::step_frame(bool forward) {
    if (!impl_->ready()) return;
    Impl& e = *impl_;
    pause();
    if (!forward) {
        // The frame before the one shown: an exact seek just before its time.
        if (e.shown_pts > 0) e.request_seek(std::max(0.0, e.shown_pts - 0.001), SeekMode::exact);
        return;
    }
    e.step_pending = true;  // done by poll() as soon as the next frame is decoded
}

void Player::set_speed(double speed) {
    if (!impl_->ready()) return;
    Impl& e = *impl_;
    speed = std::clamp(speed, 0.5, 2.0);
    e.speed = speed;
    e.system_clock.set_speed(speed, steady_seconds());
}

void Player::set_volume(float volume) { impl_->volume = std::clamp(volume, 0.0f, 1.0f); }
void Player::set_muted(bool muted) { impl_->muted = muted; }

PollResult Player::poll() {
    Impl& e = *impl_;
    PollResult result;
    if (!e.ready()) return result;
    const double now = steady_seconds();
    const int s = e.current_serial();
    auto take_front = [&]() -> std::optional<DecodedVideo> {
        return e.video_frames.with_items([&](std::deque<DecodedVideo>& items) -> std::optional<DecodedVideo> {
            drop_stale(items, s);
            if (items.empty()) return std::nullopt;
            DecodedVideo v = std::move(items.front());
            items.pop_front();
            return v;
        });
    };
    auto show = [&](DecodedVideo v, double clock) {
        e.av_offset = std::isnan(clock) ? 0 : v.pts - clock;
        e.shown = std::move(v.frame);
        e.shown_pts = v.pts;
        e.new_frame = true;
        ++e.frames_shown;
    };

    if (e.awaiting_first_frame) {
        // Start together (research A1 rule 6): the clock starts from the first frame of this serial,
        // and only then may the sound play.
        SeekRequest target = e.target_of(s);
        bool ready = false;
        if (e.video.index >= 0) {
            if (auto first = take_front()) {
                const double start = target.mode == SeekMode::exact ? std::max(first->pts, target.target) : first->pts;
                show(std::move(*first), std::numeric_limits<double>::quiet_NaN());
                e.system_clock.set(start, now, s);
                ready = true;
            } else if (e.video.ended(s) && e.video_frames.size() == 0) {
                ready = true;  // past the last frame
            }
        } else {
            ready = e.audio_chunks.size() > 0 || e.audio.ended(s);
        }
        if (ready) {
            e.awaiting_first_frame = false;
            e.system_clock.freeze(e.paused, now);
            e.audio_gate = true;
        }
    } else if (e.step_pending) {
        if (auto next = take_front()) {
            e.step_pending = false;
            e.system_clock.set(next->pts, now, s);
            e.system_clock.freeze(true, now);
            show(std::move(*next), std::numeric_limits<double>::quiet_NaN());
            e.stepped = true;
        } else if (e.video.index < 0 || e.video.ended(s)) {
            e.step_pending = false;  // nothing after the last frame
        }
    } else if (!e.paused && !e.ended_state) {
        const double clock = e.master_clock(now);
        // The system clock follows the audio clock, so it carries on seamlessly if the sound ends first.
        if (!std::isnan(clock)) e.system_clock.set(clock, now, s);
        const double band = dead_band_for(e.frame_duration);
        struct Picked {
            std::optional<DecodedVideo> chosen;
            std::size_t dropped = 0;
            double next_pts = std::numeric_limits<double>::quiet_NaN();
        };
        Picked picked = e.video_frames.with_items([&](std::deque<DecodedVideo>& items) {
            Picked out;
            drop_stale(items, s);
            std::vector<double> pts;
            for (auto& v : items) pts.push_back(v.pts);
            FramePick pick = pick_frame(pts, clock, band);
            if (pick.show) {
                for (std::size_t i = 0; i < pick.drop; ++i) items.pop_front();
                out.chosen = std::move(items.front());
                out.dropped = pick.drop;
                items.pop_front();
            }
            if (!items.empty()) out.next_pts = items.front().pts;
            return out;
        });
        auto& [chosen, dropped, next_pts] = picked;
        e.frames_dropped += static_cast<std::int64_t>(dropped);
        if (chosen) show(std::move(*chosen), clock);
        if (!std::isnan(next_pts)) {
            result.wake_after_ms = static_cast<int>(std::ceil(wait_until_due(next_pts, clock, e.speed) * 1000));
        }
        // Nothing past the end counts: the last frame's display time may run a little beyond it.
        if (!std::isnan(clock))
            e.watch.advanced(std::max(0.0, e.duration > 0 ? std::min(clock, e.duration) : clock), s, now, e.speed);

        // The end: every stream played out.
        bool video_done = e.video.index < 0 || (e.video.ended(s) && e.video_frames.size() == 0);
        bool audio_done;
        {
            std::lock_guard lock(e.control_lock);
            audio_done =
                e.audio.index < 0 || e.audio_ended_serial == s || (e.audio.ended(s) && e.audio_chunks.size() == 0);
        }
        const double last_frame_end = e.shown_pts + e.frame_duration;
        if (video_done && audio_done && (e.video.index < 0 || std::isnan(clock) || clock >= last_frame_end - 0.001)) {
            e.ended_state = true;
            e.watch.interrupted();
            const double end_pos = std::max(e.duration, std::isnan(clock) ? 0 : clock);
            e.system_clock.set(end_pos, now, s);
            e.system_clock.freeze(true, now);
        }
    }
    result.new_frame = e.new_frame;
    e.new_frame = false;
    result.wake_after_ms = std::clamp(result.wake_after_ms, 1, e.paused || e.ended_state ? 50 : 20);
    return result;
}

Snapshot Player::snapshot() const {
    Impl& e = *impl_;
    Snapshot s;
    if (!e.ready()) {
        s.state = e.open_state == Impl::open_failed ? State::failed : State::opening;
        if (s.state == State::failed) s.error = e.open_error;
        return s;
    }
    const double now = steady_seconds();
    const double clock = e.awaiting_first_frame ? e.target_of(e.current_serial()).target : e.master_clock(now);
    const double pos = std::isnan(clock) ? std::max(e.shown_pts, 0.0) : clock;
    s.position_ms = static_cast<std::int64_t>(std::llround(std::clamp(pos, 0.0, std::max(e.duration, 0.0)) * 1000));
    s.duration_ms = static_cast<std::int64_t>(std::llround(e.duration * 1000));
    s.state = e.ended_state ? State::ended : e.paused ? State::paused : State::playing;
    s.seeking = e.awaiting_first_frame || e.step_pending;
    s.speed = e.speed;
    s.volume = e.volume;
    s.muted = e.muted;
    s.has_video = e.video.index >= 0;
    s.has_audio = e.audio.index >= 0;
    if (s.has_video) {
        std::tie(s.width, s.height) = e.video_turn.shown_size(e.video.decoder->width, e.video.decoder->height);
    }
    const double ahead = e.video_frames.with_items([&](std::deque<DecodedVideo>& items) {
        return items.empty() ? pos : items.back().pts + items.back().duration;
    });
    const double audio_ahead = e.audio_chunks.with_items([&](std::deque<AudioChunk>& items) {
        if (items.empty()) return pos;
        const AudioChunk& c = items.back();
        return c.pts + double(c.samples.size() / std::size_t(e.out_channels)) * c.media_per_frame;
    });
    s.buffered_ms = static_cast<std::int64_t>(std::max(0.0, std::max(ahead, audio_ahead) - pos) * 1000);
    s.frames_decoded = e.frames_decoded;
    s.frames_shown = e.frames_shown;
    s.frames_dropped = e.frames_dropped;
    s.frames_corrupt = e.frames_corrupt;
    s.av_offset_ms = static_cast<std::int64_t>(std::llround(e.av_offset * 1000));
    s.audio_device = e.audio_device_name;
    std::lock_guard lock(e.control_lock);
    s.warnings = e.warnings;
    if (e.frames_corrupt > 0)
        s.warnings.push_back(fmt::format("this recording is damaged: {} frame(s) could not be decoded cleanly",
                                         e.frames_corrupt.load()));
    return s;
}

std::vector<PlayedInterval> Player::take_played() {
    std::vector<PlayedInterval> out;
    if (!impl_->ready()) return out;
    for (auto [from, to] : impl_->watch.take()) out.push_back({from, to});
    return out;
}

}  // namespace wt::player
