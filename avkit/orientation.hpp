#pragma once
// How a video's pictures are turned for display. Phones store a portrait recording as landscape
// pictures with a display matrix that turns them upright (MP4's track matrix, which libavformat
// hands out as AV_PKT_DATA_DISPLAYMATRIX side data on the stream; `ffmpeg -metadata:s:v:0 rotate=90`
// writes one). Everything that shows or measures a picture (probing, thumbnails, the player,
// snapshots) turns it the same way, the way the ffmpeg tool does.
#include <cstdint>
#include <utility>

#include "avkit/av_ptr.hpp"
#include "common/result.hpp"

namespace wt::av {

// One of the eight quarter turns and mirrors, as the display matrix's linear part. A stored
// pixel (x, y), y downwards, is shown at x' = xx * x + xy * y, y' = yx * x + yy * y, moved back
// into the picture; each entry is -1, 0 or 1.
struct Orientation {
    int xx = 1, xy = 0, yx = 0, yy = 1;

    bool is_identity() const { return xx == 1 && yy == 1; }
    bool swaps_axes() const { return xx == 0; }  // a quarter turn: the shown width is the stored height
    bool mirrored() const { return xx * yy - xy * yx < 0; }
    // The turn clockwise on screen, 0/90/180/270, applied after mirroring left to right when mirrored().
    int clockwise_degrees() const;
    // The size shown for a stored w x h picture.
    std::pair<int, int> shown_size(int w, int h) const { return swaps_axes() ? std::pair{h, w} : std::pair{w, h}; }
    bool operator==(const Orientation&) const = default;
};

// From a display matrix as libavutil/display.h lays it out (16.16 and 2.30 fixed point). A
// matrix that is not a quarter turn or mirror (an arbitrary angle, a scale, a singular one) is
// shown as stored: the identity.
Orientation orientation_from_matrix(const std::int32_t matrix[9]);

// The stream's display matrix, if it has one; otherwise the identity.
Orientation stream_orientation(const AVStream* stream);

// A new picture holding `picture` (8-bit planar YUV with equal horizontal and vertical chroma
// subsampling, e.g. yuv420p, or 8-bit gray) turned as shown.
Result<FramePtr> turned_picture(const AVFrame& picture, Orientation orientation);

}  // namespace wt::av
