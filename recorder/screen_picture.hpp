#pragma once
// The X11 source's picture: handed out by reference (av_frame_ref) to the encoder, and changed row by
// row as the screen changes. A picture somebody still holds is never written; the change goes into a
// spare buffer nobody holds, which then takes from the picture before only the rows that changed since
// it was last the picture and were not written again now, instead of a fresh copy of the whole
// picture (3 MB at 1080p) for every changed picture, which av_frame_make_writable would make.
#include <cstdint>
#include <optional>
#include <vector>

#include "avkit/av_ptr.hpp"
#include "common/result.hpp"

namespace wt::recorder {

class ScreenPicture {
public:
    // A black yuv420p picture, BT.709 limited range; `width` and `height` even.
    Result<void> allocate(int width, int height);

    // The picture as it is now: to read, or to hand out with av_frame_ref.
    AVFrame* current() const { return current_.get(); }

    // Before the first write of a changed picture: afterwards current() is a buffer nobody else holds,
    // to write, and previous() the picture as it was, to compare with. Every row written is told to
    // mark_rows(); then finish_change() completes current() with the rows not written.
    Result<void> begin_change();
    const AVFrame* previous() const { return previous_ ? previous_.get() : current_.get(); }
    // Luma rows [from, to) and columns [left, right) (even bounds; their chroma with them) are written
    // in this change: the rest of those rows is brought up to date here.
    void mark_rows(int from, int to, int left, int right);
    // Once the change is written (does nothing when no change was begun).
    void finish_change();

    // Buffers in all, the current one included (for tests and the figures).
    int buffers() const { return static_cast<int>(spares_.size()) + (current_ ? 1 : 0); }

private:
    struct Spare {
        av::FramePtr frame;
        std::uint64_t version = 0;  // the picture's version it holds
    };
    av::FramePtr current_;
    av::FramePtr previous_;                        // during a change: a reference to the picture before it
    std::optional<std::uint64_t> catch_up_since_;  // during a change into a spare: the version it holds
    std::uint64_t version_ = 0;                    // raised by each begin_change()
    std::vector<std::uint64_t> row_pair_version_;  // the version that last wrote luma rows 2i, 2i+1
    std::vector<Spare> spares_;                    // former pictures, at most k_max_spares
};

}  // namespace wt::recorder
