// The YCbCr → RGB numbers the shaders get, which conversion a frame's tags select, and letterboxing.
#include <array>
#include <cmath>
#include <limits>

#include <doctest/doctest.h>

#include "avkit/av_ptr.hpp"
#include "player/colour.hpp"

using namespace wt::player;

namespace {

struct Row {
    float y, cb, cr, offset;
};

// The expected RGB of each test colour, derived by hand from Kr/Kb (BT.601 0.299/0.114, BT.709 0.2126/0.0722) with
// limited range Y 16–235 / C 16–240 and full-range chroma (code − 128) / 255.
struct Expected {
    ColourSpec spec;
    Row r, g, b;
};
const Expected kTable[] = {
    {{Matrix::bt601, Range::limited},
     {1.16438f, 0, 1.59603f, -0.87420f},
     {1.16438f, -0.39176f, -0.81297f, 0.53167f},
     {1.16438f, 2.01723f, 0, -1.08563f}},
    {{Matrix::bt601, Range::full},
     {1, 0, 1.40200f, -0.70375f},
     {1, -0.34414f, -0.71414f, 0.53121f},
     {1, 1.77200f, 0, -0.88947f}},
    {{Matrix::bt709, Range::limited},
     {1.16438f, 0, 1.79274f, -0.97295f},
     {1.16438f, -0.21325f, -0.53291f, 0.30148f},
     {1.16438f, 2.11240f, 0, -1.13340f}},
    {{Matrix::bt709, Range::full},
     {1, 0, 1.57480f, -0.79049f},
     {1, -0.18732f, -0.46812f, 0.32901f},
     {1, 1.85560f, 0, -0.93144f}},
};

void check_row(const ColourTransform& t, int i, const Row& want) {
    // The table is rounded to 5 decimals.
    CHECK(std::abs(t.rows[i][0] - want.y) < 2e-5f);
    CHECK(std::abs(t.rows[i][1] - want.cb) < 2e-5f);
    CHECK(std::abs(t.rows[i][2] - want.cr) < 2e-5f);
    CHECK(std::abs(t.offset[i] - want.offset) < 2e-5f);
}

// What the shader computes, in 8-bit codes.
std::array<double, 3> apply(const ColourTransform& t, double y, double cb, double cr) {
    std::array<double, 3> rgb{};
    for (int i = 0; i < 3; ++i)
        rgb[i] = 255.0 * (t.rows[i][0] * y / 255 + t.rows[i][1] * cb / 255 + t.rows[i][2] * cr / 255 + t.offset[i]);
    return rgb;
}

}  // namespace

TEST_CASE("matrix and offset for BT.601 / BT.709 x limited / full match the hand-computed table") {
    for (const auto& e : kTable) {
        CAPTURE(name(e.spec.matrix));
        CAPTURE(name(e.spec.range));
        const ColourTransform t = yuv_to_rgb(e.spec);
        check_row(t, 0, e.r);
        check_row(t, 1, e.g);
        check_row(t, 2, e.b);
    }
}

TEST_CASE("the transform undoes the standard RGB -> YCbCr encoding") {
    const double colours[][3] = {{255, 0, 0}, {0, 255, 0}, {0, 0, 255}, {200, 100, 50}, {17, 230, 128}};
    for (const auto& e : kTable) {
        CAPTURE(name(e.spec.matrix));
        CAPTURE(name(e.spec.range));
        const double kr = e.spec.matrix == Matrix::bt601 ? 0.299 : 0.2126;
        const double kb = e.spec.matrix == Matrix::bt601 ? 0.114 : 0.0722;
        const bool full = e.spec.range == Range::full;
        const ColourTransform t = yuv_to_rgb(e.spec);

        const auto black = apply(t, full ? 0 : 16, 128, 128);
        const auto white = apply(t, full ? 255 : 235, 128, 128);
        for (int i = 0; i < 3; ++i) {
            CHECK(std::abs(black[i]) < 1e-3);
            CHECK(std::abs(white[i] - 255) < 1e-3);
        }
        for (const auto& c : colours) {
            const double r = c[0] / 255, g = c[1] / 255, b = c[2] / 255;
            const double y = kr * r + (1 - kr - kb) * g + kb * b;
            const double pb = (b - y) / (2 * (1 - kb)), pr = (r - y) / (2 * (1 - kr));
            const double y_code = full ? 255 * y : 16 + 219 * y;
            const double c_scale = full ? 255 : 224;
            const auto rgb = apply(t, y_code, 128 + c_scale * pb, 128 + c_scale * pr);
            for (int i = 0; i < 3; ++i) CHECK(std::abs(rgb[i] - c[i]) < 0.01);
        }
    }
}

