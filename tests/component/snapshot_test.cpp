// The GL colour path end to end (generated clips -> write_snapshot -> PNG, under a private Xvfb with
// Mesa), and the renderer on hand-made frames (padding, odd sizes, bottom-up, nv12, GL state).
// The exact-seek reader has its own suite, frame_reader_test.cpp.
#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include <doctest/doctest.h>
#include <fmt/format.h>

#define GL_GLEXT_PROTOTYPES 1
#include <GL/glcorearb.h>

#include "avkit/av_ptr.hpp"
#include "player/frame_reader.hpp"
#include "player/frame_renderer.hpp"
#include "player/snapshot.hpp"
#include "tests/capture_env.hpp"
#include "tests/media_edit.hpp"
#include "tests/support.hpp"

using namespace wt::player;
namespace fs = std::filesystem;
using wt::test::ffmpeg;
using wt::test::TempDir;

namespace {

// One private X server for the whole run; DISPLAY points at it unless a test changes it.
void use_virtual_screen() {
    static wt::test::VirtualScreen screen("640x480x24");
    ::setenv("DISPLAY", screen.display.c_str(), 1);
    static const bool pinned = [] {
        auto gl = HiddenGlContext::create();
        REQUIRE_MESSAGE(gl.has_value(), (gl ? "" : gl.error().message));
        keep_gl_driver_resident();  // for the whole run, not only where a FrameRenderer is made
        return true;
    }();
    (void)pinned;
}

// Sets an environment variable for one scope (nullptr: unset), then puts the old value back.
struct ScopedEnv {
    std::string name;
    std::optional<std::string> old;
    ScopedEnv(std::string n, const char* value) : name(std::move(n)) {
        if (const char* v = std::getenv(name.c_str())) old = v;
        if (value)
            ::setenv(name.c_str(), value, 1);
        else
            ::unsetenv(name.c_str());
    }
    ~ScopedEnv() {
        if (old)
            ::setenv(name.c_str(), old->c_str(), 1);
        else
            ::unsetenv(name.c_str());
    }
};

struct Rgb {
    int r = 0, g = 0, b = 0;
};
std::ostream& operator<<(std::ostream& os, Rgb c) { return os << '(' << c.r << ',' << c.g << ',' << c.b << ')'; }
int distance(Rgb a, Rgb b) { return std::max({std::abs(a.r - b.r), std::abs(a.g - b.g), std::abs(a.b - b.b)}); }

struct Image {
    int w = 0, h = 0;
    std::string rgb;
    Rgb at(int x, int y) const {
        const auto* p = reinterpret_cast<const unsigned char*>(rgb.data()) + (static_cast<std::size_t>(y) * w + x) * 3;
        return {p[0], p[1], p[2]};
    }
};

// Decoded by the ffmpeg CLI, so the check does not rely on our own PNG writer being right.
Image read_png(const fs::path& png, int w, int h) {
    const fs::path raw = fs::path(png) += ".rgb";
    ffmpeg({"-i", png.string(), "-f", "rawvideo", "-pix_fmt", "rgb24", raw.string()});
    Image img{w, h, wt::test::read_file(raw)};
    REQUIRE(img.rgb.size() == static_cast<std::size_t>(w) * h * 3);
    return img;
}

// Flat RGB patches in columns of the given widths and rows of the given heights, colours row by row.
struct Grid {
    std::vector<int> widths, heights;
    std::vector<Rgb> colours;
    int x0(std::size_t c) const {
        int x = 0;
        for (std::size_t i = 0; i < c; ++i) x += widths[i];
        return x;
    }
    int y0(std::size_t r) const {
        int y = 0;
        for (std::size_t i = 0; i < r; ++i) y += heights[i];
        return y;
    }
    int width() const { return x0(widths.size()); }
    int height() const { return y0(heights.size()); }
    Rgb colour(std::size_t col, std::size_t row) const { return colours[row * widths.size() + col]; }
};

// Encodes one second of `grid` with the ffmpeg CLI: RGB patches from lavfi, then `encode` (the -vf
// doing the RGB -> YUV conversion with an explicit matrix, the codec, the tags).
fs::path make_grid_clip(const fs::path& file, const Grid& g, std::vector<std::string> encode) {
    std::string graph;
    for (std::size_t r = 0; r < g.heights.size(); ++r)
        for (std::size_t c = 0; c < g.widths.size(); ++c) {
            const Rgb rgb = g.colour(c, r);
            graph += fmt::format("color=c=0x{:02X}{:02X}{:02X}:s={}x{}:r=30:d=1,format=rgb24[c{}_{}];", rgb.r, rgb.g,
                                 rgb.b, g.widths[c], g.heights[r], r, c);
        }
    for (std::size_t r = 0; r < g.heights.size(); ++r) {
        for (std::size_t c = 0; c < g.widths.size(); ++c) graph += fmt::format("[c{}_{}]", r, c);
        graph += fmt::format("hstack=inputs={}[r{}];", g.widths.size(), r);
    }
    for (std::size_t r = 0; r < g.heights.size(); ++r) graph += fmt::format("[r{}]", r);
    graph += fmt::format("vstack=inputs={}", g.heights.size());
    std::vector<std::string> args{"-f", "lavfi", "-i", graph};
    args.insert(args.end(), encode.begin(), encode.end());
    args.push_back(file.string());
    ffmpeg(args);
    return file;
}

const std::vector<Rgb> kTwelve = {{255, 0, 0},   {0, 255, 0},     {0, 0, 255},   {255, 255, 255},
                                  {0, 0, 0},     {128, 128, 128}, {255, 255, 0}, {0, 255, 255},
                                  {255, 0, 255}, {200, 100, 50},  {30, 60, 90},  {240, 200, 220}};

std::vector<std::string> x264_lossless(const std::string& matrix, const std::string& range, bool tagged,
                                       const std::string& format = "yuv420p") {
    std::vector<std::string> a{
        "-vf",     fmt::format("scale=out_color_matrix={}:out_range={},format={}", matrix, range, format),
        "-c:v",    "libx264",
        "-preset", "ultrafast",
        "-qp",     "0"};
    if (tagged) {
        const std::string space = matrix == "bt709" ? "bt709" : "smpte170m";
        for (const char* opt : {"-colorspace", "-color_primaries", "-color_trc"}) a.insert(a.end(), {opt, space});
        a.insert(a.end(), {"-color_range", range});
    }
    return a;
}

std::string probe_field(const fs::path& file, const std::string& field) {
    const auto r = wt::test::run({"ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries",
                                  "stream=" + field, "-of", "default=nw=1:nk=1", file.string()});
    REQUIRE(r.exit_code == 0);
    std::string v = r.out;
    while (!v.empty() && (v.back() == '\n' || v.back() == '\r')) v.pop_back();
    return v;
}

// Snapshot at 0.5 s, then compare points inside every patch with its RGB; returns the largest error.
int check_grid_snapshot(const fs::path& clip, const Grid& g, const fs::path& png, int inset, SnapshotInfo* info_out) {
    const auto started = std::chrono::steady_clock::now();
    auto info = write_snapshot(clip, 0.5, png);
    const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
    REQUIRE_MESSAGE(info.has_value(), (info ? "" : info.error().message));
    MESSAGE(clip.filename().string() << ": snapshot in " << fmt::format("{:.0f}", ms) << " ms");
    REQUIRE(info->width == g.width());
    REQUIRE(info->height == g.height());
    CHECK(info->seconds == doctest::Approx(0.5).epsilon(0.001));
    const Image img = read_png(png, info->width, info->height);
    int worst = 0;
    for (std::size_t r = 0; r < g.heights.size(); ++r)
        for (std::size_t c = 0; c < g.widths.size(); ++c) {
            const int x0 = g.x0(c), y0 = g.y0(r), x1 = x0 + g.widths[c] - 1, y1 = y0 + g.heights[r] - 1;
            const std::array<std::pair<int, int>, 5> points = {{{(x0 + x1) / 2, (y0 + y1) / 2},
                                                                {x0 + inset, y0 + inset},
                                                                {x1 - inset, y0 + inset},
                                                                {x0 + inset, y1 - inset},
                                                                {x1 - inset, y1 - inset}}};
            for (const auto& [x, y] : points) {
                const Rgb got = img.at(x, y), want = g.colour(c, r);
                CAPTURE(x);
                CAPTURE(y);
                CHECK_MESSAGE(distance(got, want) <= 3, "got " << got << ", want " << want);
                worst = std::max(worst, distance(got, want));
            }
        }
    if (info_out) *info_out = *info;
    return worst;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Colour: BT.601 / BT.709 x limited / full, tagged and untagged

TEST_CASE("snapshots of colour patches match their RGB within 3 in every matrix and range") {
    use_virtual_screen();
    TempDir dir;
    struct Case {
        std::string name;
        std::string matrix, range;
        bool tagged;
        int cell_w, cell_h;
        ColourSpec want;
    };
    const Case cases[] = {
        {"bt601_limited", "bt601", "tv", true, 180, 160, {Matrix::bt601, Range::limited}},
        {"bt601_full", "bt601", "pc", true, 180, 160, {Matrix::bt601, Range::full}},
        {"bt709_limited", "bt709", "tv", true, 320, 240, {Matrix::bt709, Range::limited}},
        {"bt709_full", "bt709", "pc", true, 320, 240, {Matrix::bt709, Range::full}},
        // Untagged: the size decides (720x480 is SD -> 601, 1280x720 is HD -> 709).
        {"untagged_sd", "bt601", "tv", false, 180, 160, {Matrix::bt601, Range::limited}},
        {"untagged_hd", "bt709", "tv", false, 320, 240, {Matrix::bt709, Range::limited}},
    };
    for (const Case& k : cases) {
        CAPTURE(k.name);
        const Grid g{{k.cell_w, k.cell_w, k.cell_w, k.cell_w}, {k.cell_h, k.cell_h, k.cell_h}, kTwelve};
        const fs::path clip = make_grid_clip(dir / (k.name + ".mp4"), g, x264_lossless(k.matrix, k.range, k.tagged));
        if (!k.tagged) REQUIRE(probe_field(clip, "color_space") == "unknown");  // the guess is really tested
        SnapshotInfo info;
        const int worst = check_grid_snapshot(clip, g, dir / (k.name + ".png"), 12, &info);
        CHECK(info.colour == k.want);
        MESSAGE(k.name << ": max error " << worst << " (matrix " << name(info.colour.matrix) << ", range "
                       << name(info.colour.range) << ")");
    }
}

// ---------------------------------------------------------------------------------------------
// Geometry: padded, odd, nv12 and converted frames from real decoders

TEST_CASE("odd and padded widths, nv12, and formats converted by swscale render without skew") {
    use_virtual_screen();
    TempDir dir;
    const std::vector<Rgb> eight = {{255, 0, 0},  {0, 200, 0},   {0, 0, 255},   {250, 250, 250},
                                    {20, 20, 20}, {255, 255, 0}, {0, 200, 200}, {200, 60, 160}};
    struct Case {
        std::string file;
        Grid grid;
        std::vector<std::string> encode;
        AVPixelFormat decoded;  // what the decoder hands the renderer
        bool padded;            // linesize > width
        ColourSpec want;
    };
    const Grid odd{{80, 80, 80, 81}, {120, 121}, eight};
    const Grid wide{{250, 250, 250, 252}, {329, 329}, eight};
    const Case cases[] = {
        {"h264_1002x658.mp4",
         wide,
         x264_lossless("bt709", "tv", true),
         AV_PIX_FMT_YUV420P,
         true,
         {Matrix::bt709, Range::limited}},
        {"ffv1_321x241.mkv",
         odd,
         {"-vf", "scale=out_color_matrix=bt601:out_range=tv,format=yuv420p", "-c:v", "ffv1", "-colorspace", "smpte170m",
          "-color_range", "tv"},
         AV_PIX_FMT_YUV420P,
         true,
         {Matrix::bt601, Range::limited}},
        {"raw_nv12_321x241.mkv",
         odd,
         {"-vf", "scale=out_color_matrix=bt601:out_range=tv,format=nv12", "-c:v", "rawvideo"},
         AV_PIX_FMT_NV12,
         false,
         {Matrix::bt601, Range::limited}},
        {"raw_rgb24_321x241.nut",
         odd,
         {"-pix_fmt", "rgb24", "-c:v", "rawvideo"},
         AV_PIX_FMT_RGB24,
         false,
         {Matrix::bt709, Range::full}},
        {"h264_444_full_320x240.mkv",
         Grid{{80, 80, 80, 80}, {120, 120}, eight},
         x264_lossless("bt601", "pc", true, "yuv444p"),
         AV_PIX_FMT_YUVJ444P,
         false,
         {Matrix::bt601, Range::full}},
    };
    for (const Case& k : cases) {
        CAPTURE(k.file);
        const fs::path clip = make_grid_clip(dir / k.file, k.grid, k.encode);
        {
            auto reader = FrameReader::open(clip);
            REQUIRE_MESSAGE(reader.has_value(), (reader ? "" : reader.error().message));
            auto frame = reader->read_at(0.5);
            REQUIRE(frame.has_value());
            // The case tests what it says: the decoder's pixel format and its padding.
            REQUIRE(frame->frame->format == k.decoded);
            if (k.padded) REQUIRE(frame->frame->linesize[0] > k.grid.width());
        }
        SnapshotInfo info;
        const int worst = check_grid_snapshot(clip, k.grid, dir / (k.file + ".png"), 8, &info);
        CHECK(info.colour == k.want);
        MESSAGE(k.file << ": max error " << worst);
    }
}

// ---------------------------------------------------------------------------------------------
// The renderer on hand-made frames

namespace {

// A 4:2:0 picture in blocks of 16x16 luma (8x8 chroma), values chosen so blocks differ.
struct Yuv {
    int w, h;
    std::vector<std::uint8_t> y, u, v;  // tightly packed
    Yuv(int w_, int h_) : w(w_), h(h_) {
        const int cw = (w + 1) / 2, ch = (h + 1) / 2;
        y.resize(static_cast<std::size_t>(w) * h);
        u.resize(static_cast<std::size_t>(cw) * ch);
        v.resize(u.size());
        for (int j = 0; j < h; ++j)
            for (int i = 0; i < w; ++i)
                y[j * w + i] = static_cast<std::uint8_t>(40 + ((i / 16 + 3 * (j / 16)) % 5) * 40);
        for (int j = 0; j < ch; ++j)
            for (int i = 0; i < cw; ++i) {
                u[j * cw + i] = static_cast<std::uint8_t>(128 + ((i / 8 + j / 8) % 3 - 1) * 50);
                v[j * cw + i] = static_cast<std::uint8_t>(128 + ((i / 8 + 2 * (j / 8)) % 3 - 1) * 45);
            }
    }
};

// Holds the bytes an AVFrame points into (no AVBufferRef: the renderer only reads during upload).
struct Stored {
    std::vector<std::uint8_t> bytes[3];
    wt::av::FramePtr frame = wt::av::make_frame();
};

// Copies `rows` rows of `row_bytes` into a buffer with `stride` bytes per row (negative: bottom-up)
// and points the frame's plane `i` at its first picture row.
void store_plane(Stored& s, int i, const std::uint8_t* src, int row_bytes, int rows, int stride) {
    const int step = std::abs(stride);
    s.bytes[i].assign(static_cast<std::size_t>(step) * rows + 64, 0xEE);  // padding that must never show
    std::uint8_t* top =
        stride > 0 ? s.bytes[i].data() : s.bytes[i].data() + static_cast<std::size_t>(step) * (rows - 1);
    for (int r = 0; r < rows; ++r)
        std::copy_n(src + static_cast<std::size_t>(r) * row_bytes, row_bytes,
                    top + static_cast<std::ptrdiff_t>(r) * stride);
    s.frame->data[i] = top;
    s.frame->linesize[i] = stride;
}

// yuv420p with the given strides (sign included).
Stored planar(const Yuv& p, int y_stride, int c_stride) {
    Stored s;
    const int cw = (p.w + 1) / 2, ch = (p.h + 1) / 2;
    s.frame->format = AV_PIX_FMT_YUV420P;
    s.frame->width = p.w;
    s.frame->height = p.h;
    s.frame->colorspace = AVCOL_SPC_BT709;
    s.frame->color_range = AVCOL_RANGE_MPEG;
    store_plane(s, 0, p.y.data(), p.w, p.h, y_stride);
    store_plane(s, 1, p.u.data(), cw, ch, c_stride);
    store_plane(s, 2, p.v.data(), cw, ch, c_stride);
    return s;
}

Stored nv12(const Yuv& p, int y_stride, int c_stride) {
    Stored s;
    const int cw = (p.w + 1) / 2, ch = (p.h + 1) / 2;
    std::vector<std::uint8_t> uv(static_cast<std::size_t>(cw) * ch * 2);
    for (std::size_t i = 0; i < p.u.size(); ++i) {
        uv[2 * i] = p.u[i];
        uv[2 * i + 1] = p.v[i];
    }
    s.frame->format = AV_PIX_FMT_NV12;
    s.frame->width = p.w;
    s.frame->height = p.h;
    s.frame->colorspace = AVCOL_SPC_BT709;
    s.frame->color_range = AVCOL_RANGE_MPEG;
    store_plane(s, 0, p.y.data(), p.w, p.h, y_stride);
    store_plane(s, 1, uv.data(), cw * 2, ch, c_stride);
    return s;
}

int max_difference(const std::vector<std::uint8_t>& a, const std::vector<std::uint8_t>& b) {
    REQUIRE(a.size() == b.size());
    int worst = 0;
    for (std::size_t i = 0; i < a.size(); ++i) worst = std::max(worst, std::abs(int(a[i]) - int(b[i])));
    return worst;
}

std::vector<std::uint8_t> render(FrameRenderer& r, const AVFrame& f) {
    auto ok = r.upload(f);
    REQUIRE_MESSAGE(ok.has_value(), (ok ? "" : ok.error().message));
    return r.read_rgba();
}

}  // namespace

TEST_CASE("the renderer draws padded, odd-stride, bottom-up and nv12 frames identically and correctly") {
    use_virtual_screen();
    auto gl = HiddenGlContext::create();
    REQUIRE_MESSAGE(gl.has_value(), (gl ? "" : gl.error().message));
    auto created = FrameRenderer::create();
    REQUIRE_MESSAGE(created.has_value(), (created ? "" : created.error().message));
    FrameRenderer& r = **created;
    CHECK(r.texture() == 0);
    CHECK(r.read_rgba().empty());

    const Yuv pic(321, 241);
    const int cw = 161;
    const Stored base = planar(pic, 352, 192);
    const auto reference = render(r, *base.frame);
    REQUIRE(reference.size() == 321u * 241 * 4);
    CHECK(r.width() == 321);
    CHECK(r.height() == 241);
    CHECK(r.colour() == ColourSpec{Matrix::bt709, Range::limited});
    const unsigned texture = r.texture();
    CHECK(texture != 0);

    // Block centres against the conversion done on the CPU.
    const ColourTransform t = yuv_to_rgb({Matrix::bt709, Range::limited});
    int worst = 0;
    for (int by = 0; by * 16 + 8 < pic.h; ++by)
        for (int bx = 0; bx * 16 + 8 < pic.w; ++bx) {
            const int x = bx * 16 + 8, y = by * 16 + 8;
            const double yuv[3] = {pic.y[y * pic.w + x] / 255.0, pic.u[(y / 2) * cw + x / 2] / 255.0,
                                   pic.v[(y / 2) * cw + x / 2] / 255.0};
            for (int c = 0; c < 3; ++c) {
                double want = t.offset[c];
                for (int k = 0; k < 3; ++k) want += t.rows[c][k] * yuv[k];
                want = std::clamp(want, 0.0, 1.0) * 255;
                const int got = reference[(static_cast<std::size_t>(y) * pic.w + x) * 4 + c];
                worst = std::max(worst, static_cast<int>(std::lround(std::abs(got - want))));
            }
            CHECK(reference[(static_cast<std::size_t>(y) * pic.w + x) * 4 + 3] == 255);
        }
    CHECK(worst <= 1);

    // Same picture, other storage: every pixel must match.
    CHECK(max_difference(reference, render(r, *planar(pic, 321, 161).frame)) == 0);    // tight, odd strides
    CHECK(max_difference(reference, render(r, *planar(pic, 331, 167).frame)) == 0);    // odd padding
    CHECK(max_difference(reference, render(r, *planar(pic, -352, -192).frame)) == 0);  // bottom-up
    CHECK(max_difference(reference, render(r, *planar(pic, 352, -161).frame)) == 0);   // only chroma bottom-up
    CHECK(max_difference(reference, render(r, *nv12(pic, 384, 384).frame)) <= 1);
    CHECK(max_difference(reference, render(r, *nv12(pic, 321, 322).frame)) <= 1);  // odd luma stride
    CHECK(max_difference(reference, render(r, *nv12(pic, -321, -322).frame)) <= 1);
    CHECK(r.texture() == texture);

    // Frames that do not hold what they claim are refused, and the last picture stays.
    {
        Stored broken = planar(pic, 352, 192);
        broken.frame->data[2] = nullptr;
        auto r1 = r.upload(*broken.frame);
        REQUIRE_FALSE(r1.has_value());
        CHECK(r1.error().code == wt::ErrorCode::invalid_input);
        broken = planar(pic, 352, 192);
        broken.frame->linesize[1] = 100;  // narrower than the 161 chroma samples of a row
        CHECK_FALSE(r.upload(*broken.frame).has_value());
        broken = planar(pic, 352, 192);
        broken.frame->format = AV_PIX_FMT_VAAPI;  // a GPU surface, not pixels
        auto r2 = r.upload(*broken.frame);
        REQUIRE_FALSE(r2.has_value());
        CHECK(wt::test::contains(r2.error().message, "vaapi"));
        CHECK(max_difference(reference, r.read_rgba()) == 0);
    }

    // A new size keeps the texture name (the UI may hold it) and reports the new size.
    const Yuv small(64, 48);
    const auto pixels = render(r, *planar(small, 64, 32).frame);
    CHECK(pixels.size() == 64u * 48 * 4);
    CHECK(r.texture() == texture);
    CHECK(r.width() == 64);
    CHECK(r.height() == 48);
}

TEST_CASE("the renderer leaves the GL state ImGui relies on as it found it") {
    use_virtual_screen();
    auto gl = HiddenGlContext::create();
    REQUIRE_MESSAGE(gl.has_value(), (gl ? "" : gl.error().message));
    auto created = FrameRenderer::create();
    REQUIRE(created.has_value());
    FrameRenderer& r = **created;
    const Yuv pic(100, 60);
    const auto clean = render(r, *planar(pic, 128, 64).frame);

    // Someone else's state, as ImGui's backend leaves it mid-frame, plus odd pixel-store values.
    GLuint tex = 0;
    glGenTextures(1, &tex);
    glActiveTexture(GL_TEXTURE1);
    glBindTexture(GL_TEXTURE_2D, tex);
    glPixelStorei(GL_UNPACK_ALIGNMENT, 2);
    glPixelStorei(GL_UNPACK_ROW_LENGTH, 7);
    glPixelStorei(GL_PACK_ALIGNMENT, 8);
    glViewport(1, 2, 3, 4);
    glEnable(GL_SCISSOR_TEST);
    glScissor(0, 0, 1, 1);
    glEnable(GL_BLEND);
    glBlendFunc(GL_SRC_ALPHA, GL_ONE_MINUS_SRC_ALPHA);

    // The scissor and blending must not leak into the picture either.
    CHECK(max_difference(clean, render(r, *planar(pic, 128, 64).frame)) == 0);

    GLint v = 0;
    GLint viewport[4] = {};
    glGetIntegerv(GL_ACTIVE_TEXTURE, &v);
    CHECK(v == GL_TEXTURE1);
    glGetIntegerv(GL_TEXTURE_BINDING_2D, &v);
    CHECK(v == static_cast<GLint>(tex));
    glGetIntegerv(GL_UNPACK_ALIGNMENT, &v);
    CHECK(v == 2);
    glGetIntegerv(GL_UNPACK_ROW_LENGTH, &v);
    CHECK(v == 7);
    glGetIntegerv(GL_PACK_ALIGNMENT, &v);
    CHECK(v == 8);
    glGetIntegerv(GL_VIEWPORT, viewport);
    CHECK(viewport[0] == 1);
    CHECK(viewport[3] == 4);
    CHECK(glIsEnabled(GL_SCISSOR_TEST) == GL_TRUE);
    CHECK(glIsEnabled(GL_BLEND) == GL_TRUE);
    glGetIntegerv(GL_CURRENT_PROGRAM, &v);
    CHECK(v == 0);
    glGetIntegerv(GL_DRAW_FRAMEBUFFER_BINDING, &v);
    CHECK(v == 0);
    glGetIntegerv(GL_VERTEX_ARRAY_BINDING, &v);
    CHECK(v == 0);
    CHECK(glGetError() == GL_NO_ERROR);
    glDeleteTextures(1, &tex);
}

TEST_CASE("shader lookup and a broken or missing shader give errors naming the file") {
    use_virtual_screen();
    auto gl = HiddenGlContext::create();
    REQUIRE_MESSAGE(gl.has_value(), (gl ? "" : gl.error().message));
    {
        auto dir = FrameRenderer::find_shader_dir();
        REQUIRE(dir.has_value());
        CHECK(fs::exists(*dir / "fullscreen.vert"));
    }
    TempDir tmp;
    const fs::path src = *FrameRenderer::find_shader_dir();
    for (const char* f : {"fullscreen.vert", "yuv420p.frag", "nv12.frag"}) fs::copy_file(src / f, tmp / f);
    ScopedEnv env("WT_SHADERS_DIR", tmp.path.c_str());
    REQUIRE(FrameRenderer::create().has_value());  // the copies work

    std::ofstream(tmp / "yuv420p.frag") << "#version 330 core\nout vec4 frag;\nvoid main() { frag = vec4(nope); }\n";
    auto broken = FrameRenderer::create();
    REQUIRE_FALSE(broken.has_value());
    CHECK(wt::test::contains(broken.error().message, (tmp / "yuv420p.frag").string()));
    CHECK(wt::test::contains(broken.error().message, "nope"));  // the GL info log names the culprit
    MESSAGE(broken.error().message);

    fs::remove(tmp / "nv12.frag");
    fs::copy_file(src / "yuv420p.frag", tmp / "yuv420p.frag", fs::copy_options::overwrite_existing);
    auto missing = FrameRenderer::create();
    REQUIRE_FALSE(missing.has_value());
    CHECK(missing.error().code == wt::ErrorCode::not_found);
    CHECK(wt::test::contains(missing.error().message, (tmp / "nv12.frag").string()));

    ScopedEnv nowhere("WT_SHADERS_DIR", (tmp / "no-such-folder").c_str());
    auto none = FrameRenderer::create();
    REQUIRE_FALSE(none.has_value());
    CHECK(wt::test::contains(none.error().message, "WT_SHADERS_DIR"));
}

// ---------------------------------------------------------------------------------------------
// Snapshot failures

TEST_CASE("snapshot errors: no display, unusable display, bad output folder, bad time, no video") {
    TempDir dir;
    const Grid g{{32, 32}, {32, 32}, {{255, 0, 0}, {0, 255, 0}, {0, 0, 255}, {255, 255, 255}}};
    const fs::path clip = make_grid_clip(dir / "small.mp4", g, x264_lossless("bt601", "tv", true));
    const fs::path png = dir / "out.png";
    const auto left_behind = [&] {
        std::vector<std::string> names;
        for (const auto& e : fs::directory_iterator(dir.path))
            if (e.path().extension() == ".part" || e.path().extension() == ".png") names.push_back(e.path().string());
        return names;
    };
    {
        ScopedEnv no_display("DISPLAY", nullptr);
        auto r = write_snapshot(clip, 0.1, png);
        REQUIRE_FALSE(r.has_value());
        CHECK(wt::test::contains(r.error().message, "DISPLAY"));
        MESSAGE(r.error().message);
    }
    {
        ScopedEnv bad_display("DISPLAY", ":4711");
        auto r = write_snapshot(clip, 0.1, png);
        REQUIRE_FALSE(r.has_value());
        CHECK(wt::test::contains(r.error().message, "DISPLAY=:4711"));
        MESSAGE(r.error().message);
    }
    CHECK(left_behind().empty());

    use_virtual_screen();
    auto r = write_snapshot(clip, 0.1, dir / "no-such-folder" / "out.png");
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().code == wt::ErrorCode::io);
    CHECK(wt::test::contains(r.error().message, "no-such-folder"));

    CHECK(write_snapshot(clip, -1, png).error().code == wt::ErrorCode::invalid_input);
    CHECK(write_snapshot(clip, std::nan(""), png).error().code == wt::ErrorCode::invalid_input);

    ffmpeg({"-f", "lavfi", "-i", "sine=d=1", "-c:a", "aac", (dir / "voice.m4a").string()});
    auto audio = write_snapshot(dir / "voice.m4a", 0, png);
    REQUIRE_FALSE(audio.has_value());
    CHECK(audio.error().code == wt::ErrorCode::bad_media);
    CHECK(wt::test::contains(audio.error().message, "voice.m4a"));
    CHECK(left_behind().empty());

    // And the good case leaves exactly the PNG.
    REQUIRE(write_snapshot(clip, 0.1, png).has_value());
    CHECK(left_behind() == std::vector<std::string>{png.string()});
}

// ---------------------------------------------------------------------------------------------
// Turned videos: a display matrix (a phone's portrait recording stored sideways) turns the snapshot

TEST_CASE("snapshots of clips turned by their display matrix are upright, as ffmpeg shows them") {
    use_virtual_screen();
    TempDir dir;
    const fs::path portrait = wt::test::make_quadrants(dir / "portrait.mp4", 180, 320);
    int n = 0;
    for (const auto& t : wt::test::kTurns) {
        CAPTURE(t.name);
        const fs::path clip = dir / fmt::format("turned{}.mp4", n++);
        wt::test::turn(portrait, clip, t.angle, t.hflip, t.vflip);
        const auto ref = wt::test::picture_by_ffmpeg(clip);
        const fs::path png = dir / "shot.png";
        auto info = write_snapshot(clip, 0.5, png);
        REQUIRE_MESSAGE(info.has_value(), (info ? "" : info.error().message));
        CHECK(info->width == ref.width);
        CHECK(info->height == ref.height);
        const auto shot = wt::test::picture_by_ffmpeg(png);
        CHECK(shot.width == ref.width);
        CHECK(shot.corners() == ref.corners());
    }

    // The renderer a player window draws from reports the shown size and pixel aspect.
    const fs::path rotated = dir / "rotated.mp4";
    ffmpeg({"-i", portrait.string(), "-c", "copy", "-metadata:s:v:0", "rotate=90", rotated.string()});
    auto reader = FrameReader::open(rotated);
    REQUIRE(reader.has_value());
    auto frame = reader->read_at(0.2);
    REQUIRE(frame.has_value());
    {  // the renderer goes before its GL context
        auto gl = HiddenGlContext::create();
        REQUIRE_MESSAGE(gl.has_value(), (gl ? "" : gl.error().message));
        auto renderer = FrameRenderer::create();
        REQUIRE_MESSAGE(renderer.has_value(), (renderer ? "" : renderer.error().message));
        frame->frame->sample_aspect_ratio = AVRational{2, 1};
        REQUIRE((*renderer)->upload(*frame->frame, reader->turn()).has_value());
        CHECK((*renderer)->width() == 320);
        CHECK((*renderer)->height() == 180);
        CHECK((*renderer)->sample_aspect() == doctest::Approx(0.5));
        // And the same frame upright again when the next one is not turned: nothing sticks.
        REQUIRE((*renderer)->upload(*frame->frame).has_value());
        CHECK((*renderer)->width() == 180);
    }

    // The command line: walkthrough play FILE --snapshot T --out x.png
    const fs::path cli_png = dir / "cli.png";
    auto r = wt::test::walkthrough(
        {"--library", (dir / "lib").string(), "play", rotated.string(), "--snapshot", "0.5", "--out", cli_png.string()},
        {{"DISPLAY", std::getenv("DISPLAY")}});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    const auto cli_shot = wt::test::picture_by_ffmpeg(cli_png);
    CHECK(cli_shot.width == 640 / 2);
    CHECK(cli_shot.corners() == wt::test::picture_by_ffmpeg(rotated).corners());
}
