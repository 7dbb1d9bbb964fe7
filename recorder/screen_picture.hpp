#pragma once
// The X11 source's picture: handed out by reference (av_frame_ref) to the encoder, and changed row by
// row as the screen changes. A picture somebody still holds is never written; the change goes into a
// spare buffer nobody holds, brought up to date by copying only the rows that changed since that
// buffer was last the picture, instead of a fresh copy of the whole picture (3 MB at 1080p) for every
// changed picture, which av_frame_make_writable would make.
#include <cstdint>
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

    // Before the first write of a changed picture: afterwards current() is a buffer nobody else
    // holds, with the same pixels as before. Call once per changed picture, then mark_rows().
    Result<void> begin_change();
    // Luma rows [from, to) (even bounds; their chroma rows with them) were written since begin_change().
    void mark_rows(int from, int to);

    // Buffers in all, the current one included (for tests and the figures).
    int buffers() const { return static_cast<int>(spares_.size()) + (current_ ? 1 : 0); }

private:
    struct Spare {
        av::FramePtr frame;
        std::uint64_t version = 0;  // the picture's version it holds
    };
    // Copies into `dst` the rows of the current picture written after `version`.
    void copy_rows_written_since(std::uint64_t version, AVFrame* dst) const;

    av::FramePtr current_;
    std::uint64_t version_ = 0;                  // raised by each begin_change()
    std::vector<std::uint64_t> row_pair_version_;  // the version that last wrote luma rows 2i, 2i+1
    std::vector<Spare> spares_;                  // former pictures, at most k_max_spares
};

}  // namespace wt::recorder
