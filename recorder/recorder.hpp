#pragma once
// The recorder: screen + microphone into a crash-safe file in <library>/incoming/.
//
//   capture-video ─┐  bounded queue (video: 4 frames, the newest dropped when full;
//   capture-audio ─┴─ audio: never dropped) ─> output thread: skip unchanged frames,
//                     encode (x264 / Opus), write (CrashSafeWriter, fdatasync thread)
//
// The screen comes from X11Screen (XDamage-driven, converted to yuv420p on its thread; x11grab as
// the fallback), the microphone from PulseInput (ALSA through libavdevice as the fallback), or
// any libav input (--video-input / --audio-input, paced in real time).
//
// Thread-safety: start/stop from one thread; stats() and finished() from any thread.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "recorder/incoming.hpp"

namespace wt::recorder {

enum class Quality { compact, balanced, high };
Result<Quality> parse_quality(std::string_view text);
const char* to_string(Quality);
// An X window id as xwininfo and xdotool print it ("0x3a00007", or decimal), for RecordOptions::window.
Result<std::uint32_t> parse_window_id(const std::string& text);

struct RecordOptions {
    std::filesystem::path incoming_dir;  // where the file in progress is written
    std::string display;                 // ":0"; empty = $DISPLAY
    std::optional<std::string> region;   // "X,Y,WxH"
    int fps = 30;                        // 1..60
    std::optional<std::string> mic;      // PulseAudio source; nullopt = the default source
    bool no_mic = false;
    bool denoise = false;                 // speech noise reduction (afftdn)
    std::optional<std::uint32_t> window;  // record one X window (its id) instead of the screen
    double max_seconds = 0;               // 0 = until stop()
    double countdown_seconds = 0;         // start() returns at once; recording begins this much later
    Quality quality = Quality::compact;
    std::optional<std::string> video_input;  // "FMT:URL", any libavdevice/libavformat input
    std::optional<std::string> audio_input;
    // What the person typed (opaque text), kept next to the file from before the first frame
    // (incoming.hpp: details_file) so that a recovered recording keeps it. Empty: none.
    std::string details;
};

struct RecordStats {
    std::int64_t elapsed_ms = 0;                // recorded media time so far
    std::int64_t countdown_ms = 0;              // time left before recording begins (0 once it has)
    std::int64_t frames_captured = 0;           // pictures taken from the screen source (at most fps a second)
    std::int64_t frames_encoded = 0;            // pictures given to the encoder (new + duplicated)
    std::int64_t frames_skipped_unchanged = 0;  // identical to the previous one: not converted, not encoded
    std::int64_t frames_dropped = 0;            // the encoder fell behind: dropped before encoding
    std::int64_t frames_over_fps = 0;           // the source delivered more than fps a second: the extra left out
    std::int64_t frames_duplicated = 0;         // an unchanged picture written again (once a second, see recorder.cpp)
    std::int64_t audio_drift_ms = 0;            // audio samples written minus audio time elapsed
    std::int64_t bytes_written = 0;
    bool has_audio = false;
    bool paused = false;
    std::int64_t paused_ms = 0;  // time spent paused, left out of the file
    float mic_peak = 0;          // 0..1, the latest audio
    float mic_rms = 0;
};

struct FinishedRecording {
    std::filesystem::path file;          // the Matroska file in incoming/
    std::optional<IncomingClaim> claim;  // this process's right to finish `file`; hold it until done
    std::int64_t duration_ms = 0;
    RecordStats stats;
    std::vector<std::string> warnings;  // things the person should know (a source that failed, ...)
};

class Recorder {
public:
    // Opens the sources and starts recording. Fails before writing anything when a source is
    // missing (no display, no microphone) with a message that says what to do.
    static Result<std::unique_ptr<Recorder>> start(const RecordOptions& options);
    ~Recorder();  // stops (as stop() would) if still running

    RecordStats stats() const;
    // True once the maximum duration is reached or the screen source ended or failed: call stop().
    // (A microphone that fails mid-recording does not end it: the rest is silent, with a warning.)
    bool finished() const;
    // Pausing leaves the time out of the file: no gap, no jump; audio and video stay aligned.
    void pause();
    void resume();
    // Stops capturing, encodes what is queued, and closes the file.
    Result<FinishedRecording> stop();

    struct Impl;

private:
    explicit Recorder(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

// Whether recording could start: opens the screen and the microphone as record would, and says
// what each delivers and through which path ("1920x1080 yuv420p, screen through X11 MIT-SHM +
// XDamage + XFixes cursor", "48000 Hz, 1 channel(s)") or why it cannot be used.
struct SourceCheck {
    Result<std::string> screen;
    Result<std::string> microphone;
};
SourceCheck check_sources(const RecordOptions& options);

// Copies the streams of a recording (whole or cut short by a crash) into an MP4 with its index
// at the front (faststart). Returns the duration that could be read, in ms.
Result<std::int64_t> remux_to_mp4(const std::filesystem::path& in, const std::filesystem::path& out);

}  // namespace wt::recorder
