// The windows on the screen and a still of it, for the desktop app's pickers: one short Xlib
// connection per question, on the calling thread, with its errors trapped (a window may close
// while it is being asked about).
#include <algorithm>
#include <bit>
#include <memory>

#include <fmt/format.h>

#include "recorder/devices.hpp"
#include "recorder/screen_convert.hpp"

// Xlib last: it defines macros (None, Status, Bool, True, False) that other headers trip over.
#include <X11/Xatom.h>
#include <X11/Xlib.h>
#include <X11/Xutil.h>

#include "recorder/x11_trap.hpp"

namespace wt::recorder {

namespace {

struct XFreeDeleter {
    void operator()(void* p) const {
        if (p) XFree(p);
    }
};
template <class T>
using XPtr = std::unique_ptr<T, XFreeDeleter>;

struct ImageDeleter {
    void operator()(XImage* image) const { XDestroyImage(image); }
};
using ImagePtr = std::unique_ptr<XImage, ImageDeleter>;

struct Atoms {
    Atom client_list_stacking = 0, client_list = 0, wm_name = 0, utf8 = 0, wm_pid = 0, wm_state = 0;

    explicit Atoms(Display* d) {
        char names[][32] = {
            "_NET_CLIENT_LIST_STACKING", "_NET_CLIENT_LIST", "_NET_WM_NAME", "UTF8_STRING", "_NET_WM_PID", "WM_STATE"};
        char* list[6];
        for (int i = 0; i < 6; ++i) list[i] = names[i];
        Atom got[6] = {};
        XInternAtoms(d, list, 6, False, got);  // one round trip for all six
        client_list_stacking = got[0];
        client_list = got[1];
        wm_name = got[2];
        utf8 = got[3];
        wm_pid = got[4];
        wm_state = got[5];
    }
};

struct Property {
    XPtr<unsigned char> data;
    Atom type = 0;
    int format = 0;
    unsigned long items = 0;
};

Property property(Display* d, Window w, Atom name, Atom type) {
    Property p;
    unsigned char* data = nullptr;
    unsigned long after = 0;
    if (XGetWindowProperty(d, w, name, 0, 1 << 16, False, type, &p.type, &p.format, &p.items, &after, &data) != Success)
        return {};
    p.data.reset(data);
    return p;
}

// A list of 32-bit items (window ids, numbers): Xlib hands each one over as a long.
std::vector<unsigned long> numbers(Display* d, Window w, Atom name, Atom type) {
    Property p = property(d, w, name, type);
    if (!p.data || p.type != type || p.format != 32) return {};
    const auto* items = reinterpret_cast<const unsigned long*>(p.data.get());
    return {items, items + p.items};
}

bool has_property(Display* d, Window w, Atom name) {
    Property p = property(d, w, name, AnyPropertyType);
    return p.type != 0;
}

// _NET_WM_NAME (UTF-8) when the client sets it, else WM_NAME in whatever encoding it has.
std::string title_of(Display* d, Window w, const Atoms& a) {
    Property net = property(d, w, a.wm_name, a.utf8);
    if (net.data && net.type == a.utf8 && net.format == 8 && net.items > 0)
        return {reinterpret_cast<const char*>(net.data.get()), net.items};
    XTextProperty text{};
    if (!XGetWMName(d, w, &text) || !text.value) return {};
    XPtr<unsigned char> hold(text.value);
    char** list = nullptr;
    int count = 0;
    // >= Success: converted, possibly with a few characters that have no UTF-8 form replaced.
    if (Xutf8TextPropertyToTextList(d, &text, &list, &count) >= Success && list) {
        std::string out = count > 0 && list[0] ? list[0] : "";
        XFreeStringList(list);
        return out;
    }
    return {reinterpret_cast<const char*>(text.value), text.nitems};
}

// Under a window manager that keeps no client list, the root's children may be its frames: the
// client inside is the window with WM_STATE (as xwininfo and xprop find it).
Window client_in(Display* d, Window frame, const Atoms& a, int depth) {
    if (has_property(d, frame, a.wm_state)) return frame;
    if (depth == 0) return 0;
    Window root = 0, parent = 0, *children = nullptr;
    unsigned n = 0;
    if (!XQueryTree(d, frame, &root, &parent, &children, &n)) return 0;
    XPtr<Window> hold(children);
    for (unsigned i = 0; i < n; ++i)
        if (Window c = client_in(d, children[i], a, depth - 1)) return c;
    return 0;
}

Error lost(const x11::Connection& c) {
    return Error{ErrorCode::io, fmt::format("the X server at DISPLAY={} closed the connection; check that it is "
                                            "still running",
                                            c.name())};
}

}  // namespace

Result<std::vector<WindowInfo>> list_windows(const std::string& display) {
    auto opened = x11::Connection::open(display);
    if (!opened) return std::unexpected(opened.error());
    x11::Connection& c = **opened;
    Display* d = c.display();
    const Window root = DefaultRootWindow(d);
    const Atoms a(d);

    // Bottom to top in both lists; shown topmost first.
    std::vector<unsigned long> from_wm = numbers(d, root, a.client_list_stacking, XA_WINDOW);
    if (from_wm.empty()) from_wm = numbers(d, root, a.client_list, XA_WINDOW);
    const bool managed = !from_wm.empty();
    std::vector<Window> candidates(from_wm.rbegin(), from_wm.rend());
    if (!managed) {
        Window root_return = 0, parent = 0, *children = nullptr;
        unsigned n = 0;
        if (XQueryTree(d, root, &root_return, &parent, &children, &n)) {
            XPtr<Window> hold(children);
            for (unsigned i = n; i-- > 0;) {
                const Window client = client_in(d, children[i], a, 2);
                candidates.push_back(client ? client : children[i]);
            }
        }
    }
    if (c.lost()) return std::unexpected(lost(c));
    c.take_error();

    std::vector<WindowInfo> out;
    for (const Window w : candidates) {
        XWindowAttributes wa{};
        const bool known = XGetWindowAttributes(d, w, &wa) != 0;
        if (c.lost()) return std::unexpected(lost(c));
        if (c.take_error() || !known) continue;  // closed since it was listed
        if (wa.map_state != IsViewable || wa.c_class == InputOnly || wa.width < 2 || wa.height < 2) continue;
        // Without a window manager's list: menus, tooltips and the like are not windows to record.
        if (!managed && wa.override_redirect) continue;
        WindowInfo info;
        info.id = static_cast<std::uint32_t>(w);
        info.title = title_of(d, w, a);
        if (!managed && info.title.empty()) continue;
        Window child = 0;
        if (!XTranslateCoordinates(d, w, root, 0, 0, &info.x, &info.y, &child)) continue;
        info.width = wa.width;
        info.height = wa.height;
        if (const auto pid = numbers(d, w, a.wm_pid, XA_CARDINAL); !pid.empty()) info.pid = static_cast<int>(pid[0]);
        if (c.lost()) return std::unexpected(lost(c));
        if (c.take_error()) continue;
        out.push_back(std::move(info));
    }
    return out;
}

Result<Screenshot> grab_screen(const std::string& display) {
    auto opened = x11::Connection::open(display);
    if (!opened) return std::unexpected(opened.error());
    x11::Connection& c = **opened;
    Display* d = c.display();
    const Window root = DefaultRootWindow(d);
    XWindowAttributes wa{};
    if (!XGetWindowAttributes(d, root, &wa) || c.lost()) return std::unexpected(lost(c));
    Visual* visual = wa.visual;
    if (!visual || (visual->c_class != TrueColor && visual->c_class != DirectColor) || !visual->red_mask ||
        !visual->green_mask || !visual->blue_mask) {
        return fail(ErrorCode::invalid_input,
                    fmt::format("the screen of display {} is not in RGB colours (depth {}); type the region instead",
                                c.name(), wa.depth));
    }
    ImagePtr image(XGetImage(d, root, 0, 0, static_cast<unsigned>(wa.width), static_cast<unsigned>(wa.height),
                             AllPlanes, ZPixmap));
    if (c.lost()) return std::unexpected(lost(c));
    if (!image || c.take_error()) {
        return fail(ErrorCode::io,
                    fmt::format("cannot read the screen of display {}; type the region instead", c.name()));
    }
    Screenshot shot;
    shot.width = wa.width;
    shot.height = wa.height;
    shot.rgba.resize(static_cast<std::size_t>(shot.width) * static_cast<std::size_t>(shot.height) * 4);
    const std::ptrdiff_t row = static_cast<std::ptrdiff_t>(shot.width) * 4;
    if (image->bits_per_pixel == 32 && image->byte_order == LSBFirst && visual->red_mask == 0xff0000 &&
        visual->green_mask == 0xff00 && visual->blue_mask == 0xff) {
        // The layout the recorder grabs (X11Screen): converted row by row without asking Xlib per pixel.
        bgrx_to_rgba(reinterpret_cast<const std::uint8_t*>(image->data), image->bytes_per_line, shot.width, shot.height,
                     shot.rgba.data(), row);
        return shot;
    }
    // Anything else (16-bit, 30-bit, big-endian servers): slower, through Xlib, each channel scaled to 8 bits.
    auto channel = [](unsigned long pixel, unsigned long mask) {
        const int shift = std::countr_zero(mask);
        const unsigned long max = mask >> shift;
        return static_cast<std::uint8_t>(((pixel & mask) >> shift) * 255 / max);
    };
    for (int y = 0; y < shot.height; ++y) {
        std::uint8_t* out = shot.rgba.data() + y * row;
        for (int x = 0; x < shot.width; ++x) {
            const unsigned long p = XGetPixel(image.get(), x, y);
            out[4 * x] = channel(p, visual->red_mask);
            out[4 * x + 1] = channel(p, visual->green_mask);
            out[4 * x + 2] = channel(p, visual->blue_mask);
            out[4 * x + 3] = 255;
        }
    }
    return shot;
}

}  // namespace wt::recorder
