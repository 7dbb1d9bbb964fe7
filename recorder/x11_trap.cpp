#include <cstdlib>
#include <mutex>

#include <fmt/format.h>

#include <X11/Xlib.h>

#include "recorder/x11_trap.hpp"

namespace wt::recorder::x11 {

namespace {

thread_local Trap* t_trap = nullptr;
XErrorHandler g_previous_error = nullptr;
XIOErrorHandler g_previous_io_error = nullptr;

int on_x_error(Display* d, XErrorEvent* e) {
    if (t_trap && t_trap->display == d) {
        if (t_trap->error_code == 0) t_trap->error_code = e->error_code;
        return 0;
    }
    return g_previous_error ? g_previous_error(d, e) : 0;
}

// A broken connection: for our display, return so that Xlib calls the display's exit handler
// (set with XSetIOErrorExitHandler) instead of exiting; the caller then gives up on the display.
int on_x_io_error(Display* d) {
    if (t_trap && t_trap->display == d) return 0;
    return g_previous_io_error ? g_previous_io_error(d) : 0;
}

}  // namespace

void install_handlers() {
    static std::once_flag once;
    std::call_once(once, [] {
        g_previous_error = XSetErrorHandler(on_x_error);
        g_previous_io_error = XSetIOErrorHandler(on_x_io_error);
    });
}

TrapScope::TrapScope(Trap& trap) : previous_(std::exchange(t_trap, &trap)) {}
TrapScope::~TrapScope() { t_trap = previous_; }

Result<std::string> display_name(const std::string& name) {
    if (!name.empty()) return name;
    const char* env = std::getenv("DISPLAY");
    if (env && *env) return std::string(env);
    return fail(ErrorCode::not_found,
                "no display to record: DISPLAY is not set. Run inside an X11 session, set DISPLAY (e.g. "
                "DISPLAY=:0), or pass --display :N");
}

Result<std::unique_ptr<Connection>> Connection::open(const std::string& display) {
    auto name = display_name(display);
    if (!name) return std::unexpected(name.error());
    install_handlers();
    std::unique_ptr<Connection> c(new Connection);
    c->name_ = *name;
    c->display_ = XOpenDisplay(name->c_str());
    if (!c->display_) {
        return fail(ErrorCode::io, fmt::format("cannot open display {}. Check that the X server at DISPLAY={} is "
                                               "running and that you may use it",
                                               *name, *name));
    }
    c->trap_.display = c->display_;
    c->scope_ = std::make_unique<TrapScope>(c->trap_);
    XSetIOErrorExitHandler(c->display_, on_lost, c.get());
    return c;
}

void Connection::on_lost(Display*, void* self) { static_cast<Connection*>(self)->lost_ = true; }

Connection::~Connection() {
    if (display_) XCloseDisplay(display_);
    scope_.reset();
}

}  // namespace wt::recorder::x11
