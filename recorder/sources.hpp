#pragma once
// Opening the recorder's sources as start() and check_sources() need them (internal to recorder/).
#include <memory>
#include <string>

#include "recorder/capture_input.hpp"
#include "recorder/frame_source.hpp"
#include "recorder/recorder.hpp"

namespace wt::recorder {

struct OpenedScreen {
    std::unique_ptr<FrameSource> source;
    // Set when x11grab records the screen because the X server lacks what the own path needs.
    std::string fallback_reason;
};

// The screen (own X11 source, x11grab as the fallback) or --video-input.
Result<OpenedScreen> open_screen(const RecordOptions& options);
// The microphone (PulseAudio, else ALSA's default device) or --audio-input.
Result<std::unique_ptr<FrameSource>> open_microphone(const RecordOptions& options);

}  // namespace wt::recorder
