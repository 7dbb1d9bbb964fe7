#include "app/ui/jobs.hpp"

#include <cstdlib>
#include <unordered_set>

#include <fmt/format.h>

#include "app/finishing.hpp"
#include "app/ui/app_settings.hpp"
#include "app/ui/controller.hpp"
#include "app/ui/thumbnails.hpp"
#include "app/ui/view_logic.hpp"

namespace fs = std::filesystem;

namespace wt::ui::jobs {

namespace {

// A failed catalog call becomes an error banner; the message already says what to do.
void post_error(Env& env, const Error& e, std::string hint = {}) {
    env.post([e, hint](Controller& c) { c.banner(Level::error, e.message, hint); });
}

std::unordered_map<std::string, catalog::Assignment> my_assignment_map(catalog::Library& lib) {
    std::unordered_map<std::string, catalog::Assignment> out;
    catalog::AssignmentFilter f;
    f.person = lib.me().name;
    if (auto mine = lib.assignments(f)) {
        for (auto& a : *mine) out.emplace(a.recording_id, std::move(a));
    }
    return out;
}

void post_my_assignments(Env& env) {
    if (!env.library()) return;
    auto mine = my_assignment_map(*env.library());
    env.post([mine = std::move(mine)](Controller& c) mutable {
        c.mutable_state().library.my_assignments = std::move(mine);
    });
}

// A recording's comments as they are now, to the player showing it and to its card's counts.
void post_comments(Env& env, const std::string& recording_id) {
    auto all = env.library()->comments(recording_id);
    env.post([recording_id, all = all ? std::move(*all) : std::vector<catalog::Comment>{}](Controller& c) {
        auto& s = c.mutable_state();
        if (s.player.id == recording_id) s.player.comments = all;
        for (auto& r : s.library.recordings) {
            if (r.id != recording_id) continue;
            r.comment_count = static_cast<int>(all.size());
            r.open_comment_count = open_threads(all);
        }
    });
}

// The newest `limit` recordings, with the acting person's watched marks and assignments.
Result<LibraryData> library_page(catalog::Library& lib, int limit) {
    catalog::ListFilter f;
    f.limit = limit;
    auto rows = lib.list(f);
    if (!rows) return std::unexpected(rows.error());
    // Every unwatched recording of this page ranks within the first `limit` unwatched ones too.
    f.unwatched = true;
    auto unwatched = lib.list(f);
    if (!unwatched) return std::unexpected(unwatched.error());
    std::unordered_set<std::string> open;
    for (const auto& r : *unwatched) open.insert(r.id);
    LibraryData d;
    d.recordings = std::move(*rows);
    for (auto& r : d.recordings) {
        if (!open.contains(r.id)) d.watched.insert(r.id);
        // Cards do not show descriptions (details loads its own copy): 10 000 of them are megabytes.
        std::string().swap(r.description);
    }
    d.recordings.shrink_to_fit();  // grown by doubling: up to 40 % of 10 000 rows unused
    d.my_assignments = my_assignment_map(lib);
    d.tags = all_tags(d.recordings);
    d.authors = all_authors(d.recordings);
    d.loaded = true;
    d.complete = static_cast<int>(d.recordings.size()) < limit || limit >= k_library_cap;
    if (limit >= k_library_cap && static_cast<int>(d.recordings.size()) >= k_library_cap) {
        // Is there anything past the cap?
        catalog::ListFilter beyond;
        beyond.offset = k_library_cap;
        beyond.limit = 1;
        auto more = lib.list(beyond);
        d.truncated = more && !more->empty();
    }
    return d;
}

}  // namespace

void open(Env& env, const OpenRequest& r) {
    AppSettings settings;
    if (r.read_settings && !r.settings_file.empty()) {
        auto s = load_settings(r.settings_file);
        if (s) settings = *s;
        else post_error(env, s.error());
    }
    const fs::path root = !r.library.empty()      ? r.library
                          : !settings.library.empty() ? fs::path(settings.library)
                                                      : catalog::default_library_root();
    std::string person = !r.person.empty() ? r.person : settings.person;
    if (person.empty()) {
        if (const char* u = std::getenv("WALKTHROUGH_USER"); u && *u) person = u;
    }
    catalog::OpenOptions oo;
    if (!person.empty()) oo.acting_person = person;
    const char* login = std::getenv("USER");
    oo.default_person_name = login && *login ? login : "me";
    oo.clock = r.clock;
    auto lib = env.open(root, oo);
    if (!lib) {
        env.post([root, settings, e = lib.error()](Controller& c) {
            auto& s = c.mutable_state();
            s.root = root;
            s.settings = settings;
            s.opened = false;
            s.open_error = e.message;
            c.drafts().library = root.string();
            c.banner(Level::error, fmt::format("The library at {} cannot be opened: {}", root.string(), e.message),
                     "Choose another library folder in Settings, or check that this one is yours and not full.");
        });
        return;
    }
    catalog::Library& l = **lib;
    // Interrupted recordings (a crash, a power cut) become playable entries before anything is shown.
    if (!recorder::interrupted_recordings(app::incoming_dir(root)).empty()) {
        env.progress("Recovering interrupted recordings…", -1);
        auto recovered = app::recover_interrupted(l, root);
        env.done_progress();
        for (const auto& rec : recovered.recordings) {
            env.post([rec](Controller& c) {
                c.banner(Level::info,
                         fmt::format("An interrupted recording was recovered: '{}' ({}).", rec.title,
                                     format_moment(rec.duration_ms)),
                         "It is in the library; the last second or two may be missing.");
            });
        }
        for (const auto& p : recovered.problems) env.post([p](Controller& c) { c.banner(Level::warning, p); });
    }
    auto people = l.people();
    env.post([root, settings, me = l.me().name, people = people ? *people : std::vector<catalog::Person>{}](
                 Controller& c) {
        auto& s = c.mutable_state();
        s.root = root;
        s.opened = true;
        s.open_error.clear();
        s.me = me;
        s.people = people;
        s.settings = settings;
        auto& d = c.drafts();
        d.library = root.string();
        d.quality = quality_index(settings.quality);
        d.mic = settings.mic;
        d.no_mic = settings.no_mic;
        d.denoise = settings.denoise;
        fill_record_defaults(settings, d.record);
    });
    load_library(env, r.generation, r.first_page);
    load_inbox(env);
}

void load_library(Env& env, std::uint64_t generation, int first_page) {
    catalog::Library* lib = env.library();
    if (!lib) return;
    auto deliver = [&](Result<LibraryData> d) {
        if (!d) return post_error(env, d.error());
        d->generation = generation;
        env.post([d = std::move(*d)](Controller& c) mutable {
            auto& s = c.mutable_state();
            if (s.library.generation != d.generation) return;  // a newer reload is on its way
            d.visible.clear();
            s.library = std::move(d);
            c.recompute_visible();
        });
    };
    auto first = library_page(*lib, first_page);
    const bool more = first && !first->complete;
    deliver(std::move(first));
    if (more) deliver(library_page(*lib, k_library_cap));
}

void load_inbox(Env& env) {
    if (!env.library()) return;
    auto inbox = env.library()->inbox();
    if (!inbox) return post_error(env, inbox.error());
    inbox->items = inbox_order(std::move(inbox->items));
    env.post([inbox = std::move(*inbox)](Controller& c) mutable {
        auto& s = c.mutable_state();
        s.response_window_hours = inbox.response_window_hours;
        s.inbox.inbox = std::move(inbox);
        s.inbox.loaded = true;
    });
}

void load_training(Env& env) {
    catalog::Library* lib = env.library();
    if (!lib) return;
    catalog::AssignmentFilter mine_f;
    mine_f.person = lib->me().name;
    auto mine = lib->assignments(mine_f);
    auto all = lib->assignments({});
    if (!mine) return post_error(env, mine.error());
    if (!all) return post_error(env, all.error());
    env.post([mine = by_due_date(std::move(*mine)), all = std::move(*all)](Controller& c) mutable {
        auto& t = c.mutable_state().training;
        t.mine = std::move(mine);
        t.all = std::move(all);
        t.loaded = true;
    });
}

void search(Env& env, const std::string& text, std::uint64_t seq) {
    if (!env.library()) return;
    auto hits = env.library()->search(text, 30);
    env.post([text, seq, hits = std::move(hits)](Controller& c) mutable {
        auto& s = c.mutable_state().search;
        if (s.seq != seq) return;  // the person typed on
        s.busy = false;
        s.query = text;
        if (hits) {
            s.hits = std::move(*hits);
            s.error.clear();
        } else {
            s.hits.clear();
            s.error = hits.error().message;
        }
    });
}

void details(Env& env, const std::string& id) {
    catalog::Library* lib = env.library();
    if (!lib) return;
    auto rec = lib->get(id);
    if (!rec) {
        env.post([id, e = rec.error()](Controller& c) {
            auto& d = c.mutable_state().details;
            if (d.id == id) d.loading = false;
            c.banner(Level::error, e.message, "It may have been deleted meanwhile; the library was reloaded.");
            c.reload_library();
        });
        return;
    }
    auto views = lib->views(id);
    catalog::AssignmentFilter f;
    f.recording = id;
    auto assignments = lib->assignments(f);
    auto chapters = lib->chapters(id);
    env.post([id, rec = std::move(*rec), views = views ? by_coverage(std::move(*views)) : std::vector<catalog::View>{},
              assignments = assignments ? std::move(*assignments) : std::vector<catalog::Assignment>{},
              chapters = chapters ? std::move(*chapters) : std::vector<catalog::Chapter>{}](Controller& c) mutable {
        auto& d = c.mutable_state().details;
        if (d.id != id) return;
        const bool first = !d.recording;
        d.recording = std::move(rec);
        d.views = std::move(views);
        d.assignments = std::move(assignments);
        d.chapters = std::move(chapters);
        d.loading = false;
        if (first) c.fill_detail_drafts();
    });
}

void save_details(Env& env, const std::string& id, const catalog::RecordingEdit& edit) {
    if (!env.library()) return;
    auto rec = env.library()->edit(id, edit);
    if (!rec) return post_error(env, rec.error());
    env.post([rec = std::move(*rec)](Controller& c) {
        auto& s = c.mutable_state();
        if (s.details.id == rec.id) {
            s.details.recording = rec;
            c.fill_detail_drafts();
        }
        for (auto& r : s.library.recordings)
            if (r.id == rec.id) r = rec;
        c.recordings_changed();
        c.banner(Level::info, fmt::format("Saved '{}'.", rec.title));
    });
}

void remove(Env& env, const std::string& id) {
    if (!env.library()) return;
    auto removed = env.library()->remove(id);
    if (!removed) return post_error(env, removed.error());
    env.post([removed = std::move(*removed)](Controller& c) {
        auto& s = c.mutable_state();
        std::erase_if(s.library.recordings, [&](const auto& r) { return r.id == removed.recording.id; });
        c.recordings_changed();
        if (s.details.id == removed.recording.id) c.apply(intent::Navigate{Screen::library});
        if (removed.files_left.empty()) {
            c.banner(Level::info, fmt::format("Deleted '{}'.", removed.recording.title));
        } else {
            c.banner(Level::warning,
                     fmt::format("Deleted '{}', but {} file(s) could not be removed, e.g. {}.", removed.recording.title,
                                 removed.files_left.size(), removed.files_left.front().string()),
                     "Remove them by hand when nothing uses them.");
        }
    });
}

void export_to(Env& env, const std::string& id, const std::string& dir) {
    if (!env.library()) return;
    env.progress("Exporting…", -1);
    auto done = env.library()->export_to(id, dir);
    env.done_progress();
    if (!done) return post_error(env, done.error(), "Choose a folder you can write to with room for the video.");
    env.post([id, done = *done](Controller& c) {
        auto& d = c.mutable_state().details;
        if (d.id == id) d.exported_to = done.media.string();
        c.banner(Level::info, fmt::format("Exported to {} (with {}).", done.media.string(), done.sidecar.filename().string()));
    });
}

void assign(Env& env, const std::string& id, const std::string& person, const std::optional<std::string>& due) {
    catalog::Library* lib = env.library();
    if (!lib) return;
    auto a = lib->assign(id, person, due);
    if (!a) return post_error(env, a.error());
    catalog::AssignmentFilter f;
    f.recording = id;
    auto of_recording = lib->assignments(f);
    env.post([id, a = *a, list = of_recording ? *of_recording : std::vector<catalog::Assignment>{}](Controller& c) {
        auto& d = c.mutable_state().details;
        if (d.id == id) d.assignments = list;
        c.drafts().assign_to.clear();
        c.banner(Level::info, fmt::format("Assigned '{}' to {}{}.", a.recording_title, a.assignee,
                                          a.due ? " · due " + *a.due : std::string()));
    });
    if (a->assignee == lib->me().name) post_my_assignments(env);  // the assignee as the catalog resolved `person`
    load_training(env);
}

void open_player(Env& env, const std::string& id, std::optional<std::int64_t> at_ms, bool paused,
                 player::AudioOutput audio) {
    catalog::Library* lib = env.library();
    if (!lib) return;
    std::optional<catalog::Recording> known;
    auto fail_with = [&](const Error& e) {
        env.post([id, e, known](Controller& c) {
            auto& p = c.mutable_state().player;
            if (p.id != id) return;
            p.opening = false;
            p.error = e.message;
            p.recording = known;
        });
    };
    auto rec = lib->get(id);
    if (!rec) return fail_with(rec.error());
    known = *rec;
    auto comments = lib->comments(rec->id);
    auto chapters = lib->chapters(rec->id);
    auto views = lib->views(rec->id);
    std::optional<catalog::View> mine = views ? view_of(*views, lib->me().name) : std::nullopt;
    player::PlayOptions po;
    po.audio = audio;
    po.start_paused = paused;
    if (at_ms) po.start_seconds = static_cast<double>(*at_ms) / 1000.0;
    else if (mine) po.start_seconds = catalog::resume_position_ms(*mine, rec->duration_ms) / 1000.0;
    auto engine = player::Player::open(lib->absolute(rec->media_path), po);
    if (!engine) return fail_with(engine.error());
    std::shared_ptr<player::Player> shared(std::move(*engine));
    env.post([id, rec = std::move(*rec), shared, mine,
              comments = comments ? std::move(*comments) : std::vector<catalog::Comment>{},
              chapters = chapters ? std::move(*chapters) : std::vector<catalog::Chapter>{}](Controller& c) mutable {
        auto& p = c.mutable_state().player;
        if (p.id != id) return;  // closed meanwhile: the engine goes with this function
        p.engine = std::move(shared);
        p.recording = std::move(rec);
        p.comments = std::move(comments);
        p.chapters = std::move(chapters);
        p.mine = mine;
        p.opening = false;
        p.snapshot = p.engine->snapshot();
    });
}

void comment(Env& env, const catalog::NewComment& nc) {
    catalog::Library* lib = env.library();
    if (!lib) return;
    auto added = lib->comment(nc);
    if (!added) return post_error(env, added.error());
    post_comments(env, added->recording_id);
    env.post([](Controller& c) {
        c.drafts().comment.clear();
        c.drafts().reply_to.clear();
    });
    load_inbox(env);
}

void resolve(Env& env, const std::string& comment_id) {
    catalog::Library* lib = env.library();
    if (!lib) return;
    auto done = lib->resolve(comment_id);
    if (!done) return post_error(env, done.error());
    post_comments(env, done->recording_id);
    load_inbox(env);
}

void mark_watched(Env& env, const std::string& id) {
    if (!env.library()) return;
    auto view = env.library()->mark_watched(id);
    if (!view) return post_error(env, view.error());
    env.post([id, view = *view](Controller& c) {
        auto& s = c.mutable_state();
        if (s.player.id == id) s.player.mine = view;
        s.library.watched.insert(id);
        c.recompute_visible();
    });
    post_my_assignments(env);
}

void report_played(Env& env, const std::string& id, const std::vector<catalog::Interval>& played) {
    if (!env.library()) return;
    std::optional<catalog::View> last;
    for (const auto& i : played) {
        if (i.end_ms <= i.start_ms) continue;
        auto v = env.library()->record_progress(id, i.start_ms, i.end_ms);
        if (v) {
            last = std::move(*v);
        } else if (v.error().code != ErrorCode::invalid_input) {  // a stretch past the end is simply not counted
            post_error(env, v.error(), "What you watched may not be counted; playing goes on.");
            break;
        }
    }
    if (!last) return;
    const bool watched = last->watched_at.has_value();
    env.post([id, view = *last](Controller& c) {
        auto& s = c.mutable_state();
        if (s.player.id == id) s.player.mine = view;
        if (view.watched_at && s.library.watched.insert(id).second) c.recompute_visible();
    });
    if (watched) post_my_assignments(env);
}

void add_person(Env& env, const std::string& name) {
    if (!env.library()) return;
    auto p = env.library()->add_person(name, "", "");
    if (!p) return post_error(env, p.error());
    auto people = env.library()->people();
    env.post([people = people ? *people : std::vector<catalog::Person>{}, name = p->name](Controller& c) {
        c.mutable_state().people = people;
        c.drafts().new_person.clear();
        c.banner(Level::info, fmt::format("Added {} to the people of this library.", name));
    });
}

void set_response_window(Env& env, int hours) {
    if (!env.library()) return;
    if (auto r = env.library()->set_response_window_hours(hours); !r) return post_error(env, r.error());
    load_inbox(env);
}

void save_settings(Env& env, const fs::path& file, const AppSettings& settings) {
    if (file.empty()) return;
    if (auto r = ui::save_settings(file, settings); !r) post_error(env, r.error(), "The settings apply until you quit.");
}

void import(Env& env, const catalog::NewRecording& what) {
    if (!env.library()) return;
    const std::string name = what.file.filename().string();
    env.progress("Importing " + name, 0);
    auto rec = env.library()->import_recording(what, [&](double f, std::string_view step) {
        env.progress(fmt::format("Importing {}: {}", name, step), f);
        return true;
    });
    env.done_progress();
    if (!rec) return post_error(env, rec.error());
    env.post([rec = *rec, root = env.root()](Controller& c) {
        c.drafts().import_path.clear();
        c.drafts().import_title.clear();
        c.banner(Level::info, fmt::format("Imported '{}' ({}).", rec.title, format_moment(rec.duration_ms)));
        if (!c.shows_library(root)) return;  // imported into the library that was open when it began
        c.recording_added(rec);
        c.apply(intent::OpenDetails{rec.id});
    });
}

void check_sources(Env& env, const recorder::RecordOptions& options) {
    auto check = recorder::check_sources(options);
    env.post([check = std::move(check), no_mic = options.no_mic](Controller& c) {
        auto& r = c.mutable_state().record;
        r.checking = false;
        r.screen_ok = check.screen.has_value();
        r.screen_check = check.screen ? *check.screen : check.screen.error().message;
        r.mic_ok = no_mic || check.microphone.has_value();
        r.mic_check = no_mic ? "no microphone: the recording is silent"
                             : check.microphone ? *check.microphone : check.microphone.error().message;
    });
}

void start_recording(Env& env, const recorder::RecordOptions& options) {
    auto rec = recorder::Recorder::start(options);
    if (!rec) {
        env.post([e = rec.error()](Controller& c) {
            auto& r = c.mutable_state().record;
            r.phase = RecordPhase::setup;
            r.error = e.message;
            c.banner(Level::error, "The recording could not start: " + e.message,
                     "Check the screen and microphone choices (Check sources), or record without the microphone.");
        });
        return;
    }
    std::shared_ptr<recorder::Recorder> shared(std::move(*rec));
    env.post([shared](Controller& c) {
        auto& r = c.mutable_state().record;
        r.recorder = shared;
        r.stats = shared->stats();
        r.phase = r.stats.countdown_ms > 0 ? RecordPhase::countdown : RecordPhase::recording;
        r.error.clear();
    });
}

void stop_recording(Env& env, const std::shared_ptr<recorder::Recorder>& rec, const catalog::NewRecording& details,
                    bool discard) {
    env.progress(discard ? "Discarding the recording…" : "Finishing the recording…", -1);
    auto done = rec->stop();
    auto back_to_setup = [](Controller& c) {
        auto& r = c.mutable_state().record;
        r.phase = RecordPhase::setup;
        r.recorder.reset();
    };
    if (!done) {
        env.done_progress();
        env.post([back_to_setup, e = done.error()](Controller& c) {
            back_to_setup(c);
            c.banner(Level::error, "The recording could not be finished: " + e.message,
                     "What was written is kept in the library's incoming folder and recovered at the next start.");
        });
        return;
    }
    if (discard) {
        done->claim->remove_files();
        env.done_progress();
        env.post([back_to_setup](Controller& c) {
            back_to_setup(c);
            c.banner(Level::info, "The recording was discarded.");
        });
        return;
    }
    if (!env.library()) {
        env.done_progress();
        env.post(back_to_setup);
        return;
    }
    catalog::NewRecording d = details;
    d.note = fmt::format("{}", fmt::join(done->warnings, "; "));
    // The person is waiting for their recording: a busy library is waited for, and said so.
    app::BusyWait wait{app::k_finish_wait, [&env](std::chrono::seconds waited) {
                           env.progress(fmt::format("The library is busy (another program is writing to it); "
                                                    "waiting to add the recording… {} s",
                                                    waited.count()),
                                        -1);
                       }};
    auto added = app::finish_recording(*env.library(), *done->claim, d, wait);
    env.done_progress();
    env.post([back_to_setup, added, warnings = done->warnings, file = done->file, root = env.root()](Controller& c) {
        back_to_setup(c);
        for (const auto& w : warnings) c.banner(Level::warning, "While recording: " + w);
        if (!added) {
            c.banner(Level::error, "The recording could not be added to the library: " + added.error().message,
                     fmt::format("It is kept at {} and recovered at the next start.", file.string()));
            return;
        }
        c.mutable_state().record.last_id = added->id;
        if (!c.shows_library(root)) {
            c.banner(Level::info, fmt::format("The recording went into the library at {}.", root.string()));
            return;
        }
        c.recording_added(*added);
        c.apply(intent::OpenDetails{added->id});
        c.drafts().focus_title = true;  // name it now
    });
}

void thumbnail(Env& env, const std::string& id, const std::string& library_relative, int width) {
    Thumbnail t;
    t.id = id;
    if (env.library() && !library_relative.empty()) {
        if (auto loaded = load_thumbnail(env.library()->absolute(library_relative), width)) {
            t = std::move(*loaded);
            t.id = id;
        }
    }
    env.post([t = std::move(t)](Controller& c) mutable { c.thumbnail_arrived(std::move(t)); });
}

}  // namespace wt::ui::jobs
