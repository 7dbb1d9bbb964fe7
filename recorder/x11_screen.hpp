#pragma once
// The recorder's own X11 screen source: Xlib + MIT-SHM + XDamage + XFixes.
//
// Each tick (1/fps) the capture thread asks XDamage which rows changed since the last grab and
// where the pointer is. Nothing changed: the previous picture is handed out again (a new
// reference to the same buffer), with no grab, no conversion and no comparison. Something
// changed: only those rows are grabbed (XShmGetImage into one shared-memory image), the cursor
// (XFixes image, alpha-blended) is drawn into them, and they are converted to yuv420p BT.709 in
// the one persistent picture, copy-on-write when the queue or the encoder still holds the
// previous one. A damaged band that converts to the same pixels changes nothing, so a new buffer
// always means a new picture (shares_unchanged_pictures()).
//
// Owned by one thread once open() returns (Xlib is not used from two threads); interrupt() is
// the only call allowed from another thread.
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "recorder/frame_source.hpp"

namespace wt::recorder {

struct ScreenRect {
    int x = 0, y = 0, width = 0, height = 0;
};

struct ScreenTarget {
    std::string display;                  // as XOpenDisplay takes it: ":0"
    std::optional<ScreenRect> region;     // on the root window; nullopt = the whole screen
    std::optional<std::uint32_t> window;  // record this window instead of the root
    int fps = 30;
};

class X11Screen final : public FrameSource {
public:
    // An error when the display cannot be reached (ErrorCode::io) or the region or window is
    // wrong. nullptr with
    // `why_not` set when this server lacks what this path needs (MIT-SHM usable from here,
    // XDamage, XFixes, a 24/32-bit TrueColor visual): x11grab may still record it.
    static Result<std::unique_ptr<X11Screen>> open(const ScreenTarget& target, std::string& why_not);
    ~X11Screen() override;
    X11Screen(const X11Screen&) = delete;
    X11Screen& operator=(const X11Screen&) = delete;

    Result<av::FramePtr> next_frame() override;
    void interrupt() override;
    AVRational time_base() const override { return {1, 1'000'000}; }
    bool is_live_device() const override { return true; }
    bool stamps_on_clock() const override { return true; }
    bool shares_unchanged_pictures() const override { return true; }
    int width() const override;
    int height() const override;
    std::string describe() const override;

    struct State;  // the X resources and the picture, in x11_screen.cpp

private:
    X11Screen();
    Result<bool> update();  // grabs and converts what changed; whether the picture changed

    std::unique_ptr<State> s_;
    std::mutex wait_mutex_;
    std::condition_variable wait_;
    bool interrupted_ = false;  // guarded by wait_mutex_
};

}  // namespace wt::recorder
