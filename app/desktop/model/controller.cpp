#include "app/desktop/model/controller.hpp"

#include <algorithm>
#include <chrono>
#include <climits>
#include <cstdlib>
#include <utility>

#include "app/desktop/model/jobs.hpp"
#include "app/desktop/model/view_logic.hpp"
#include "common/clock.hpp"

namespace wt::ui {

Controller::Controller(Options options) : options_(std::move(options)) {
    worker_ = std::make_unique<Worker>(options_.wake);
    long_worker_ = std::make_unique<Worker>(options_.wake, k_long_queue);
    live_outlet_ = std::make_shared<LiveOutlet>(worker_.get());
}

Controller::~Controller() {
    // The player's threads and the recorder are stopped here at the latest; shutdown() is the polite way.
    live_outlet_->close();
    live_.reset();
    state_.player.engine.reset();
    long_worker_.reset();
    worker_.reset();
}

EpochMs Controller::now() const { return options_.clock ? options_.clock() : now_ms(); }

void Controller::start() {
    open_library(options_.library, options_.person, true);
    // Recordings for a team library that waited (the app or the computer stopped, the server was
    // away) go on from where they were.
    send_uploads();
}

void Controller::open_library(const std::filesystem::path& library, const std::string& person, bool read_settings) {
    jobs::OpenRequest r;
    r.library = library;
    r.person = person;
    if (read_settings) {
        r.settings_file = options_.settings_file;
        r.read_settings = true;
    }
    r.settings = state_.settings;
    r.clock = options_.clock;
    r.generation = ++state_.library.generation;
    r.first_page = options_.first_page;
    post([r](Worker::Env& env) { jobs::open(env, r); }, "open");
}

void Controller::post(Worker::Job job, const std::string& key) {
    if (!worker_->post(std::move(job), key)) busy_banner();
}

bool Controller::post_long(Worker::Job job, bool with_library, const std::string& key) {
    if (with_library) {
        catalog::OpenOptions oo;
        oo.acting_person = state_.me;
        oo.clock = options_.clock;
        const bool opened = state_.opened;
        job = [job = std::move(job), root = state_.root, oo, opened](Worker::Env& env) {
            const catalog::Library* lib = env.library();
            const bool current = lib && env.root() == root && lib->me().name == *oo.acting_person;
            if (!opened)
                env.close();  // as on the other worker: jobs see no library
            else if (!current) {
                if (auto l = env.open(root, oo); !l) {
                    const std::string why = l.error().message;
                    env.post(results::Notice{Level::error, "The library cannot be opened for this work: " + why,
                                             "Check that the library folder is there and not full, then try again."});
                }
            }
            // Even without a library the job runs: stopping a recording must still stop it (its file
            // then waits in incoming/ for recovery), and a thumbnail must still answer.
            job(env);
        };
    }
    return long_worker_->post(std::move(job), key);
}

void Controller::busy_banner() {
    banner(Level::warning, "The app is still busy with earlier work; that last action was not taken.",
           "Wait a moment and try again.");
}

void Controller::banner(Level level, std::string text, std::string hint) {
    // The same message twice is shown once.
    for (const Banner& b : state_.banners)
        if (b.text == text) return;
    state_.banners.push_back({state_.next_banner_id++, level, std::move(text), std::move(hint)});
    // A long session does not pile up notices: the oldest informational ones go first.
    while (state_.banners.size() > 4) {
        auto info = std::find_if(state_.banners.begin(), state_.banners.end(),
                                 [](const Banner& b) { return b.level == Level::info; });
        state_.banners.erase(info != state_.banners.end() ? info : state_.banners.begin());
    }
}

void Controller::reload_library() {
    const std::uint64_t gen = ++state_.library.generation;
    const int first = options_.first_page;
    post([gen, first](Worker::Env& env) { jobs::load_library(env, gen, first); }, "library");
}

void Controller::recording_added(catalog::Recording rec) {
    // Nothing loaded yet (another library is opening): its pages, on their way, are what counts.
    if (!state_.library.loaded) return;
    // Cards do not show descriptions (details loads its own copy), as in jobs' library pages.
    std::string().swap(rec.description);
    auto& recs = state_.library.recordings;
    recs.insert(recs.begin(), std::move(rec));  // the newest
    recordings_changed();
}

void Controller::recompute_visible() {
    state_.library.visible = filter_and_sort(state_.library.recordings, state_.library.watched, state_.query);
}

void Controller::recordings_changed() {
    state_.library.tags = all_tags(state_.library.recordings);
    state_.library.authors = all_authors(state_.library.recordings);
    recompute_visible();
}

void Controller::fill_detail_drafts() {
    const auto& rec = state_.details.recording;
    if (!rec) return;
    drafts_.title = rec->title;
    drafts_.description = rec->description;
    drafts_.kind = rec->kind == catalog::Kind::training ? 1 : 0;
    drafts_.tags = join_tags(rec->tags);
    drafts_.confirm_delete = false;
    if (drafts_.export_dir.empty()) {
        const char* home = std::getenv("HOME");
        drafts_.export_dir = home && *home ? home : "/tmp";
    }
}

void Controller::load_for_screen(Screen screen) {
    switch (screen) {
    case Screen::training:
    case Screen::team: post([](Worker::Env& env) { jobs::load_training(env); }, "training"); break;
    case Screen::inbox: post([](Worker::Env& env) { jobs::load_inbox(env); }, "inbox"); break;
    case Screen::settings:
        list_libraries();
        drafts_.library = state_.connection.team.empty() ? state_.root.string() : this_computer_folder().string();
        drafts_.response_window_hours = state_.response_window_hours;
        list_microphones();  // the default microphone is chosen from them
        break;
    case Screen::record:
        post([](Worker::Env& env) { jobs::list_uploads(env); }, "uploads");
        list_microphones();
        if (drafts_.record.area == RecordForm::Area::window) list_windows();
        break;
    case Screen::details:
        if (!state_.details.id.empty()) {
            const std::string id = state_.details.id;
            post([id](Worker::Env& env) { jobs::details(env, id); }, "details");
        }
        break;
    default: break;
    }
}

void Controller::navigate(Screen screen) {
    if (state_.screen == Screen::player && screen != Screen::player && state_.player.engine) {
        state_.player.engine->pause();
        report_played(true);
    }
    if (screen != Screen::record) end_pick();
    state_.screen = screen;
    sync_meter();
    load_for_screen(screen);
}

void Controller::close_player() {
    report_played(true);
    if (auto engine = std::move(state_.player.engine)) {
        engine->pause();
        // Joining its threads is the worker's wait, not the UI's.
        // (With the queue full the job, and the engine with it, is dropped here instead.)
        worker_->post([engine = std::move(engine)](Worker::Env&) mutable { engine.reset(); });
    }
    state_.player = PlayerData{};
}

void Controller::report_played(bool force) {
    auto& p = state_.player;
    if (p.engine) {
        // Stretches as the engine reports them (every few ms), joined, and kept within the recording.
        const std::int64_t end = p.snapshot.duration_ms > 0 ? p.snapshot.duration_ms : INT64_MAX;
        for (const auto& i : p.engine->take_played()) {
            const std::int64_t from = std::max<std::int64_t>(i.from_ms, 0), to = std::min(i.to_ms, end);
            if (to <= from) continue;
            if (!played_.empty() && from >= played_.back().start_ms && from <= played_.back().end_ms + 1)
                played_.back().end_ms = std::max(played_.back().end_ms, to);
            else
                played_.push_back({from, to});
        }
    }
    const std::int64_t now = monotonic_us();
    if (played_.empty() || p.id.empty() || (!force && now - last_report_us_ < 2'000'000)) return;
    const std::string id = p.id;
    auto played = played_;
    if (worker_->post([id, played](Worker::Env& env) { jobs::report_played(env, id, played); })) {
        played_.clear();
        last_report_us_ = now;
    }
}

void Controller::apply(Intents& intents) {
    for (const Intent& i : intents) apply(i);
    intents.clear();
}

void Controller::apply(const Intent& intent) {
    std::visit([this](const auto& i) { on(i); }, intent);
}

void Controller::apply_result(JobResult&& result) {
    std::visit([this](auto&& r) { on(std::move(r)); }, std::move(result));
}

void Controller::on(results::Failed&& r) {
    // On a team library, a server that cannot be reached is a state (shown in the sidebar, tried
    // again by itself), and the banner says what was not done.
    if (r.error.code == ErrorCode::unreachable && !state_.connection.team.empty()) server_unreachable(r.error);
    banner(Level::error, r.error.message, std::move(r.hint));
}

void Controller::on(results::Notice&& r) { banner(r.level, std::move(r.text), std::move(r.hint)); }

void Controller::on(results::Progress&& r) { state_.busy = std::move(r.busy); }

bool Controller::drain() {
    bool any = false;
    for (Worker* w : {worker_.get(), long_worker_.get()}) {
        auto answers = w->take();
        for (auto& a : answers) apply_result(std::move(a));
        any |= !answers.empty();
    }
    return any;
}

std::vector<Thumbnail> Controller::take_thumbnails() { return std::exchange(state_.thumbnails_ready, {}); }

Controller::Tick Controller::tick() {
    Tick t;
    auto& p = state_.player;
    if (p.engine) {
        const player::PollResult polled = p.engine->poll();
        player::Snapshot s = p.engine->snapshot();
        const bool playing = s.state == player::State::playing;
        t.new_frame = polled.new_frame;
        t.redraw = polled.new_frame || s.state != p.snapshot.state || s.seeking != p.snapshot.seeking ||
                   s.position_ms / 250 != p.snapshot.position_ms / 250 || s.speed != p.snapshot.speed;
        p.snapshot = std::move(s);
        report_played(was_playing_ && !playing);
        was_playing_ = playing;
        if (playing || p.snapshot.seeking || p.snapshot.state == player::State::opening)
            t.wake_after_ms = polled.wake_after_ms;
    }
    poll_meter(t);
    poll_recorder(t);
    poll_uploads(t);
    return t;
}

bool Controller::settle(int timeout_ms) {
    const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    for (;;) {
        drain();
        if (worker_->idle() && long_worker_->idle()) {
            // The last job's answers may have been posted just before it became idle.
            if (!drain()) return true;
            continue;
        }
        if (std::chrono::steady_clock::now() > until) return false;
        if (!worker_->wait(10)) long_worker_->wait(10);
    }
}

void Controller::shutdown(int timeout_ms) {
    end_pick();
    state_.record.meter.reset();
    if (state_.record.recorder) stop_or_discard(false);
    close_player();
    settle(timeout_ms);
}

}  // namespace wt::ui
