#pragma once
// Private to player/: the engine's parts and the state they share. Each thread owns its libav
// objects; what crosses threads is a queue (each with its own lock) or a field under `control_lock`.
#include <atomic>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "avkit/av_ptr.hpp"
#include "avkit/orientation.hpp"
#include "player/clock.hpp"
#include "player/player.hpp"

namespace wt::player {

double steady_seconds();

// A bounded FIFO whose items carry the serial of the seek they belong to. Producers wait while it is
// full, consumers while it is empty; both give up when `abandon` says so (a seek or quit).
template <typename T>
class SerialQueue {
public:
    explicit SerialQueue(std::size_t capacity) : capacity_(capacity) {}

    template <typename Abandon>
    bool push(T item, Abandon abandon) {
        std::unique_lock lock(mutex_);
        changed_.wait(lock, [&] { return items_.size() < capacity_ || abandon(); });
        if (abandon()) return false;
        items_.push_back(std::move(item));
        changed_.notify_all();
        return true;
    }
    template <typename Abandon>
    std::optional<T> pop(Abandon abandon) {
        std::unique_lock lock(mutex_);
        changed_.wait(lock, [&] { return !items_.empty() || abandon(); });
        if (items_.empty()) return std::nullopt;
        T item = std::move(items_.front());
        items_.pop_front();
        changed_.notify_all();
        return item;
    }
    // Runs f on the items under the lock (the presenter peeks and takes from the front).
    template <typename F>
    auto with_items(F f) {
        std::lock_guard lock(mutex_);
        auto before = items_.size();
        auto result = f(items_);
        if (items_.size() != before) changed_.notify_all();
        return result;
    }
    void clear() {
        std::lock_guard lock(mutex_);
        items_.clear();
        changed_.notify_all();
    }
    void wake() {
        std::lock_guard lock(mutex_);
        changed_.notify_all();
    }
    std::size_t size() const {
        std::lock_guard lock(mutex_);
        return items_.size();
    }

private:
    mutable std::mutex mutex_;
    std::condition_variable changed_;
    std::deque<T> items_;
    std::size_t capacity_;
};

// A demuxed packet; a null packet marks the end of the stream (drain the decoder).
struct QueuedPacket {
    av::PacketPtr packet;
    int serial = 0;
};

struct DecodedVideo {
    av::FramePtr frame;
    double pts = 0;  // seconds from the file's start
    double duration = 0;
    int serial = 0;
};

// Interleaved float samples at the device's rate and channel count, already at the play speed.
struct AudioChunk {
    std::vector<float> samples;
    std::size_t frames_used = 0;  // frames already handed to the device
    double pts = 0;               // media time of samples[0]
    double media_per_frame = 0;   // media seconds one output frame covers (speed / rate)
    int serial = 0;
    bool end = false;  // the stream ended after this chunk (may be empty)
};

struct SeekRequest {
    double target = 0;  // seconds from the file's start
    SeekMode mode = SeekMode::exact;
    int serial = 0;
};

class AudioDevice;  // audio_out.cpp

struct Player::Impl {
    av::InputFormatPtr format;
    double start_offset = 0;  // the file's start_time, subtracted from every pts
    double duration = 0;

    struct StreamPart {
        int index = -1;
        av::CodecContextPtr decoder;
        AVRational time_base{1, 1};
        SerialQueue<QueuedPacket> packets{4096};
        std::thread thread;
        std::atomic<int> ended_serial{-1};  // decoded to the end of the stream in this serial
        bool ended(int serial) const { return ended_serial == serial; }
    };
    StreamPart video, audio;
    av::Orientation video_turn;  // how the video is shown (its display matrix); set at open
    double frame_duration = 1.0 / 30;

