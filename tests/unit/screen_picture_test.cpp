// The X11 source's picture buffers (recorder/screen_picture.hpp) without a display: a picture the
// encoder holds is never written, a spare is brought up to date with exactly the rows written since
// it was the picture (and not over the rows written now), and the buffers stay few however far the
// encoder falls behind.
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
    p.mark_rows(from, to, 0, k_width);
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
    CHECK(p.previous()->data[0] == first->data[0]);  // what the change is compared with
    paint(p, 0, 2, 200, 90);
    p.finish_change();
    CHECK(rows_of(first.get()) == black);
    CHECK(rows_of(p.current()) == Rows{{200, 200, 16, 16, 16, 16}, {90, 128, 128}});
    CHECK(p.buffers() == 2);

    av::FramePtr second = hold(p.current());  // the encoder takes picture 1 and lets picture 0 go
    const std::uint8_t* buffer_of_first = first->data[0];
    first.reset();
    REQUIRE(p.begin_change());
    CHECK(p.current()->data[0] == buffer_of_first);  // picture 0's buffer again, not a new one
    paint(p, 4, 6, 50, 60);
    p.finish_change();
    CHECK(rows_of(p.current()) == Rows{{200, 200, 16, 16, 50, 50}, {90, 128, 60}});  // rows 0-1 caught up
    CHECK(rows_of(second.get()) == Rows{{200, 200, 16, 16, 16, 16}, {90, 128, 128}});

    av::FramePtr third = hold(p.current());  // picture 2; picture 1's buffer is free
    second.reset();
    REQUIRE(p.begin_change());
    // Picture 1's buffer lacked rows 4-5 only; rows 0-1 it had.
    paint(p, 2, 4, 70, 80);
    p.finish_change();
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
        CHECK(p.previous() == p.current());
        paint(p, 2, 4, static_cast<std::uint8_t>(30 + i), 100);
        p.finish_change();
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
        p.finish_change();
        CHECK(p.buffers() <= 4);
    }
    for (size_t i = 0; i < held.size(); ++i) CHECK(rows_of(held[i].get()) == seen[i]);
    // Once the encoder lets go, a spare is used again and catches up with all it missed.
    const Rows now = rows_of(p.current());
    held.clear();
    av::FramePtr last = hold(p.current());
    REQUIRE(p.begin_change());
    p.finish_change();
    CHECK(p.current()->data[0] != last->data[0]);
    CHECK(rows_of(p.current()) == now);
    CHECK(p.buffers() == 4);
}

TEST_CASE("rows written again in this change are not overwritten by the catch-up") {
    // A scroll: every row changes in every picture, and the spare is two pictures behind.
    ScreenPicture p;
    REQUIRE(p.allocate(k_width, k_height));
    av::FramePtr held = hold(p.current());
    REQUIRE(p.begin_change());
    paint(p, 0, 6, 40, 41);
    p.finish_change();
    av::FramePtr held2 = hold(p.current());
    held.reset();
    REQUIRE(p.begin_change());  // into picture 0's buffer, which lacks everything picture 1 wrote
    paint(p, 0, 4, 60, 61);     // rows 0-3 written again; rows 4-5 only caught up
    p.finish_change();
    CHECK(rows_of(p.current()) == Rows{{60, 60, 60, 60, 40, 40}, {61, 61, 41}});
    CHECK(rows_of(held2.get()) == Rows{{40, 40, 40, 40, 40, 40}, {41, 41, 41}});
}

TEST_CASE("a change to some columns of a row the spare is behind on brings the other columns up to date") {
    ScreenPicture p;
    REQUIRE(p.allocate(k_width, k_height));
    av::FramePtr held = hold(p.current());
    REQUIRE(p.begin_change());
    paint(p, 0, 2, 90, 91);  // picture 1: rows 0-1 whole
    p.finish_change();
    av::FramePtr held2 = hold(p.current());
    held.reset();
    REQUIRE(p.begin_change());  // picture 0's buffer: rows 0-1 still black
    AVFrame* f = p.current();
    for (int r = 0; r < 2; ++r) std::fill_n(f->data[0] + r * f->linesize[0] + 4, 4, std::uint8_t{30});
    std::fill_n(f->data[1] + 2, 2, std::uint8_t{31});
    std::fill_n(f->data[2] + 2, 2, std::uint8_t{31});
    p.mark_rows(0, 2, 4, 8);  // columns 4-7 written; 0-3 must come from picture 1
    p.finish_change();
    const std::uint8_t* y = f->data[0];
    CHECK(std::vector<int>(y, y + k_width) == std::vector<int>{90, 90, 90, 90, 30, 30, 30, 30});
    CHECK(std::vector<int>(f->data[1], f->data[1] + k_width / 2) == std::vector<int>{91, 91, 31, 31});
    CHECK(rows_of(p.current()).y == std::vector<int>{-1, -1, 16, 16, 16, 16});
}
