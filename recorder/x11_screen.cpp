#include "recorder/x11_screen.hpp"

#include <sys/ipc.h>
#include <sys/shm.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "common/clock.hpp"
#include "recorder/screen_convert.hpp"
#include "recorder/screen_picture.hpp"

// Xlib last: it defines macros (None, Status, Bool, True, False) that other headers trip over.
#include <X11/Xlib.h>
#include <X11/Xutil.h>
#include <X11/extensions/XShm.h>
#include <X11/extensions/Xdamage.h>
#include <X11/extensions/Xfixes.h>

#include "recorder/x11_trap.hpp"

namespace wt::recorder {

namespace {

// Rows converted at a time into a scratch band and compared with the picture: small enough to
// stay in cache, so a band that turns out unchanged costs no write to the picture at all.
constexpr int k_chunk_rows = 16;
// Damaged row ranges closer than this are grabbed as one band: one round trip instead of two.
constexpr int k_merge_gap_rows = 32;
// A band's columns are widened to multiples of this: even for 4:2:0, and whole vectors for the conversion.
constexpr int k_column_step = 16;

using x11::install_handlers;
using x11::Trap;
using x11::TrapScope;

// Part of the picture to grab: rows [from, to) and columns [left, right).
struct Band {
    int from = 0, to = 0;
    int left = 0, right = 0;
};

bool operator==(const ScreenRect& a, const ScreenRect& b) {
    return a.x == b.x && a.y == b.y && a.width == b.width && a.height == b.height;
}

// Sorted by row, merged (bands whose rows meet take the columns of both), widened to even rows
// (4:2:0 converts row pairs) and to columns in steps of k_column_step, within the picture.
std::vector<Band> merge_bands(std::vector<Band> bands, int width, int height) {
    std::sort(bands.begin(), bands.end(), [](const Band& a, const Band& b) { return a.from < b.from; });
    std::vector<Band> out;
    for (Band b : bands) {
        b.from = std::max(0, b.from & ~1);
        b.to = std::min(height, (b.to + 1) & ~1);
        b.left = std::max(0, b.left / k_column_step * k_column_step);
        b.right = std::min(width, (b.right + k_column_step - 1) / k_column_step * k_column_step);
        if (b.from >= b.to || b.left >= b.right) continue;
        if (!out.empty() && b.from <= out.back().to + k_merge_gap_rows) {
            out.back().to = std::max(out.back().to, b.to);
            out.back().left = std::min(out.back().left, b.left);
            out.back().right = std::max(out.back().right, b.right);
        } else {
            out.push_back(b);
        }
    }
    return out;
}

}  // namespace

struct X11Screen::State {
    Display* display = nullptr;
    Trap trap;
    bool lost = false;  // the connection broke (set by on_display_lost)
    Drawable drawable = 0;
    Window root = 0;
    std::optional<std::uint32_t> window;
    ScreenRect area;  // in the drawable's coordinates; even width and height
    int fps = 30;

    XShmSegmentInfo shm{};
    XImage* image = nullptr;
    bool attached = false;

    int damage_event = 0, fixes_event = 0;
    Damage damage = 0;
    XserverRegion region = 0;

    std::vector<std::uint32_t> cursor;  // premultiplied ARGB
    int cursor_width = 0, cursor_height = 0, cursor_xhot = 0, cursor_yhot = 0;
    bool cursor_stale = true;  // its shape changed (XFixesCursorNotify): fetch it again
    ScreenRect drawn_cursor;   // where it is in the picture (area coordinates), empty = not drawn

    ScreenPicture picture;              // yuv420p; handed out by reference
    std::vector<std::uint8_t> scratch;  // k_chunk_rows of yuv420p, to compare before writing
    bool full_refresh = true;           // grab every row at the next tick

    std::int64_t start_us = -1;  // the first tick, on the recorder's clock
    std::int64_t tick = 0;

