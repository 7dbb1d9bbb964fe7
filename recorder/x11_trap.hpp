#pragma once
// Xlib's errors per display and thread, and a connection for one question (internal to recorder/).
//
// Xlib reports errors through one process-wide handler, and its default one exits the process: a
// window that closes between listing it and asking for its name would end the app. The handlers
// installed here take the errors of the display the calling thread is working on (named by a
// TrapScope around the Xlib calls) and hand any other display's to the handler installed before
// (SDL's in the app, Xlib's default otherwise).
//
// Needs no Xlib header itself: Display is declared below as Xlib declares it.
#include <memory>
#include <string>
#include <utility>

#include "common/result.hpp"

typedef struct _XDisplay Display;  // NOLINT: exactly Xlib's declaration

namespace wt::recorder::x11 {

struct Trap {
    Display* display = nullptr;
    int error_code = 0;  // the first error since it was last cleared
};

// Once per process, before the first XOpenDisplay of recorder/.
void install_handlers();

// The errors of trap.display on this thread go to `trap` while the scope lives.
class TrapScope {
public:
    explicit TrapScope(Trap& trap);
    ~TrapScope();
    TrapScope(const TrapScope&) = delete;
    TrapScope& operator=(const TrapScope&) = delete;

private:
    Trap* previous_;
};

// `name`, else $DISPLAY; an error that says what to do when neither is set.
Result<std::string> display_name(const std::string& name);

// A short-lived connection, opened, used and closed on one thread (the windows, a still of the
// screen): its errors trapped for as long as it is open, a broken connection noted (lost()) instead of exiting, closed
// when it goes.
class Connection {
public:
    // ErrorCode::io when the display cannot be reached.
    static Result<std::unique_ptr<Connection>> open(const std::string& display);
    ~Connection();
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    Display* display() const { return display_; }
    const std::string& name() const { return name_; }
    // The first X error since the last call (0: none); clears it.
    int take_error() { return std::exchange(trap_.error_code, 0); }
    bool lost() const { return lost_; }

private:
    Connection() = default;
    static void on_lost(Display*, void* self);
    std::string name_;
    Display* display_ = nullptr;
    Trap trap_;
    std::unique_ptr<TrapScope> scope_;  // after trap_: ends before it
    bool lost_ = false;
};

}  // namespace wt::recorder::x11
