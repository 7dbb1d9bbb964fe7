// The Controller's part for the Record view's choices (controller.hpp): the microphones and their
// level meter, the windows, and the still of the screen a region is dragged on. Split from
// controller.cpp to keep each file readable.
#include <algorithm>
#include <cmath>

#include "app/desktop/model/controller.hpp"
#include "app/desktop/model/jobs.hpp"
#include "app/desktop/model/view_logic.hpp"

namespace wt::ui {

namespace {

// How long the hidden window takes to leave the screen (unmapped, what was under it redrawn, a
// compositor's fade) before the still of the screen is taken.
constexpr int k_hide_ms = 350;

}  // namespace

void Controller::sync_meter() {
    auto& r = state_.record;
    const MeterTarget want = options_.live_meter ? meter_target(state_.screen, r, drafts_.record) : MeterTarget{};
    if (r.meter ? want.on && r.meter->source() == want.source : !want.on) return;
    r.meter.reset();  // joins its thread: at once while it reads, at most ~100 ms while it connects
    if (!options_.live_meter) return;  // the screenshot mode's staged level stays
    r.level = {};
    if (want.on) r.meter = std::make_shared<recorder::LevelMonitor>(want.source);
}

void Controller::list_microphones() {
    auto& r = state_.record;
    if (r.mics_listing) return;
    r.mics_listing = worker_->post([](Worker::Env& env) { jobs::list_microphones(env); }, "microphones");
}

void Controller::list_windows() {
    auto& r = state_.record;
    if (r.windows_listing) return;
    const std::string display = drafts_.record.display;
    r.windows_listing =
        worker_->post([display](Worker::Env& env) { jobs::list_windows(env, display); }, "windows");
}

void Controller::end_pick() {
    auto& p = state_.record.pick;
    if (p.window_hidden && options_.hide_window) options_.hide_window(false);
    // A picture without pixels replaces the still in the shell's cache: its texture is freed.
    if (!p.texture.empty()) state_.thumbnails_ready.push_back(Thumbnail{p.texture, 0, 0, {}});
    const std::uint64_t seq = p.seq;
    p = RegionPick{};
    p.seq = seq;  // a still still on its way is dropped when it comes
    drafts_.record.drag = {};
}

void Controller::screen_grabbed(std::uint64_t seq, Result<recorder::Screenshot> shot) {
    auto& p = state_.record.pick;
    if (p.seq != seq || p.phase != RegionPick::Phase::grabbing) return;
    if (p.window_hidden && options_.hide_window) options_.hide_window(false);
    p.window_hidden = false;
    if (!shot) {
        end_pick();
        return banner(Level::warning, "The screen could not be pictured: " + shot.error().message,
                      "Type the region as X,Y,WxH instead.");
    }
    p.phase = RegionPick::Phase::picking;
    p.width = shot->width;
    p.height = shot->height;
    p.texture = "screen-still:" + std::to_string(seq);
    state_.thumbnails_ready.push_back(Thumbnail{p.texture, shot->width, shot->height, std::move(shot->rgba)});
    // The region typed so far is where the rectangle starts: dragging again replaces it.
    auto& drag = drafts_.record.drag;
    drag = {};
    if (const auto r = region_of(drafts_.record.region)) {
        drag.chosen = true;
        drag.x0 = static_cast<float>(r->x);
        drag.y0 = static_cast<float>(r->y);
        drag.x1 = static_cast<float>(r->x + r->width);
        drag.y1 = static_cast<float>(r->y + r->height);
    }
}

void Controller::relist_microphones() {
    // A microphone plugged in since: the meter tries again too.
    if (state_.record.level.state == recorder::MicLevel::State::failed) state_.record.meter.reset();
    list_microphones();
    sync_meter();
}

void Controller::poll_meter(Tick& t) {
    auto& r = state_.record;
    sync_meter();  // the form's choice of microphone is edited in place
    if (!r.meter) return;
    const recorder::MicLevel level = r.meter->level();
    t.redraw |= level.state != r.level.state || level.error != r.level.error ||
                std::abs(meter_fraction(level.peak) - meter_fraction(r.level.peak)) > 0.01f ||
                std::abs(meter_fraction(level.rms) - meter_fraction(r.level.rms)) > 0.01f;
    r.level = level;
    t.wake_after_ms = t.wake_after_ms < 0 ? 100 : std::min(t.wake_after_ms, 100);
}

void Controller::pick_region() {
    auto& p = state_.record.pick;
    if (p.phase != RegionPick::Phase::off || state_.record.phase != RecordPhase::setup) return;
    const std::uint64_t seq = ++p.seq;
    const std::string display = drafts_.record.display;
    // Hidden only when the worker is free: behind other work the window would stay away. (These
    // quick device queries run beside catalog work, never behind an import or export.)
    const bool hide = options_.hide_window && worker_->idle();
    const int delay = hide ? k_hide_ms : 0;
    auto grab = [display, delay, seq](Worker::Env& env) { jobs::grab_screen(env, display, delay, seq); };
    if (!worker_->post(grab, "grab"))
        return banner(Level::warning, "The app is still busy with earlier work; the screen was not pictured.",
                      "Wait a moment and try again.");
    p.phase = RegionPick::Phase::grabbing;
    sync_meter();
    if (hide) {
        options_.hide_window(true);
        p.window_hidden = true;
    }
}

}  // namespace wt::ui