    ~State() {
        TrapScope scope(trap);
        if (display && !lost) {
            if (damage) XDamageDestroy(display, damage);
            if (region) XFixesDestroyRegion(display, region);
            if (attached) XShmDetach(display, &shm);
        }
        if (image) XDestroyImage(image);  // an XShm image frees only itself, not the segment
        if (shm.shmaddr && shm.shmaddr != reinterpret_cast<char*>(-1)) shmdt(shm.shmaddr);
        if (shm.shmid >= 0 && !attached) shmctl(shm.shmid, IPC_RMID, nullptr);
        if (display) XCloseDisplay(display);
    }
};

namespace {

void on_display_lost(Display*, void* state) { static_cast<X11Screen::State*>(state)->lost = true; }

// The cursor's rectangle as a band of the picture to redraw.
Band cursor_band(const ScreenRect& c) { return {c.y, c.y + c.height, c.x, c.x + c.width}; }

ScreenRect clip(const ScreenRect& r, int width, int height) {
    const int x0 = std::max(r.x, 0), y0 = std::max(r.y, 0);
    const int x1 = std::min(r.x + r.width, width), y1 = std::min(r.y + r.height, height);
    if (x1 <= x0 || y1 <= y0) return {};
    return {x0, y0, x1 - x0, y1 - y0};
}

}  // namespace

X11Screen::X11Screen() : s_(std::make_unique<State>()) { s_->shm.shmid = -1; }

X11Screen::~X11Screen() = default;

int X11Screen::width() const { return s_->area.width; }
int X11Screen::height() const { return s_->area.height; }

std::string X11Screen::describe() const {
    const std::string what = s_->window ? fmt::format("window {:#x}", *s_->window) : "screen";
    return fmt::format("{}x{} yuv420p, {} through X11 MIT-SHM + XDamage + XFixes cursor", s_->area.width,
                       s_->area.height, what);
}

void X11Screen::interrupt() {
    std::lock_guard lock(wait_mutex_);
    interrupted_ = true;
    wait_.notify_all();
}

Result<std::unique_ptr<X11Screen>> X11Screen::open(const ScreenTarget& target, std::string& why_not) {
    install_handlers();
    std::unique_ptr<X11Screen> out(new X11Screen);
    State& s = *out->s_;
    s.fps = std::clamp(target.fps, 1, 60);
    s.window = target.window;
    s.display = XOpenDisplay(target.display.c_str());
    if (!s.display) return fail(ErrorCode::io, fmt::format("cannot open display {}", target.display));
    s.trap.display = s.display;
    TrapScope scope(s.trap);
    XSetIOErrorExitHandler(s.display, on_display_lost, &s);

    const int screen = DefaultScreen(s.display);
    s.root = RootWindow(s.display, screen);
    XWindowAttributes wa{};
    if (target.window) {
        if (!XGetWindowAttributes(s.display, *target.window, &wa) || s.trap.error_code) {
            return fail(ErrorCode::not_found,
                        fmt::format("there is no window {:#x} on display {}; xwininfo shows the ids", *target.window,
                                    target.display));
        }
        if (wa.map_state != IsViewable) {
            return fail(ErrorCode::invalid_input,
                        fmt::format("window {:#x} is not shown on the screen (hidden or minimised)", *target.window));
        }
        s.drawable = *target.window;
        s.area = {0, 0, wa.width, wa.height};
    } else {
        XGetWindowAttributes(s.display, s.root, &wa);
        s.drawable = s.root;
        s.area = {0, 0, wa.width, wa.height};
        if (target.region) {
            const ScreenRect& r = *target.region;
            if (r.x + r.width > wa.width || r.y + r.height > wa.height) {
                return fail(ErrorCode::invalid_input,
                            fmt::format("the region {},{},{}x{} does not fit on the screen of display {} ({}x{})", r.x,
                                        r.y, r.width, r.height, target.display, wa.width, wa.height));
            }
            s.area = r;
        }
    }
    // 4:2:0 needs even sizes: the last column or row of an odd size is left out, as the encoder would.
    s.area.width &= ~1;
    s.area.height &= ~1;
    if (s.area.width < 2 || s.area.height < 2) {
        return fail(ErrorCode::invalid_input,
                    fmt::format("a {}x{} picture is too small to record", s.area.width, s.area.height));
    }

    int major = 0, minor = 0, error_base = 0;
    Bool shared_pixmaps = False;
    if (!XShmQueryVersion(s.display, &major, &minor, &shared_pixmaps)) {
        why_not = "the X server has no MIT-SHM extension";
        return nullptr;
    }
    if (!XDamageQueryExtension(s.display, &s.damage_event, &error_base) ||
        !XDamageQueryVersion(s.display, &major, &minor) || major < 1) {
        why_not = "the X server has no XDamage extension";
        return nullptr;
    }
    if (!XFixesQueryExtension(s.display, &s.fixes_event, &error_base) ||
        !XFixesQueryVersion(s.display, &major, &minor) || major < 2) {
        why_not = "the X server has no XFixes 2 extension";
        return nullptr;
    }
    Visual* visual = wa.visual;
    if (!visual || visual->c_class != TrueColor || wa.depth < 24 || visual->red_mask != 0xff0000 ||
        visual->green_mask != 0xff00 || visual->blue_mask != 0xff) {
        why_not = fmt::format("the screen's pixel format (depth {}) is not 24/32-bit RGB", wa.depth);
        return nullptr;
    }
    s.image = XShmCreateImage(s.display, visual, static_cast<unsigned>(wa.depth), ZPixmap, nullptr, &s.shm,
                              static_cast<unsigned>(s.area.width), static_cast<unsigned>(s.area.height));
    if (!s.image || s.image->bits_per_pixel != 32 || s.image->byte_order != LSBFirst) {
        why_not = "the X server's images are not 32-bit little-endian";
        return nullptr;
    }
    const size_t bytes = static_cast<size_t>(s.image->bytes_per_line) * static_cast<size_t>(s.area.height);
    s.shm.shmid = shmget(IPC_PRIVATE, bytes, IPC_CREAT | 0600);  // the screen's pixels: private to this user
    if (s.shm.shmid < 0) {
        why_not = fmt::format("no shared memory segment ({})", std::strerror(errno));
        return nullptr;
    }
    s.shm.shmaddr = static_cast<char*>(shmat(s.shm.shmid, nullptr, 0));
    if (s.shm.shmaddr == reinterpret_cast<char*>(-1)) {
        why_not = fmt::format("cannot map shared memory ({})", std::strerror(errno));
        return nullptr;
    }
    s.image->data = s.shm.shmaddr;
    s.shm.readOnly = False;
    XShmAttach(s.display, &s.shm);
    XSync(s.display, False);
    if (s.trap.error_code || s.lost) {
        why_not = "the X server cannot share memory with this process (a remote display?)";
        return nullptr;
    }
    s.attached = true;
    // Marked for removal now that both sides have it: the kernel frees it when both detach, even
    // after a crash of either.
    shmctl(s.shm.shmid, IPC_RMID, nullptr);

    s.damage = XDamageCreate(s.display, s.drawable, XDamageReportNonEmpty);
    s.region = XFixesCreateRegion(s.display, nullptr, 0);
    XFixesSelectCursorInput(s.display, s.root, XFixesDisplayCursorNotifyMask);
    XSync(s.display, False);
    if (s.trap.error_code || s.lost) {
        return fail(ErrorCode::not_found, fmt::format("cannot follow the changes of the {} on display {}",
                                                      target.window ? "window" : "screen", target.display));
    }

    if (auto r = s.picture.allocate(s.area.width, s.area.height); !r) return std::unexpected(r.error());
    s.scratch.resize(static_cast<size_t>(s.area.width) * k_chunk_rows * 3 / 2);

    // The first grab now: what cannot be captured fails here, before anything is written.
    auto first = out->update();
    if (!first) return std::unexpected(first.error());
    if (s.full_refresh) {
        return fail(ErrorCode::invalid_input,
                    target.window
                        ? fmt::format("cannot capture window {:#x}: it must be wholly on the screen", *target.window)
                        : fmt::format("cannot capture the screen of display {}", target.display));
    }
    return out;
}

namespace {

// The bytes of one row of a band `width` pixels wide as the X server packs it (its scanline pad).
std::ptrdiff_t band_stride(const XImage& im, int width) {
    return static_cast<std::ptrdiff_t>((width * im.bits_per_pixel + im.bitmap_pad - 1) / im.bitmap_pad) *
           (im.bitmap_pad / 8);
}

// The band's pixels into the shared memory, packed at its first row's place there (so bands never
// overlap): XShmGetImage asks for the image's width and height and writes them at its offset.
bool grab(X11Screen::State& s, const Band& b) {
    XImage& im = *s.image;
    char* const base = im.data;
    const int width = im.width, height = im.height, stride = im.bytes_per_line;
    im.width = b.right - b.left;
    im.height = b.to - b.from;
    im.bytes_per_line = static_cast<int>(band_stride(im, im.width));
    im.data = base + static_cast<std::ptrdiff_t>(b.from) * stride;
    s.trap.error_code = 0;
    const bool ok = XShmGetImage(s.display, s.drawable, &im, s.area.x + b.left, s.area.y + b.from, AllPlanes);
    im.width = width;
    im.height = height;
    im.bytes_per_line = stride;
    im.data = base;
    return ok && !s.trap.error_code;
}

// Draws the cursor (empty: none) into a grabbed band, converts it, and writes the chunks of rows that
// differ from the picture before into the picture: whether any did. `begun`: an earlier band of this
// update began the change already.
Result<bool> write_band(X11Screen::State& s, const Band& b, const ScreenRect& cursor, bool begun) {
    const XImage& im = *s.image;
    const int w = b.right - b.left;
    const std::ptrdiff_t stride = band_stride(im, w);
    auto* band = reinterpret_cast<std::uint8_t*>(im.data) + static_cast<std::ptrdiff_t>(b.from) * im.bytes_per_line;
    if (cursor.width > 0) {
        const CursorImage image{s.cursor, s.cursor_width, s.cursor_height};
        blend_cursor(image, cursor.x - b.left, cursor.y, band, stride, w, b.from, b.to - b.from);
    }
    std::uint8_t* sy = s.scratch.data();
    std::uint8_t* su = sy + static_cast<size_t>(w) * k_chunk_rows;
    std::uint8_t* sv = su + static_cast<size_t>(w / 2) * (k_chunk_rows / 2);
    // Row `row` of `plane` at the band's first column.
    auto at = [&](const AVFrame* f, int plane, int row) {
        return f->data[plane] + static_cast<std::ptrdiff_t>(row) * f->linesize[plane] + (plane ? b.left / 2 : b.left);
    };
    bool wrote = false;
    for (int y0 = b.from; y0 < b.to; y0 += k_chunk_rows) {
        const int n = std::min(k_chunk_rows, b.to - y0);
        bgrx_to_yuv420p(band + (y0 - b.from) * stride, stride, w, n, sy, w, su, sv, w / 2);
        const AVFrame* before = s.picture.previous();
        bool same = true;
        for (int r = 0; r < n && same; ++r) same = std::memcmp(at(before, 0, y0 + r), sy + r * w, w) == 0;
        for (int r = 0; r < n / 2 && same; ++r) {
            same = std::memcmp(at(before, 1, y0 / 2 + r), su + r * (w / 2), w / 2) == 0 &&
                   std::memcmp(at(before, 2, y0 / 2 + r), sv + r * (w / 2), w / 2) == 0;
        }
        if (same) continue;
        // A picture still queued or held by the encoder is never changed under it.
        if (!begun && !wrote) {
            if (auto r = s.picture.begin_change(); !r) return std::unexpected(r.error());
        }
        wrote = true;
        s.picture.mark_rows(y0, y0 + n, b.left, b.right);
        AVFrame* pic = s.picture.current();
        for (int r = 0; r < n; ++r) std::memcpy(at(pic, 0, y0 + r), sy + r * w, w);
        for (int r = 0; r < n / 2; ++r) {
            std::memcpy(at(pic, 1, y0 / 2 + r), su + r * (w / 2), w / 2);
            std::memcpy(at(pic, 2, y0 / 2 + r), sv + r * (w / 2), w / 2);
        }
    }
    return wrote;
}

}  // namespace

Result<bool> X11Screen::update() {
    State& s = *s_;
    TrapScope scope(s.trap);
    auto gone = [&] {
        if (s.lost && s.display) {
            // After a broken connection Xlib keeps the display locked by the thread that saw it
            // break: closed here, on that thread, or XCloseDisplay would wait forever elsewhere.
            XCloseDisplay(s.display);
            s.display = nullptr;
        }
        return fail(ErrorCode::io, s.window && !s.lost ? fmt::format("window {:#x} was closed", *s.window)
                                                       : std::string("the X server closed the connection"));
    };
    if (s.lost || !s.display) return gone();

    bool damaged = false;
    while (XPending(s.display) > 0) {
        XEvent ev;
        XNextEvent(s.display, &ev);
        if (ev.type == s.damage_event + XDamageNotify) damaged = true;
        if (ev.type == s.fixes_event + XFixesCursorNotify) s.cursor_stale = true;
    }
    std::vector<Band> dirty;
    if (s.full_refresh) dirty.push_back({0, s.area.height, 0, s.area.width});
    if (damaged) {
        // ReportNonEmpty: one event until the damage is taken; taking it re-arms the event.
        XDamageSubtract(s.display, s.damage, 0, s.region);
        int n = 0;
        XRectangle* rects = XFixesFetchRegion(s.display, s.region, &n);
        for (int i = 0; i < n; ++i) {
            const ScreenRect r = clip({rects[i].x - s.area.x, rects[i].y - s.area.y, rects[i].width, rects[i].height},
                                      s.area.width, s.area.height);
            if (r.width > 0) dirty.push_back({r.y, r.y + r.height, r.x, r.x + r.width});
        }
        if (rects) XFree(rects);
    }

    // The cursor is not part of what XShmGetImage returns: drawn here, and its movement counts as
    // a change (the rows it left and the rows it entered).
    bool shape_changed = false;
    if (s.cursor_stale) {
        if (XFixesCursorImage* c = XFixesGetCursorImage(s.display)) {
            s.cursor.resize(static_cast<size_t>(c->width) * c->height);
            for (size_t i = 0; i < s.cursor.size(); ++i) s.cursor[i] = static_cast<std::uint32_t>(c->pixels[i]);
            s.cursor_width = c->width;
            s.cursor_height = c->height;
            s.cursor_xhot = c->xhot;
            s.cursor_yhot = c->yhot;
            XFree(c);
        }
        s.cursor_stale = false;
        shape_changed = true;
    }
    Window root_return = 0, child = 0;
    int root_x = 0, root_y = 0, x = 0, y = 0;
    unsigned mask = 0;
    ScreenRect cursor;
    if (XQueryPointer(s.display, s.drawable, &root_return, &child, &root_x, &root_y, &x, &y, &mask) &&
        s.cursor_width > 0) {
        cursor = {x - s.cursor_xhot - s.area.x, y - s.cursor_yhot - s.area.y, s.cursor_width, s.cursor_height};
    }
    if (s.lost) return gone();
    const bool cursor_visible = clip(cursor, s.area.width, s.area.height).width > 0;
    if (!cursor_visible) cursor = {};
    if (shape_changed || !(cursor == s.drawn_cursor)) {
        if (s.drawn_cursor.width > 0) dirty.push_back(cursor_band(s.drawn_cursor));
        if (cursor_visible) dirty.push_back(cursor_band(cursor));
    }
    if (dirty.empty()) return false;

    bool changed = false;
    // However the loop below ends, a change begun is completed before the picture is handed out.
    struct FinishChange {
        ScreenPicture& picture;
        ~FinishChange() { picture.finish_change(); }
    } finish{s.picture};
    for (const Band& band : merge_bands(std::move(dirty), s.area.width, s.area.height)) {
        if (!grab(s, band)) {
            const int code = s.trap.error_code;
            s.trap.error_code = 0;
            // A window that is being resized, moved partly off the screen or unmapped keeps its
            // last picture until it can be grabbed whole again; one that is gone ends the source.
            if (s.lost || code == BadWindow || code == BadDrawable) return gone();
            s.full_refresh = true;
            return changed;
        }
        auto wrote = write_band(s, band, cursor_visible ? cursor : ScreenRect{}, changed);
        if (!wrote) return std::unexpected(wrote.error());
        changed = changed || *wrote;
    }
    s.drawn_cursor = cursor;
    s.full_refresh = false;
    return changed;
}

Result<av::FramePtr> X11Screen::next_frame() {
    State& s = *s_;
    using namespace std::chrono;
    std::int64_t now = monotonic_us();
    if (s.start_us < 0) s.start_us = now;
    auto slot = [&](std::int64_t k) { return s.start_us + k * 1'000'000 / s.fps; };
    // Behind by more than a tick (a stalled machine): the missed ticks are skipped, not caught up.
    if (now > slot(s.tick + 1)) s.tick = (now - s.start_us) * s.fps / 1'000'000;
    {
        std::unique_lock lock(wait_mutex_);
        wait_.wait_until(lock, steady_clock::time_point(microseconds(slot(s.tick))), [&] { return interrupted_; });
        if (interrupted_) return fail(ErrorCode::conflict, "stopped");
    }
    ++s.tick;
    const std::int64_t grab_us = monotonic_us();
    if (auto changed = update(); !changed) return std::unexpected(changed.error());
    av::FramePtr frame = av::make_frame();
    if (!frame || av_frame_ref(frame.get(), s.picture.current()) < 0) return fail(ErrorCode::internal, "out of memory");
    frame->pts = grab_us;
    return frame;
}

}  // namespace wt::recorder
