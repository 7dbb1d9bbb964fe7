#pragma once
// Test media the ffmpeg CLI cannot make: packets damaged on purpose, and pictures turned by a
// display matrix with mirrors (FFmpeg 5.1's CLI only writes rotations). Written with libav directly.
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

struct AVPacket;
struct AVStream;

namespace wt::test {

struct RemuxEdit {
    std::function<void(AVStream* out)> stream = nullptr;            // after its parameters are copied
    std::function<void(AVPacket* packet, int n)> packet = nullptr;  // n: the packet's number in its stream
};

// Copies every packet of `in` into `out` (the container chosen by the extension), changed only by
// `edit`; REQUIREs success.
void remux(const std::filesystem::path& in, const std::filesystem::path& out, const RemuxEdit& edit);

// A copy of `in` whose video stream carries a display matrix: av_display_rotation_set(angle) (the
// matrix `-metadata:s:v:0 rotate=<angle>` writes), then av_display_matrix_flip(hflip, vflip).
void turn(const std::filesystem::path& in, const std::filesystem::path& out, double angle, bool hflip = false,
          bool vflip = false);

// A turn as turn() takes it, named for messages.
struct Turn {
    const char* name;
    double angle;
    bool hflip = false, vflip = false;
};
// One of each kind: the three quarter turns (90 is what `-metadata:s:v:0 rotate=90` writes), the two
// mirrors, and a quarter turn with a mirror.
extern const std::vector<Turn> kTurns;

// A 1 s clip WIDTHxHEIGHT in four flat quadrants, red top-left, green top-right, blue bottom-left,
// white bottom-right: any turn or mirror of it shows in its corners.
std::filesystem::path make_quadrants(const std::filesystem::path& file, int width, int height,
                                     const std::string& codec = "libx264");

struct Picture {
    int width = 0, height = 0;
    std::string rgb;  // rgb24 rows top to bottom
    // The colour at (x, y) as the name of the quadrant colour it is nearest: "red", "green",
    // "blue", "white" (or "other").
    std::string colour_at(int x, int y) const;
    // Corner colours a few pixels in: top-left, top-right, bottom-left, bottom-right.
    std::string corners() const;
};

// The first picture of `file` (a video or an image) as the ffmpeg CLI shows it (or its last one,
// `last`): turned by its display matrix, as ffmpeg does by default. For a video, the reference for
// what our own outputs must show; for our PNGs and JPEGs, what they show.
Picture picture_by_ffmpeg(const std::filesystem::path& file, bool last = false);

}  // namespace wt::test
