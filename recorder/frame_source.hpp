#pragma once
// What the recorder's capture threads read from: a libav input (CaptureInput: x11grab, pulse,
// alsa, lavfi, a file) or the recorder's own X11 screen source (X11Screen).
#include <string>

#include "avkit/av_ptr.hpp"
#include "common/result.hpp"

namespace wt::recorder {

class FrameSource {
public:
    virtual ~FrameSource() = default;

    // The next frame (pts in time_base()), or nullptr at the end of the input. Blocks on live
    // sources; returns an error after interrupt().
    virtual Result<av::FramePtr> next_frame() = 0;
    // Makes a blocked next_frame() return; callable from any thread.
    virtual void interrupt() = 0;
    virtual AVRational time_base() const = 0;
    // Live devices deliver frames as they happen; other inputs must be paced by the reader.
    virtual bool is_live_device() const = 0;
    // A live source whose pts is already the recorder's clock (monotonic_us()) at the moment of
    // capture; otherwise the reader stamps a live frame with the time it was read.
    virtual bool stamps_on_clock() const { return false; }
    // An unchanged picture comes again in the same buffer, and a different buffer always holds a
    // different picture: the output tells them apart without comparing pixels.
    virtual bool shares_unchanged_pictures() const { return false; }
    // Live devices start capturing when opened: discards what they buffered since. Returns the ms dropped.
    virtual int skip_buffered() { return 0; }
    // Pictures: their size. Sound: 0.
    virtual int width() const = 0;
    virtual int height() const = 0;
    // What it delivers, for `doctor`: "1920x1080 yuv420p (X11 ...)", "48000 Hz, 1 channel(s)".
    virtual std::string describe() const = 0;
};

}  // namespace wt::recorder
