#pragma once
// The player: one file played with audio as the master clock and video following it.
//
//   demux thread ─┬─ video packets ─> video decode thread ─> frames (3) ─┐
//                 └─ audio packets ─> audio decode thread ─> resample ─> tempo (atempo) ─> chunks ─> audio out
//                                                                      └─> poll() on the UI thread picks the frame
// Every seek bumps a serial; packets, frames and audio chunks of an older serial are dropped where
// they are met, never drained. The UI reads snapshot() and sends commands; it never sees libav.
//
// Thread-safety: commands, snapshot() and poll() may be called from any one thread (the UI's).
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "common/media_source.hpp"
#include "common/result.hpp"

namespace wt::player {

enum class State { opening, playing, paused, ended, failed };
const char* to_string(State);

enum class SeekMode {
    keyframe,  // fast: lands on the keyframe at or before the target (while dragging the timeline)
    exact,     // decodes forward from that keyframe to the frame on screen at the target
};

enum class AudioOutput {
    automatic,  // the system's audio device through SDL2; silently paced when there is none
    silent,     // no device: audio is decoded and paced in real time, but not heard (tests, benchmarks)
};

struct PlayOptions {
    double start_seconds = 0;  // resume position
    double speed = 1.0;        // 0.5 .. 2.0
    bool start_paused = false;
    AudioOutput audio = AudioOutput::automatic;
};

// A stretch of media time that really played (never what a seek jumped over).
struct PlayedInterval {
    std::int64_t from_ms = 0;
    std::int64_t to_ms = 0;
};

// An immutable copy of the engine's state, taken once per UI frame.
struct Snapshot {
    State state = State::opening;
    std::int64_t position_ms = 0;
    std::int64_t duration_ms = 0;
    std::int64_t buffered_ms = 0;  // decoded or demuxed ahead of the position
    double speed = 1.0;
    float volume = 1.0f;
    bool muted = false;
    bool seeking = false;
    bool has_video = false;
    bool has_audio = false;
    int width = 0, height = 0;  // of the video as shown (turned upright by its display matrix)
    std::int64_t frames_decoded = 0;
    std::int64_t frames_shown = 0;
    std::int64_t frames_dropped = 0;    // late at presentation: the next one was already due
    std::int64_t frames_corrupt = 0;    // decoded with errors (shown anyway)
    std::int64_t av_offset_ms = 0;      // shown frame's time minus the master clock, at its presentation
    std::string audio_device;           // what plays the sound, or why nothing does
    std::string error;                  // set when state == failed
    std::vector<std::string> warnings;  // damaged data, a missing audio device, ...
};

// What the UI thread should do after poll(): redraw when a new frame is due, and wake up again after
// `wake_after_ms` at the latest.
struct PollResult {
    bool new_frame = false;
    int wake_after_ms = 10;
};

class Player {
public:
    // Opens the file (its streams and decoders) and starts the threads. Fails with a message naming
    // the file when it cannot be read or holds no decodable audio or video.
    static Result<std::unique_ptr<Player>> open(const MediaSource& file, const PlayOptions& options = {});
    // The same without blocking the caller (a UI thread): the file is opened on a thread of the
    // player's; snapshot() says opening, then playing/paused, or failed with the message above.
    // Commands sent while opening are ignored.
    static std::unique_ptr<Player> open_async(const MediaSource& file, const PlayOptions& options = {});
    ~Player();

    void play();
    void pause();
    void toggle_pause();
    // Repeated requests are merged: only the latest target is sought.
    void seek(double seconds, SeekMode mode = SeekMode::exact);
    void seek_relative(double delta_seconds);
    // Pauses and shows the next frame (forward) or the previous one (backward, by an exact seek).
    void step_frame(bool forward = true);
    void set_speed(double speed);   // clamped to 0.5 .. 2.0
    void set_volume(float volume);  // 0 .. 1
    void set_muted(bool muted);

    // Advances presentation: picks the video frame to show by the master clock. Call once per UI
    // frame (or in a loop without a window); then redraw if new_frame.
    PollResult poll();
    Snapshot snapshot() const;
    // The stretches played since the last call (media time), for the catalog's watch tracking.
    std::vector<PlayedInterval> take_played();

    struct Impl;
    Impl& impl() { return *impl_; }

private:
    explicit Player(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

}  // namespace wt::player