TEST_CASE("the matrix comes from the colorspace tag, else from the size") {
    const auto matrix = [](AVColorSpace s, int w, int h) {
        return choose_colour(s, AVCOL_RANGE_MPEG, AV_PIX_FMT_YUV420P, w, h).matrix;
    };
    CHECK(matrix(AVCOL_SPC_BT709, 640, 480) == Matrix::bt709);
    CHECK(matrix(AVCOL_SPC_BT470BG, 1920, 1080) == Matrix::bt601);
    CHECK(matrix(AVCOL_SPC_SMPTE170M, 1920, 1080) == Matrix::bt601);
    CHECK(matrix(AVCOL_SPC_FCC, 1920, 1080) == Matrix::bt601);
    CHECK(matrix(AVCOL_SPC_SMPTE240M, 640, 480) == Matrix::bt709);
    // Untagged: w >= 1280 || h > 576 means HD.
    CHECK(matrix(AVCOL_SPC_UNSPECIFIED, 1920, 1080) == Matrix::bt709);
    CHECK(matrix(AVCOL_SPC_UNSPECIFIED, 1280, 480) == Matrix::bt709);
    CHECK(matrix(AVCOL_SPC_UNSPECIFIED, 1279, 576) == Matrix::bt601);
    CHECK(matrix(AVCOL_SPC_UNSPECIFIED, 720, 576) == Matrix::bt601);
    CHECK(matrix(AVCOL_SPC_UNSPECIFIED, 1024, 577) == Matrix::bt709);
    CHECK(matrix(AVCOL_SPC_UNSPECIFIED, 320, 240) == Matrix::bt601);
    // Matrices we have no shader numbers for fall back to the same guess.
    CHECK(matrix(AVCOL_SPC_BT2020_NCL, 3840, 2160) == Matrix::bt709);
    CHECK(matrix(AVCOL_SPC_RGB, 640, 480) == Matrix::bt601);
}

TEST_CASE("the range comes from the range tag or a yuvj format; untagged is limited") {
    const auto range = [](AVColorRange r, AVPixelFormat f) {
        return choose_colour(AVCOL_SPC_BT709, r, f, 1920, 1080).range;
    };
    CHECK(range(AVCOL_RANGE_JPEG, AV_PIX_FMT_YUV420P) == Range::full);
    CHECK(range(AVCOL_RANGE_MPEG, AV_PIX_FMT_YUV420P) == Range::limited);
    CHECK(range(AVCOL_RANGE_UNSPECIFIED, AV_PIX_FMT_YUV420P) == Range::limited);
    CHECK(range(AVCOL_RANGE_UNSPECIFIED, AV_PIX_FMT_NV12) == Range::limited);
    CHECK(range(AVCOL_RANGE_UNSPECIFIED, AV_PIX_FMT_YUVJ420P) == Range::full);
    CHECK(range(AVCOL_RANGE_JPEG, AV_PIX_FMT_YUVJ422P) == Range::full);
}

TEST_CASE("choose_colour reads an AVFrame's tags and size") {
    wt::av::FramePtr f = wt::av::make_frame();
    REQUIRE(f);
    f->width = 1280;
    f->height = 720;
    f->format = AV_PIX_FMT_YUV420P;
    CHECK(choose_colour(*f) == ColourSpec{Matrix::bt709, Range::limited});
    f->colorspace = AVCOL_SPC_SMPTE170M;
    f->color_range = AVCOL_RANGE_JPEG;
    CHECK(choose_colour(*f) == ColourSpec{Matrix::bt601, Range::full});
    f->colorspace = AVCOL_SPC_UNSPECIFIED;
    f->color_range = AVCOL_RANGE_UNSPECIFIED;
    f->format = AV_PIX_FMT_YUVJ420P;
    f->width = 640;
    f->height = 480;
    CHECK(choose_colour(*f) == ColourSpec{Matrix::bt601, Range::full});

    CHECK(sample_aspect(*f) == 1.0);  // 0/1: unknown means square
    f->sample_aspect_ratio = AVRational{16, 15};
    CHECK(sample_aspect(*f) == doctest::Approx(16.0 / 15));
}

TEST_CASE("names") {
    CHECK(name(Matrix::bt601) == "bt601");
    CHECK(name(Matrix::bt709) == "bt709");
    CHECK(name(Range::limited) == "limited");
    CHECK(name(Range::full) == "full");
}

TEST_CASE("letterbox keeps the display aspect ratio, centred, in whole pixels") {
    // Wider box than picture: bars left and right.
    CHECK(letterbox(1920, 1080, 1.0, 800, 600) == Rect{0, 75, 800, 450});
    CHECK(letterbox(1080, 1920, 1.0, 800, 600) == Rect{231, 0, 338, 600});
    // Exact fit.
    CHECK(letterbox(1280, 720, 1.0, 640, 360) == Rect{0, 0, 640, 360});
    // PAL 4:3 with non-square pixels: 720x576 at 16:15 shows as 768x576.
    CHECK(letterbox(720, 576, 16.0 / 15, 1000, 500) == Rect{166, 0, 667, 500});
    CHECK(letterbox(720, 576, 16.0 / 15, 768, 1000) == Rect{0, 212, 768, 576});
    // Anamorphic 16:9 DVD: 720x480 at 32:27 is 853x480.
    const Rect wide = letterbox(720, 480, 32.0 / 27, 1920, 1080);
    CHECK(wide.w / wide.h == doctest::Approx(16.0 / 9).epsilon(0.002));
    CHECK(wide.h == 1080);
    // Unknown pixel aspect (0, NaN, negative) means square.
    CHECK(letterbox(640, 480, 0.0, 640, 480) == Rect{0, 0, 640, 480});
    CHECK(letterbox(640, 480, std::numeric_limits<double>::quiet_NaN(), 640, 480) == Rect{0, 0, 640, 480});
    CHECK(letterbox(640, 480, -2.0, 1280, 480) == Rect{320, 0, 640, 480});
    // Nothing to show, or nowhere to show it.
    CHECK(letterbox(0, 480, 1.0, 640, 480) == Rect{});
    CHECK(letterbox(640, 480, 1.0, 0, 480) == Rect{});
    CHECK(letterbox(640, 480, 1.0, 640, -1) == Rect{});
}
