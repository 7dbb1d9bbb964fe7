#pragma once
// One capture source opened through libavdevice/libavformat: a microphone (pulse, alsa), the
// screen through x11grab (the fallback of X11Screen) or any input given as FMT:URL (lavfi, a
// file). It hands out decoded frames; inputs that are not live devices are paced to real time by
// the caller.
#include <atomic>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "avkit/av_ptr.hpp"
#include "avkit/decoder.hpp"
#include "common/result.hpp"
#include "recorder/frame_source.hpp"

namespace wt::recorder {

struct InputSpec {
    std::string format;  // libavdevice/libavformat name: "x11grab", "pulse", "lavfi", ...
    std::string url;
    std::vector<std::pair<std::string, std::string>> options;
    std::string what;  // for messages: "the screen", "the microphone", "--video-input"
};

// "lavfi:testsrc2=size=1280x720:rate=30" -> {lavfi, testsrc2=...}; a bare path is read as a file.
// Never fails: whether the format exists is for CaptureInput::open to say.
InputSpec parse_input_spec(const std::string& text, const std::string& what);

class CaptureInput final : public FrameSource {
public:
    // Opens `spec` and the decoder of its first stream of `type`.
    static Result<std::unique_ptr<CaptureInput>> open(const InputSpec& spec, AVMediaType type);
    ~CaptureInput() override;

    Result<av::FramePtr> next_frame() override;
    int skip_buffered() override;
    void interrupt() override { interrupted_.store(true); }
    AVRational time_base() const override;
    bool is_live_device() const override { return live_; }
    int width() const override { return decoder_->width; }
    int height() const override { return decoder_->height; }
    std::string describe() const override;

private:
    CaptureInput() = default;
    static int interrupt_callback(void* self);

    av::InputFormatPtr format_;
    av::CodecContextPtr decoder_;
    std::unique_ptr<av::PullDecoder> pull_;     // reads format_ into decoder_
    av::PacketPtr packet_ = av::make_packet();  // for skip_buffered()
    int stream_index_ = -1;
    bool live_ = false;
    std::atomic<bool> interrupted_{false};
    std::string what_;
};

}  // namespace wt::recorder
