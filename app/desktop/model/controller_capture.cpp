// The Controller's handlers (controller.hpp) for the Record view and recording: the microphones and
// their level meter, the windows, the still of the screen a region is dragged on, checking the
// sources, and a recording from start to filed.
#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "app/core/finishing.hpp"
#include "app/core/team_spool.hpp"
#include "app/desktop/model/controller.hpp"
#include "app/desktop/model/jobs.hpp"
#include "app/desktop/model/view_logic.hpp"

namespace wt::ui {

namespace {

// How long the hidden window takes to leave the screen (unmapped, what was under it redrawn, a
// compositor's fade) before the still of the screen is taken.
constexpr int k_hide_ms = 350;

// How the Record form files the recording: at its start (kept with the file) and at its stop.
catalog::NewRecording typed_details(const RecordForm& f) {
    catalog::NewRecording d;
    d.title = f.title;  // empty: a dated title
    d.kind = f.kind == 1 ? catalog::Kind::training : catalog::Kind::walkthrough;
    d.tags = split_tags(f.tags);
    return d;
}

}  // namespace

Result<recorder::RecordOptions> Controller::record_options() const {
    const RecordForm& f = drafts_.record;
    recorder::RecordOptions o;
    // For a team library the recording is made into this computer's spool for it (jobs_team.cpp).
    o.incoming_dir =
        app::incoming_dir(state_.connection.team.empty() ? state_.root : app::spool_root(state_.connection.team));
    o.display = f.display;
    if (f.area == RecordForm::Area::region) {
        auto region = checked_region(f.region);
        if (!region) return std::unexpected(region.error());
        o.region = *region;
    } else if (f.area == RecordForm::Area::window) {
        auto id = recorder::parse_window_id(f.window);
        if (!id) return std::unexpected(id.error());
        o.window = *id;
    }
    if (f.mic_choice == 1 && !f.mic.empty()) o.mic = f.mic;
    o.no_mic = f.mic_choice == 2;
    o.denoise = f.denoise;
    o.quality = static_cast<recorder::Quality>(std::clamp(f.quality, 0, 2));
    o.countdown_seconds = std::clamp(f.countdown, 0, 10);
    if (!f.video_input.empty()) o.video_input = f.video_input;
    if (!f.audio_input.empty() && !o.no_mic) o.audio_input = f.audio_input;
    return o;
}

void Controller::sync_meter() {
    auto& r = state_.record;
    const MeterTarget want = meter_target(state_.screen, r, drafts_.record);
    if (r.meter ? want.on && r.meter->source() == want.source : !want.on) return;
    r.meter.reset();  // joins its thread: at once while it reads, at most ~100 ms while it connects
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
    r.windows_listing = worker_->post([display](Worker::Env& env) { jobs::list_windows(env, display); }, "windows");
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

void Controller::poll_recorder(Tick& t) {
    auto& r = state_.record;
    if (!r.recorder || (r.phase != RecordPhase::countdown && r.phase != RecordPhase::recording)) return;
    r.stats = r.recorder->stats();
    r.phase = r.stats.countdown_ms > 0 ? RecordPhase::countdown : RecordPhase::recording;
    if (r.recorder->finished()) stop_or_discard(false);
    t.redraw = true;
    t.wake_after_ms = t.wake_after_ms < 0 ? 100 : std::min(t.wake_after_ms, 100);
}

void Controller::stop_or_discard(bool discard) {
    auto& r = state_.record;
    if (!r.recorder || (r.phase != RecordPhase::countdown && r.phase != RecordPhase::recording)) return;
    r.phase = RecordPhase::stopping;
    const catalog::NewRecording d = typed_details(drafts_.record);
    auto rec = r.recorder;
    const std::string team = recording_for_team_;
    if (!post_long([rec, d, discard, team](Worker::Env& env) { jobs::stop_recording(env, rec, d, discard, team); },
                   team.empty())) {
        r.phase = RecordPhase::recording;  // Stop stays possible
        busy_banner();
    }
}

void Controller::back_to_setup() {
    state_.record.phase = RecordPhase::setup;
    state_.record.recorder.reset();
}

// ---- intents

void Controller::on(const intent::CheckSources&) {
    auto o = record_options();
    if (!o) return banner(Level::warning, o.error().message);
    state_.record.checking = true;
    if (!post_long([o = *o](Worker::Env& env) { jobs::check_sources(env, o); }, false, "check")) {
        state_.record.checking = false;
        busy_banner();
    }
}

void Controller::on(const intent::StartRecording&) {
    if (state_.record.phase != RecordPhase::setup) return;
    if (!can_record(state_))
        return banner(Level::error, "No library is open to record into.", "Choose a library folder in Settings.");
    auto o = record_options();
    if (!o) return banner(Level::warning, o.error().message);
    state_.record.phase = RecordPhase::starting;
    state_.record.stats = {};
    state_.record.error.clear();
    state_.record.recorded_area = recorded_area(*o, state_.record.windows);
    end_pick();
    sync_meter();  // the meter lets go of the microphone before the recorder opens it
    // What is typed so far is kept with the file from its first frame (a crash keeps it).
    o->details = app::details_at_start(typed_details(drafts_.record), state_.me);
    recording_for_team_ = state_.connection.team;
    if (!post_long([o = *o](Worker::Env& env) { jobs::start_recording(env, o); }, false)) {
        state_.record.phase = RecordPhase::setup;
        busy_banner();
    }
}

void Controller::on(const intent::ListMicrophones&) {
    // A microphone plugged in since: the meter tries again too.
    if (state_.record.level.state == recorder::MicLevel::State::failed) state_.record.meter.reset();
    list_microphones();
    sync_meter();
}

void Controller::on(const intent::ListWindows&) { list_windows(); }

void Controller::on(const intent::PickRegion&) {
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

void Controller::on(const intent::EndPick&) {
    end_pick();
    sync_meter();
}

void Controller::on(const intent::PauseRecording&) {
    if (state_.record.recorder) state_.record.recorder->pause();
}

void Controller::on(const intent::ResumeRecording&) {
    if (state_.record.recorder) state_.record.recorder->resume();
}

void Controller::on(const intent::StopRecording&) { stop_or_discard(false); }

void Controller::on(const intent::DiscardRecording&) { stop_or_discard(true); }

// ---- results

void Controller::on(results::MicrophonesListed&& m) {
    auto& r = state_.record;
    r.mics_listing = false;
    r.mics_listed = true;
    r.microphones = m.microphones ? std::move(*m.microphones) : std::vector<recorder::Microphone>{};
    r.mics_error = m.microphones ? std::string() : m.microphones.error().message;
}

void Controller::on(results::WindowsListed&& w) {
    auto& r = state_.record;
    r.windows_listing = false;
    r.windows = w.windows ? std::move(*w.windows) : std::vector<recorder::WindowInfo>{};
    r.windows_error = w.windows ? std::string() : w.windows.error().message;
}

void Controller::on(results::ScreenGrabbed&& g) {
    // The still of the screen asked for by PickRegion: shown to drag the region on.
    auto& p = state_.record.pick;
    if (p.seq != g.seq || p.phase != RegionPick::Phase::grabbing) return;
    const std::uint64_t seq = g.seq;
    Result<recorder::Screenshot>& shot = *g.shot;
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

void Controller::on(results::SourcesChecked&& c) {
    auto& r = state_.record;
    const recorder::SourceCheck& check = c.check;
    r.checking = false;
    r.screen_ok = check.screen.has_value();
    r.screen_check = check.screen ? *check.screen : check.screen.error().message;
    r.mic_ok = c.no_mic || check.microphone.has_value();
    r.mic_check = c.no_mic           ? "no microphone: the recording is silent"
                  : check.microphone ? *check.microphone
                                     : check.microphone.error().message;
}

void Controller::on(results::RecordingStarted&& s) {
    auto& r = state_.record;
    r.recorder = std::move(s.recorder);
    r.stats = r.recorder->stats();
    r.phase = r.stats.countdown_ms > 0 ? RecordPhase::countdown : RecordPhase::recording;
    r.error.clear();
}

void Controller::on(results::RecordingNotStarted&& s) {
    state_.record.phase = RecordPhase::setup;
    state_.record.error = s.error.message;
    banner(Level::error, "The recording could not start: " + s.error.message,
           "Check the screen and microphone choices (Check sources), or record without the microphone.");
}

void Controller::on(results::RecordingNotFinished&& f) {
    back_to_setup();
    banner(Level::error, "The recording could not be finished: " + f.error.message,
           "What was written is kept in the library's incoming folder and recovered at the next start.");
}

void Controller::on(results::RecordingDiscarded&&) {
    back_to_setup();
    banner(Level::info, "The recording was discarded.");
}

void Controller::on(results::RecordingUnfiled&&) { back_to_setup(); }

void Controller::on(results::RecordingFiled&& f) {
    back_to_setup();
    for (const auto& w : f.warnings) banner(Level::warning, "While recording: " + w);
    if (!f.added) {
        banner(Level::error, "The recording could not be added to the library: " + f.added.error().message,
               fmt::format("It is kept at {} and recovered at the next start.", f.file.string()));
        return;
    }
    if (!f.team.empty()) {
        // Its entry is the spool's, not the team library's: it appears there once it is published.
        banner(Level::info,
               fmt::format("'{}' is recorded on this computer and is being sent to the team library '{}'.",
                           f.added->title, f.team),
               "Record shows how far it got; if the server is away, it is sent when it is back.");
        return;
    }
    state_.record.last_id = f.added->id;
    if (!shows_library(f.root)) {
        banner(Level::info, fmt::format("The recording went into the library at {}.", f.root.string()));
        return;
    }
    const std::string id = f.added->id;
    recording_added(std::move(*f.added));
    on(intent::OpenDetails{id});
    drafts_.focus_title = true;  // name it now
}

}  // namespace wt::ui
