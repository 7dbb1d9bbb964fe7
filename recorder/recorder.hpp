#pragma once
// The recorder's public face: screen + microphone into a crash-safe file in <library>/incoming/.
// The engine arrives with issue #3; these are the options `walkthrough record` maps onto.
#include <optional>
#include <string>

namespace wt::recorder {

enum class Quality { compact, balanced, high };

struct RecordOptions {
    std::string display;                 // ":0"; empty = $DISPLAY
    std::optional<std::string> region;   // "X,Y,WxH"
    int fps = 30;
    std::optional<std::string> mic;      // PulseAudio source name; nullopt = default source
    bool no_mic = false;
    double max_seconds = 0;              // 0 = until stopped
    Quality quality = Quality::compact;
    std::optional<std::string> video_input;  // "FMT:URL", any libavdevice/libavformat input
    std::optional<std::string> audio_input;
};

}  // namespace wt::recorder