    SerialQueue<DecodedVideo> video_frames{3};
    // Chunks are one decoded frame each (20 ms for Opus, 21 for AAC): ~0.3 s ahead of the device,
    // enough to ride out a slow decode, little enough that a speed change is heard at once.
    SerialQueue<AudioChunk> audio_chunks{16};
    int out_rate = 48000, out_channels = 2;
    std::unique_ptr<AudioDevice> device;

    // --- shared control state --------------------------------------------------------------
    mutable std::mutex control_lock;
    std::condition_variable demux_wake;
    bool quit = false;
    int serial = 0;                           // bumped per seek; everything older is dropped
    SeekRequest seek_target;                  // of the current serial (decoders trim to it)
    std::optional<SeekRequest> pending_seek;  // for the demux thread; the latest wins
    bool demux_eof = false;
    std::atomic<double> speed{1.0};
    std::atomic<float> volume{1.0f};
    std::atomic<bool> muted{false};
    std::atomic<bool> paused{false};
    std::atomic<bool> audio_gate{false};  // audio may start (the first frame after a seek is up)
    int audio_ended_serial = -1;          // the audio device played the last sample of this serial
    MediaClock audio_clock;               // set by the audio device, under control_lock
    std::atomic<std::int64_t> frames_decoded{0}, frames_corrupt{0};
    std::vector<std::string> warnings;

    // --- presentation: the UI thread only ---------------------------------------------------
    MediaClock system_clock;  // master when there is no audio, or it ended
    av::FramePtr shown;       // the frame on screen
    double shown_pts = -1;
    bool new_frame = false;
    bool awaiting_first_frame = true;
    bool ended_state = false;
    bool step_pending = false;  // step_frame() asked for the next frame; poll() shows it once decoded
    bool stepped = false;       // frames were stepped while paused: play() re-seeks to line the sound up
    std::int64_t frames_shown = 0, frames_dropped = 0;
    double av_offset = 0;
    WatchTracker watch;
    std::string audio_device_name;

    std::thread demux_thread;
    std::thread opener;  // open_async()
    enum OpenState { opening, opened, open_failed };
    std::atomic<OpenState> open_state{opening};
    std::string open_error;  // written before open_state becomes failed
    bool ready() const { return open_state == opened; }
    void begin_playback();  // after open(): clocks set, threads started

    Impl() = default;
    ~Impl();
    Result<void> open(const MediaSource& file, const PlayOptions& options);
    void start_threads();
    void stop_threads();

    bool abandoned(int item_serial) {
        std::lock_guard lock(control_lock);
        return quit || item_serial != serial;
    }
    int current_serial() {
        std::lock_guard lock(control_lock);
        return serial;
    }
    SeekRequest target_of(int item_serial) {
        std::lock_guard lock(control_lock);
        return item_serial == serial ? seek_target : SeekRequest{0, SeekMode::keyframe, item_serial};
    }
    void add_warning(std::string text) {
        std::lock_guard lock(control_lock);
        if (warnings.size() < 20) warnings.push_back(std::move(text));
    }

    void demux();         // demuxer.cpp
    void decode_video();  // video_decoder.cpp
    void decode_audio();  // audio_decoder.cpp
    // Called by the audio device (its own thread): fills `frames` interleaved frames, which it plays
    // after the `device_extra_frames` it still holds.
    void fill_audio(float* out, int frames, double device_extra_frames);

    double master_clock(double now);
    void request_seek(double target, SeekMode mode);
};

// Where the sound goes: SDL2's device, or a thread that consumes in real time without a device.
class AudioDevice {
public:
    virtual ~AudioDevice() = default;
    virtual void pause(bool paused) = 0;
    virtual int rate() const = 0;
    virtual int channels() const = 0;
    virtual std::string name() const = 0;
};
// Tries SDL2's default device when `mode` is automatic; falls back to the paced silent device, with
// the reason in `why_silent`.
std::unique_ptr<AudioDevice> open_audio_device(Player::Impl& engine, AudioOutput mode, std::string& why_silent);

}  // namespace wt::player
