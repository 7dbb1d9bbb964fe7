#include "recorder/screen_picture.hpp"

#include <algorithm>
#include <cstring>
#include <utility>

namespace wt::recorder {

namespace {

// The encoder holds the picture it encoded last (to recognise an unchanged screen) and the queue a
// few more when it falls behind: three spares cover the first, with room for the others.
constexpr std::size_t k_max_spares = 3;

av::FramePtr new_picture(int width, int height) {
    av::FramePtr f = av::make_frame();
    if (!f) return f;
    f->format = AV_PIX_FMT_YUV420P;
    f->width = width;
    f->height = height;
    f->color_primaries = AVCOL_PRI_BT709;
    f->color_trc = AVCOL_TRC_BT709;
    f->colorspace = AVCOL_SPC_BT709;
    f->color_range = AVCOL_RANGE_MPEG;
    if (av_frame_get_buffer(f.get(), 0) < 0) return av::FramePtr();
    return f;
}

// Luma rows [2 * from, 2 * to), columns [left, right) (even), and their chroma, from `src` to `dst`
// (the same size).
void copy_row_pairs(const AVFrame* src, AVFrame* dst, int from, int to, int left, int right) {
    if (left >= right) return;
    auto rows = [&](int plane, int first, int count, int x, int bytes) {
        for (int r = first; r < first + count; ++r) {
            std::memcpy(dst->data[plane] + static_cast<std::ptrdiff_t>(r) * dst->linesize[plane] + x,
                        src->data[plane] + static_cast<std::ptrdiff_t>(r) * src->linesize[plane] + x,
                        static_cast<size_t>(bytes));
        }
    };
    rows(0, 2 * from, 2 * (to - from), left, right - left);
    rows(1, from, to - from, left / 2, (right - left) / 2);
    rows(2, from, to - from, left / 2, (right - left) / 2);
}

}  // namespace

Result<void> ScreenPicture::allocate(int width, int height) {
    current_ = new_picture(width, height);
    if (!current_) return fail(ErrorCode::internal, "out of memory for the screen picture");
    AVFrame* p = current_.get();
    std::memset(p->data[0], 16, static_cast<size_t>(p->linesize[0]) * static_cast<size_t>(height));
    for (int plane : {1, 2}) {
        std::memset(p->data[plane], 128, static_cast<size_t>(p->linesize[plane]) * static_cast<size_t>(height / 2));
    }
    version_ = 0;
    row_pair_version_.assign(static_cast<size_t>(height / 2), 0);
    spares_.clear();
    return {};
}

Result<void> ScreenPicture::begin_change() {
    if (!current_) return fail(ErrorCode::internal, "the screen picture was not allocated");
    finish_change();
    const std::uint64_t before = version_++;
    // Nobody else holds it (the encoder let it go): written in place.
    if (av_frame_is_writable(current_.get())) return {};
    previous_ = av::make_frame();
    if (!previous_ || av_frame_ref(previous_.get(), current_.get()) < 0)
        return fail(ErrorCode::internal, "out of memory for the screen picture");
    auto free_spare = std::find_if(spares_.begin(), spares_.end(),
                                   [](const Spare& s) { return av_frame_is_writable(s.frame.get()) != 0; });
    if (free_spare != spares_.end()) {
        catch_up_since_ = free_spare->version;
        std::swap(free_spare->frame, current_);
        free_spare->version = before;  // now the picture handed out before this change
        return {};
    }
    av::FramePtr fresh = new_picture(current_->width, current_->height);
    if (!fresh || av_frame_copy(fresh.get(), current_.get()) < 0)
        return fail(ErrorCode::internal, "out of memory for the screen picture");
    // Every spare is held (the encoder fell behind): one more buffer while there may be more, else
    // the held picture is left to its holders.
    if (spares_.size() < k_max_spares) spares_.push_back({std::move(current_), before});
    current_ = std::move(fresh);
    return {};
}

void ScreenPicture::finish_change() {
    if (catch_up_since_) {
        // Rows written after the spare was the picture, but not in this change, from the picture before.
        const std::uint64_t since = *catch_up_since_;
        auto stale = [&](int i) {
            const std::uint64_t v = row_pair_version_[static_cast<size_t>(i)];
            return v > since && v != version_;
        };
        const int pairs = static_cast<int>(row_pair_version_.size());
        for (int i = 0; i < pairs;) {
            if (!stale(i)) {
                ++i;
                continue;
            }
            int end = i + 1;
            while (end < pairs && stale(end)) ++end;
            copy_row_pairs(previous_.get(), current_.get(), i, end, 0, current_->width);
            i = end;
        }
        catch_up_since_.reset();
    }
    previous_.reset();
}

void ScreenPicture::mark_rows(int from, int to, int left, int right) {
    const int last = std::min(static_cast<int>(row_pair_version_.size()), (to + 1) / 2);
    for (int i = std::max(0, from / 2); i < last; ++i) {
        std::uint64_t& v = row_pair_version_[static_cast<size_t>(i)];
        // A spare behind on this row takes the columns around the written ones now: finish_change()
        // leaves the rows of this change alone.
        if (catch_up_since_ && v > *catch_up_since_ && v != version_) {
            copy_row_pairs(previous_.get(), current_.get(), i, i + 1, 0, left);
            copy_row_pairs(previous_.get(), current_.get(), i, i + 1, right, current_->width);
        }
        v = version_;
    }
}

}  // namespace wt::recorder
