#pragma once
// One capture source opened through libavdevice/libavformat: a screen grabber (x11grab), a
// microphone (pulse, alsa) or any input given as FMT:URL (lavfi, a file). It hands out decoded
// frames; inputs that are not live devices are paced to real time by the caller.
#include <atomic>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "avkit/av_ptr.hpp"
#include "common/result.hpp"

namespace wt::recorder {

struct InputSpec {
    std::string format;                     // libavdevice/libavformat name: "x11grab", "pulse", "lavfi", ...
    std::string url;
    std::vector<std::pair<std::string, std::string>> options;
    std::string what;                       // for messages: "the screen", "the microphone", "--video-input"
};

// "lavfi:testsrc2=size=1280x720:rate=30" -> {lavfi, testsrc2=...}; a bare path is read as a file.
Result<InputSpec> parse_input_spec(const std::string& text, const std::string& what);

class CaptureInput {
public:
    // Opens `spec` and the decoder of its first stream of `type`.
    static Result<std::unique_ptr<CaptureInput>> open(const InputSpec& spec, AVMediaType type);
    ~CaptureInput();

    // The next decoded frame (pts in time_base()), or nullptr at the end of the input.
    // Blocks on live devices; returns an error after interrupt().
    Result<av::FramePtr> next_frame();
    // Live devices start capturing when opened: discards what they buffered since, so the first
    // frame read afterwards is fresh and its read time is its capture time. Returns the ms dropped.
    int skip_buffered();
    // Makes a blocked next_frame() return; callable from any thread.
    void interrupt() { interrupted_.store(true); }

    AVRational time_base() const;
    const AVCodecContext* decoder() const { return decoder_.get(); }
    // Live devices deliver frames as they happen; other inputs must be paced by the reader.
    bool is_live_device() const { return live_; }

private:
    CaptureInput() = default;
    static int interrupt_callback(void* self);

    av::InputFormatPtr format_;
    av::CodecContextPtr decoder_;
    av::PacketPtr packet_ = av::make_packet();
    int stream_index_ = -1;
    bool live_ = false;
    bool draining_ = false;
    std::atomic<bool> interrupted_{false};
    std::string what_;
};

}  // namespace wt::recorder
