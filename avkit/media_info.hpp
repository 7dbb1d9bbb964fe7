#pragma once
// Reading what a video file holds, and drawing a thumbnail from it.
// Thread-safety: every function here is self-contained and may run on any thread.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "common/result.hpp"

namespace wt::av {

struct StreamInfo {
    int index = 0;
    std::string type;        // "video", "audio", "subtitle", "data", "attachment", "unknown"
    std::string codec;       // libav codec name, e.g. "h264", "opus"; "unknown" if libav has none
    bool decodable = false;  // a decoder exists (for video: the first frame was decoded)
    std::int64_t bit_rate = 0;
    // video
    int width = 0;  // as shown: turned by the stream's display matrix (avkit/orientation.hpp)
    int height = 0;
    int rotation = 0;       // the clockwise turn from stored to shown, 0/90/180/270
    bool mirrored = false;  // mirrored left to right before that turn
    double frame_rate = 0;  // average frame rate; 0 when unknown
    std::string pixel_format;
    // audio
    int sample_rate = 0;
    int channels = 0;
};

struct MediaInfo {
    std::string container;  // libav demuxer name, e.g. "mov,mp4,m4a,3gp,3g2,mj2"
    std::int64_t duration_ms = 0;
    std::int64_t size_bytes = 0;
    int width = 0;  // of the chosen video stream, as shown (turned upright)
    int height = 0;
    std::string video_codec;  // of the chosen video stream; empty when there is none
    std::string audio_codec;  // of the best audio stream; empty when there is none
    bool has_decodable_video = false;
    std::vector<StreamInfo> streams;
};

// Opens and inspects `file`. Fails (bad_media / not_found / io) with a message naming the file and
// the problem when it cannot be read as media at all: missing, empty, not a media file, damaged header.
// A readable file without usable video succeeds with has_decodable_video = false.
Result<MediaInfo> probe(const std::filesystem::path& file);

// Decodes a representative frame (about 10 % into the video, at least past the first second when the
// video is longer than 2 s, falling back to the first decodable frame), turns it upright as its display
// matrix says, scales it to at most `max_width` pixels wide keeping the aspect ratio, and writes it as a baseline JPEG
// to `jpeg_out` (written to a temporary name first, then renamed, so a half-written thumbnail never appears).
Result<void> write_thumbnail(const std::filesystem::path& video, const std::filesystem::path& jpeg_out,
                             int max_width = 480);

// libav prints warnings and encoder banners to stderr; every failure reaches callers as a Result
// instead, so only its errors are kept (unless someone already chose a level).
void quiet_logs();

// Whether libavcodec has an encoder of this name ("libx264", "libopus", "libsvtav1", "mjpeg").
bool has_encoder(const char* name);

}  // namespace wt::av
