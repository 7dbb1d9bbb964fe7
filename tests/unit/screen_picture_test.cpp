// The X11 source's picture buffers (recorder/screen_picture.hpp) without a display: a picture the
// encoder holds is never written, a spare is brought up to date with exactly the rows written since
// it was the picture, and the buffers stay few however far the encoder falls behind.
#include <doctest/doctest.h>

#include <cstdint>
#include <vector>

#include "avkit/av_ptr.hpp"
#include "recorder/screen_picture.hpp"

using wt::recorder::ScreenPicture;
namespace av = wt::av;

namespace {

constexpr int k_width = 8, k_height = 6;

av::FramePtr hold(const AVFrame* f) {
    av::FramePtr ref = av::make_frame();
    REQUIRE(ref);
    REQUIRE(av_frame_ref(ref.get(), f) == 0);
    return ref;
}

// Luma rows [from, to) and their chroma rows set to one value each, as the X11 source writes a band.
void paint(ScreenPicture& p, int from, int to, std::uint8_t y, std::uint8_t uv) {
    AVFrame* f = p.current();
    for (int r = from; r < to; ++r) std::fill_n(f->data[0] + r * f->linesize[0], k_width, y);
    for (int r = from / 2; r < to / 2; ++r) {
        std::fill_n(f->data[1] + r * f->linesize[1], k_width / 2, uv);
        std::fill_n(f->data[2] + r * f->linesize[2], k_width / 2, uv);
    }
    p.mark_rows(from, to);
}

// Each luma row's value (its first pixel, checking the row is even) and each chroma row's, U = V.
struct Rows {
    std::vector<int> y, uv;
    bool operator==(const Rows&) const = default;
};
Rows rows_of(const AVFrame* f) {
    Rows out;
    for (int r = 0; r < k_height; ++r) {
        const std::uint8_t* row = f->data[0] + r * f->linesize[0];
        bool even = true;
        for (int x = 1; x < k_width; ++x) even = even && row[x] == row[0];
        out.y.push_back(even ? row[0] : -1);
    }
    for (int r = 0; r < k_height / 2; ++r) {
        const std::uint8_t u = f->data[1][r * f->linesize[1]], v = f->data[2][r * f->linesize[2]];
        out.uv.push_back(u == v ? u : -1);
    }
    return out;
}

}  // namespace

TEST_CASE("a held picture is never written; spares catch up by the rows changed since they were current") {
    ScreenPicture p;
    REQUIRE(p.allocate(k_width, k_height));
    const Rows black{{16, 16, 16, 16, 16, 16}, {128, 128, 128}};
    CHECK(rows_of(p.current()) == black);

    av::FramePtr first = hold(p.current());  // the encoder has picture 0
    REQUIRE(p.begin_change());
    CHECK(p.current()->data[0] != first->data[0]);
    paint(p, 0, 2, 200, 90);
    CHECK(rows_of(first.get()) == black);
    CHECK(rows_of(p.current()) == Rows{{200, 200, 16, 16, 16, 16}, {90, 128, 128}});
    CHECK(p.buffers() == 2);

    av::FramePtr second = hold(p.current());  // the encoder takes picture 1 and lets picture 0 go
    const std::uint8_t* buffer_of_first = first->data[0];
    first.reset();
    REQUIRE(p.begin_change());
    CHECK(p.current()->data[0] == buffer_of_first);  // picture 0's buffer again, not a new one
    CHECK(rows_of(p.current()) == rows_of(second.get()));  // caught up: rows 0-1 copied over
    paint(p, 4, 6, 50, 60);
    CHECK(rows_of(second.get()) == Rows{{200, 200, 16, 16, 16, 16}, {90, 128, 128}});

    av::FramePtr third = hold(p.current());  // picture 2; picture 1's buffer is free
    second.reset();
    REQUIRE(p.begin_change());
    // Picture 1's buffer lacked rows 4-5 only; rows 0-1 it had.
    CHECK(rows_of(p.current()) == Rows{{200, 200, 16, 16, 50, 50}, {90, 128, 60}});
    paint(p, 2, 4, 70, 80);
    CHECK(rows_of(third.get()) == Rows{{200, 200, 16, 16, 50, 50}, {90, 128, 60}});
    CHECK(rows_of(p.current()) == Rows{{200, 200, 70, 70, 50, 50}, {90, 80, 60}});
    CHECK(p.buffers() == 2);
}

TEST_CASE("a picture nobody else holds is written in place") {
    ScreenPicture p;
    REQUIRE(p.allocate(k_width, k_height));
    const std::uint8_t* buffer = p.current()->data[0];
    for (int i = 0; i < 3; ++i) {
        REQUIRE(p.begin_change());
        paint(p, 2, 4, static_cast<std::uint8_t>(30 + i), 100);
    }
    CHECK(p.current()->data[0] == buffer);
    CHECK(p.buffers() == 1);
    CHECK(rows_of(p.current()) == Rows{{16, 16, 32, 32, 16, 16}, {128, 100, 128}});
}

TEST_CASE("an encoder that holds every picture gets copies, and the spares stay at most three") {
    ScreenPicture p;
    REQUIRE(p.allocate(k_width, k_height));
    std::vector<av::FramePtr> held;
    std::vector<Rows> seen;
    for (int i = 0; i < 8; ++i) {
        held.push_back(hold(p.current()));
        seen.push_back(rows_of(p.current()));
        REQUIRE(p.begin_change());
        CHECK(rows_of(p.current()) == seen.back());  // the new buffer starts as the picture was
        paint(p, (i % 3) * 2, (i % 3) * 2 + 2, static_cast<std::uint8_t>(20 + i), static_cast<std::uint8_t>(40 + i));
        CHECK(p.buffers() <= 4);
    }
    for (size_t i = 0; i < held.size(); ++i) CHECK(rows_of(held[i].get()) == seen[i]);
    // Once the encoder lets go, a spare is used again and catches up with all it missed.
    const Rows now = rows_of(p.current());
    held.clear();
    av::FramePtr last = hold(p.current());
    REQUIRE(p.begin_change());
    CHECK(p.current()->data[0] != last->data[0]);
    CHECK(rows_of(p.current()) == now);
    CHECK(p.buffers() == 4);
}
