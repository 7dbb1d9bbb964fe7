#pragma once
// The desktop app's controller on a test library, without a window: apply intents, settle the
// workers, tick as the app's loop does.
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "app/desktop/model/controller.hpp"
#include "tests/fixture.hpp"

namespace wt::test {

// Ticks and drains `c` (as the app's loop does) until `done`, for at most `timeout_ms`; no intent is
// applied meanwhile.
template <class F>
bool tick_until(ui::Controller& c, F done, int timeout_ms = 5000) {
    const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    while (std::chrono::steady_clock::now() < until) {
        c.tick();
        c.drain();
        if (done()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
}

struct AppOnLibrary {
    TempDir config;
    std::unique_ptr<ui::Controller> c;

    // Acting as `person`, with the fixture's clock and silent audio; `adjust` may change the options.
    AppOnLibrary(LibraryFixture& fx, const std::string& person,
                 const std::function<void(ui::Controller::Options&)>& adjust = {}) {
        ui::Controller::Options o;
        o.library = fx.dir.path;
        o.person = person;
        o.settings_file = config / "desktop.json";
        o.clock = [&fx] { return fx.now; };
        o.audio = player::AudioOutput::silent;
        if (adjust) adjust(o);
        c = std::make_unique<ui::Controller>(o);
        c->start();
        REQUIRE(c->settle(20000));
        REQUIRE_MESSAGE(c->state().opened, c->state().open_error);
    }
    const ui::AppState& s() const { return c->state(); }
    void act(const ui::Intent& i) {
        c->apply(i);
        REQUIRE(c->settle(20000));
    }
    // Ticks and drains (as the loop does) until `done`, for at most `timeout_ms`.
    template <class F>
    bool tick_until(F done, int timeout_ms = 5000) {
        return test::tick_until(*c, done, timeout_ms);
    }
};

}  // namespace wt::test
