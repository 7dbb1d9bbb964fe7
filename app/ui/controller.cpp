#include "app/ui/controller.hpp"

#include <algorithm>
#include <chrono>
#include <climits>
#include <cstdlib>

#include "app/finishing.hpp"
#include "app/ui/jobs.hpp"
#include "app/ui/view_logic.hpp"

namespace wt::ui {

namespace {

constexpr std::size_t k_long_queue = 64;  // jobs waiting on the long-work worker

template <class... F>
struct Overloaded : F... {
    using F::operator()...;
};

std::int64_t monotonic_us() {
    return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

// How the Record form files the recording: at its start (kept with the file) and at its stop.
catalog::NewRecording typed_details(const RecordForm& f) {
    catalog::NewRecording d;
    d.title = f.title;  // empty: a dated title
    d.kind = f.kind == 1 ? catalog::Kind::training : catalog::Kind::walkthrough;
    d.tags = split_tags(f.tags);
    return d;
}

}  // namespace

Controller::Controller(Options options) : options_(std::move(options)) {
    worker_ = std::make_unique<Worker>(options_.wake);
    long_worker_ = std::make_unique<Worker>(options_.wake, k_long_queue);
}

Controller::~Controller() {
    // The player's threads and the recorder are stopped here at the latest; shutdown() is the polite way.
    state_.player.engine.reset();
    long_worker_.reset();
    worker_.reset();
}

EpochMs Controller::now() const { return options_.clock ? options_.clock() : now_ms(); }

void Controller::start() { open_library(options_.library, options_.person, true); }

void Controller::open_library(const std::filesystem::path& library, const std::string& person, bool read_settings) {
    jobs::OpenRequest r;
    r.library = library;
    r.person = person;
    if (read_settings) {
        r.settings_file = options_.settings_file;
        r.read_settings = true;
    }
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
            if (!opened) env.close();  // as on the other worker: jobs see no library
            else if (!current) {
                if (auto l = env.open(root, oo); !l) {
                    const std::string why = l.error().message;
                    env.post([why](Controller& c) {
                        c.banner(Level::error, "The library cannot be opened for this work: " + why,
                                 "Check that the library folder is there and not full, then try again.");
                    });
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

void Controller::set_busy(std::optional<Busy> busy) { state_.busy = std::move(busy); }

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

void Controller::thumbnail_arrived(Thumbnail t) {
    thumbs_asked_.erase(t.id);
    state_.thumbnails_ready.push_back(std::move(t));
}

void Controller::load_for_screen(Screen screen) {
    switch (screen) {
        case Screen::training:
        case Screen::team:
            post([](Worker::Env& env) { jobs::load_training(env); }, "training");
            break;
        case Screen::inbox:
            post([](Worker::Env& env) { jobs::load_inbox(env); }, "inbox");
            break;
        case Screen::settings:
            drafts_.library = state_.root.string();
            drafts_.response_window_hours = state_.response_window_hours;
            list_microphones();  // the default microphone is chosen from them
            break;
        case Screen::record:
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

Result<recorder::RecordOptions> Controller::record_options() const {
    const RecordForm& f = drafts_.record;
    recorder::RecordOptions o;
    o.incoming_dir = app::incoming_dir(state_.root);
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

void Controller::apply(Intents& intents) {
    for (const Intent& i : intents) apply(i);
    intents.clear();
}

void Controller::apply(const Intent& in) {
    using namespace intent;
    std::visit(
        Overloaded{
            [&](const Navigate& n) { navigate(n.screen); },
            [&](const Refresh&) {
                reload_library();
                load_for_screen(state_.screen);
                if (state_.screen != Screen::inbox) post([](Worker::Env& env) { jobs::load_inbox(env); }, "inbox");
            },
            [&](const SetQuery& q) {
                state_.query = q.query;
                recompute_visible();
            },
            [&](const Search& s) {
                auto& sd = state_.search;
                const std::uint64_t seq = ++sd.seq;
                if (s.text.find_first_not_of(" \t") == std::string::npos) {
                    sd.query.clear();
                    sd.hits.clear();
                    sd.error.clear();
                    sd.busy = false;
                    return;
                }
                sd.busy = true;
                const std::string text = s.text;
                post([text, seq](Worker::Env& env) { jobs::search(env, text, seq); }, "search");
            },
            [&](const OpenDetails& o) {
                if (state_.details.id != o.id) state_.details = DetailsData{};
                state_.details.id = o.id;
                state_.details.loading = true;
                drafts_.confirm_delete = false;
                navigate(Screen::details);
            },
            [&](const SaveDetails& s) {
                const auto& rec = state_.details.recording;
                if (!rec || rec->id != s.id) return;
                const auto edit = edit_between(*rec, drafts_.title, drafts_.description,
                                               drafts_.kind == 1 ? catalog::Kind::training : catalog::Kind::walkthrough,
                                               drafts_.tags);
                const std::string id = s.id;
                post([id, edit](Worker::Env& env) { jobs::save_details(env, id, edit); });
            },
            [&](const Delete& d) {
                if (state_.player.id == d.id) close_player();
                const std::string id = d.id;
                drafts_.confirm_delete = false;
                post([id](Worker::Env& env) { jobs::remove(env, id); });
            },
            [&](const Export& e) {
                const std::string id = e.id, dir = e.dir;
                if (!post_long([id, dir](Worker::Env& env) { jobs::export_to(env, id, dir); }, true)) busy_banner();
            },
            [&](const Assign& a) {
                if (a.person.empty()) return banner(Level::warning, "Choose whom to assign it to.");
                std::optional<std::string> due;
                if (!a.due.empty()) {
                    auto d = parse_date(a.due);
                    if (!d) return banner(Level::warning, d.error().message, "Type the due date as YYYY-MM-DD.");
                    due = *d;
                }
                const std::string id = a.id, person = a.person;
                post([id, person, due](Worker::Env& env) { jobs::assign(env, id, person, due); });
            },
            [&](const Play& p) {
                if (state_.player.id == p.id && state_.player.engine) {
                    if (p.at_ms) state_.player.engine->seek(static_cast<double>(*p.at_ms) / 1000.0);
                    if (!p.paused) state_.player.engine->play();
                    navigate(Screen::player);
                    return;
                }
                close_player();
                state_.player.id = p.id;
                state_.player.opening = true;
                drafts_.comment.clear();
                drafts_.reply_to.clear();
                drafts_.chapter_title.clear();
                navigate(Screen::player);
                const std::string id = p.id;
                const auto at = p.at_ms;
                const bool paused = p.paused;
                const auto audio = options_.audio;
                post([id, at, paused, audio](Worker::Env& env) { jobs::open_player(env, id, at, paused, audio); },
                     "player");
            },
            [&](const ClosePlayer&) {
                close_player();
                navigate(Screen::library);
            },
            [&](const AddComment& c) {
                if (c.body.find_first_not_of(" \t\r\n") == std::string::npos)
                    return banner(Level::warning, "Write something first: the comment is empty.");
                catalog::NewComment nc;
                nc.recording = c.id;
                nc.body = c.body;
                nc.at_ms = c.at_ms;
                if (!c.reply_to.empty()) nc.reply_to = c.reply_to;
                post([nc](Worker::Env& env) { jobs::comment(env, nc); });
            },
            [&](const Resolve& r) {
                const std::string cid = r.comment_id;
                post([cid](Worker::Env& env) { jobs::resolve(env, cid); });
            },
            [&](const AddChapter& a) {
                if (a.title.find_first_not_of(" \t\r\n") == std::string::npos)
                    return banner(Level::warning, "Type the chapter's title first.");
                const std::string id = a.id, title = a.title;
                const std::int64_t at = a.at_ms;
                post([id, at, title](Worker::Env& env) { jobs::set_chapter(env, id, at, title); });
            },
            [&](const RemoveChapter& r) {
                const std::string id = r.id;
                const std::int64_t at = r.at_ms;
                post([id, at](Worker::Env& env) { jobs::remove_chapter(env, id, at); });
            },
            [&](const MarkWatched& m) {
                report_played(true);
                const std::string id = m.id;
                post([id](Worker::Env& env) { jobs::mark_watched(env, id); });
            },
            [&](const SwitchPerson& s) {
                if (s.name.empty() || s.name == state_.me) return;
                close_player();
                state_.settings.person = s.name;
                apply(SaveSettings{state_.settings});
                state_.training = TrainingData{};
                state_.details = DetailsData{};
                if (state_.screen == Screen::details || state_.screen == Screen::player) state_.screen = Screen::library;
                open_library(state_.root, s.name, false);
                load_for_screen(state_.screen);
            },
            [&](const AddPerson& a) {
                const std::string name = a.name;
                if (name.find_first_not_of(" \t") == std::string::npos)
                    return banner(Level::warning, "Type the person's name first.");
                post([name](Worker::Env& env) { jobs::add_person(env, name); });
            },
            [&](const SetResponseWindow& w) {
                if (w.hours < 1 || w.hours > 24 * 30)
                    return banner(Level::warning, "The response window is 1 hour to 30 days (720 hours).");
                state_.response_window_hours = w.hours;
                const int h = w.hours;
                post([h](Worker::Env& env) { jobs::set_response_window(env, h); });
            },
            [&](const ChangeLibrary& c) {
                if (c.folder.empty()) return banner(Level::warning, "Type the library folder first.");
                close_player();
                state_.settings.library = c.folder;
                state_.opened = false;  // until the new one answers: long work finishing now is not for it
                apply(SaveSettings{state_.settings});
                // The generation carries on, so pages of the old library still on their way are dropped.
                const std::uint64_t generation = state_.library.generation;
                state_.library = LibraryData{};
                state_.library.generation = generation;
                state_.details = DetailsData{};
                state_.training = TrainingData{};
                state_.inbox = InboxData{};
                thumbs_asked_.clear();
                state_.thumbnails_ready.clear();
                open_library(c.folder, state_.settings.person, false);
            },
            [&](const SaveSettings& s) {
                state_.settings = s.settings;
                const auto file = options_.settings_file;
                const AppSettings settings = s.settings;
                post([file, settings](Worker::Env& env) { jobs::save_settings(env, file, settings); }, "settings");
            },
            [&](const Import& i) {
                if (i.path.empty()) return banner(Level::warning, "Type the path of the video to import.");
                catalog::NewRecording nr;
                nr.file = i.path;
                if (!i.title.empty()) nr.title = i.title;
                nr.kind = i.kind;
                if (!post_long([nr](Worker::Env& env) { jobs::import(env, nr); }, true)) busy_banner();
            },
            [&](const CheckSources&) {
                auto o = record_options();
                if (!o) return banner(Level::warning, o.error().message);
                state_.record.checking = true;
                if (!post_long([o = *o](Worker::Env& env) { jobs::check_sources(env, o); }, false, "check")) {
                    state_.record.checking = false;
                    busy_banner();
                }
            },
            [&](const StartRecording&) {
                if (state_.record.phase != RecordPhase::setup) return;
                if (!state_.opened) return banner(Level::error, "No library is open to record into.",
                                                  "Choose a library folder in Settings.");
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
                if (!post_long([o = *o](Worker::Env& env) { jobs::start_recording(env, o); }, false)) {
                    state_.record.phase = RecordPhase::setup;
                    busy_banner();
                }
            },
            [&](const ListMicrophones&) { relist_microphones(); },
            [&](const ListWindows&) { list_windows(); },
            [&](const PickRegion&) { pick_region(); },
            [&](const EndPick&) {
                end_pick();
                sync_meter();
            },
            [&](const PauseRecording&) {
                if (state_.record.recorder) state_.record.recorder->pause();
            },
            [&](const ResumeRecording&) {
                if (state_.record.recorder) state_.record.recorder->resume();
            },
            [&](const StopRecording&) { stop_or_discard(false); },
            [&](const DiscardRecording&) { stop_or_discard(true); },
            [&](const DismissBanner& d) {
                std::erase_if(state_.banners, [&](const Banner& b) { return b.id == d.id; });
            },
            [&](const LoadThumbnail& t) {
                if (!thumbs_asked_.insert(t.id).second) return;
                const std::string id = t.id, path = t.path;
                const int width = options_.thumbnail_width;
                // Thumbnails take at most half the long-work queue (the rest stays free for imports and
                // recordings); when they cannot be queued the card asks again next frame.
                if (long_worker_->waiting() >= k_long_queue / 2 ||
                    !post_long([id, path, width](Worker::Env& env) { jobs::thumbnail(env, id, path, width); }, true,
                               "thumb:" + id))
                    thumbs_asked_.erase(id);
            },
        },
        in);
}

void Controller::stop_or_discard(bool discard) {
    auto& r = state_.record;
    if (!r.recorder || (r.phase != RecordPhase::countdown && r.phase != RecordPhase::recording)) return;
    r.phase = RecordPhase::stopping;
    const catalog::NewRecording d = typed_details(drafts_.record);
    auto rec = r.recorder;
    if (!post_long([rec, d, discard](Worker::Env& env) { jobs::stop_recording(env, rec, d, discard); }, true)) {
        r.phase = RecordPhase::recording;  // Stop stays possible
        busy_banner();
    }
}

bool Controller::drain() {
    bool any = false;
    for (Worker* w : {worker_.get(), long_worker_.get()}) {
        auto applies = w->take();
        for (auto& a : applies) a(*this);
        any |= !applies.empty();
    }
    return any;
}

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
    auto& r = state_.record;
    poll_meter(t);
    if (r.recorder && (r.phase == RecordPhase::countdown || r.phase == RecordPhase::recording)) {
        r.stats = r.recorder->stats();
        r.phase = r.stats.countdown_ms > 0 ? RecordPhase::countdown : RecordPhase::recording;
        if (r.recorder->finished()) stop_or_discard(false);
        t.redraw = true;
        t.wake_after_ms = t.wake_after_ms < 0 ? 100 : std::min(t.wake_after_ms, 100);
    }
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
