#include "recorder/sources.hpp"

#include <cstdio>
#include <fstream>

#include <fmt/format.h>

#include "avkit/media_info.hpp"
#include "recorder/pulse_input.hpp"
#include "recorder/x11_screen.hpp"
#include "recorder/x11_trap.hpp"

namespace wt::recorder {

namespace {

// Which display and which part of it, from the options; no X connection yet.
Result<ScreenTarget> screen_target(const RecordOptions& o) {
    ScreenTarget t;
    auto display = x11::display_name(o.display);
    if (!display) return std::unexpected(display.error());
    t.display = *display;
    t.fps = o.fps;
    if (o.window && o.region) return fail(ErrorCode::invalid_input, "--window and --region cannot be used together");
    t.window = o.window;
    if (o.region) {
        int x = 0, y = 0, w = 0, h = 0;
        char tail = 0;
        if (std::sscanf(o.region->c_str(), "%d,%d,%dx%d%c", &x, &y, &w, &h, &tail) != 4 || x < 0 || y < 0 || w < 2 ||
            h < 2) {
            return fail(ErrorCode::invalid_input,
                        fmt::format("'{}' is not a region; write X,Y,WxH (e.g. 0,0,1280x720)", *o.region));
        }
        t.region = ScreenRect{x, y, w, h};
    }
    return t;
}

// The same through libavdevice's x11grab: the fallback when the X server lacks MIT-SHM, XDamage
// or XFixes, or has a pixel format the own path does not convert.
InputSpec x11grab_spec(const ScreenTarget& t) {
    InputSpec spec{"x11grab",
                   t.display,
                   {{"framerate", std::to_string(t.fps)}, {"draw_mouse", "1"}},
                   fmt::format("the screen (DISPLAY={})", t.display)};
    if (t.window) {
        spec.options.push_back({"window_id", std::to_string(*t.window)});
        spec.what = fmt::format("window {:#x} on DISPLAY={}", *t.window, t.display);
    }
    if (t.region) {
        spec.url += fmt::format("+{},{}", t.region->x, t.region->y);
        spec.options.push_back({"video_size", fmt::format("{}x{}", t.region->width, t.region->height)});
    }
    return spec;
}

Result<OpenedScreen> cannot_record(const ScreenTarget& t, const std::string& why) {
    return fail(ErrorCode::not_found, fmt::format("cannot record the screen: {}. Check that the X server at DISPLAY={} "
                                                  "is running and that you may use it",
                                                  why, t.display));
}

}  // namespace

Result<OpenedScreen> open_screen(const RecordOptions& o) {
    if (o.video_input) {
        auto in = CaptureInput::open(parse_input_spec(*o.video_input, "--video-input"), AVMEDIA_TYPE_VIDEO);
        if (!in) return std::unexpected(in.error());
        return OpenedScreen{std::move(*in), {}};
    }
    auto target = screen_target(o);
    if (!target) return std::unexpected(target.error());
    std::string why_not;
    auto own = X11Screen::open(*target, why_not);
    if (!own) {
        if (own.error().code == ErrorCode::io) return cannot_record(*target, own.error().message);
        return std::unexpected(own.error());
    }
    if (*own) return OpenedScreen{std::move(*own), {}};
    auto grab = CaptureInput::open(x11grab_spec(*target), AVMEDIA_TYPE_VIDEO);
    if (!grab) return cannot_record(*target, grab.error().message);
    return OpenedScreen{std::move(*grab), why_not};
}

Result<std::unique_ptr<FrameSource>> open_microphone(const RecordOptions& o) {
    auto no_microphone = [](const std::string& why) {
        return fail(ErrorCode::not_found, fmt::format("no microphone: {}. Plug one in, choose one with --mic NAME, or "
                                                      "record without sound with --no-mic",
                                                      why));
    };
    if (o.audio_input) {
        auto in = CaptureInput::open(parse_input_spec(*o.audio_input, "--audio-input"), AVMEDIA_TYPE_AUDIO);
        if (!in) return no_microphone(in.error().message);
        return std::unique_ptr<FrameSource>(std::move(*in));
    }
    auto pulse = PulseInput::open(o.mic);
    if (pulse) return std::unique_ptr<FrameSource>(std::move(*pulse));
    std::string why = pulse.error().message;
    // No PulseAudio running: ALSA's default device, if the kernel has a sound card at all
    // (without one, libasound prints its own errors to stderr).
    std::ifstream cards("/proc/asound/cards");
    std::string first_line;
    std::getline(cards, first_line);
    const bool has_card = !first_line.empty() && first_line.find("no soundcards") == std::string::npos;
    if (!o.mic && has_card) {
        auto alsa = CaptureInput::open({"alsa", "default", {}, "the microphone (ALSA)"}, AVMEDIA_TYPE_AUDIO);
        if (alsa) return std::unique_ptr<FrameSource>(std::move(*alsa));
        why += "; " + alsa.error().message;
    }
    return no_microphone(why);
}

SourceCheck check_sources(const RecordOptions& options) {
    av::quiet_logs();
    SourceCheck out;
    if (auto screen = open_screen(options)) {
        out.screen = screen->source->describe();
        if (!screen->fallback_reason.empty()) {
            *out.screen += fmt::format(" through x11grab ({})", screen->fallback_reason);
        }
    } else {
        out.screen = std::unexpected(screen.error());
    }
    if (auto mic = open_microphone(options)) {
        out.microphone = (*mic)->describe();
    } else {
        out.microphone = std::unexpected(mic.error());
    }
    return out;
}

}  // namespace wt::recorder
