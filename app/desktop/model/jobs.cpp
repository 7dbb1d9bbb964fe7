#include "app/desktop/model/jobs.hpp"

#include <cstdlib>
#include <unordered_set>

#include <fmt/format.h>

#include "app/core/acting_person.hpp"
#include "app/core/finishing.hpp"
#include "app/core/library_location.hpp"
#include "app/desktop/model/app_settings.hpp"
#include "app/desktop/model/thumbnails.hpp"
#include "app/desktop/model/view_logic.hpp"

namespace fs = std::filesystem;

namespace wt::ui::jobs {

namespace {

// A failed catalog call; the message already says what to do.
void post_error(Env& env, const Error& e, std::string hint = {}) { env.post(results::Failed{e, std::move(hint)}); }

std::unordered_map<std::string, catalog::Assignment> my_assignment_map(catalog::Library& lib) {
    std::unordered_map<std::string, catalog::Assignment> out;
    catalog::AssignmentFilter f;
    f.person = lib.me().name;
    if (auto mine = lib.assignments(f)) {
        for (auto& a : *mine) out.emplace(a.recording_id, std::move(a));
    }
    return out;
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

void post_my_assignments(Env& env) {
    if (!env.library()) return;
    env.post(results::MyAssignments{my_assignment_map(*env.library())});
}

void comments(Env& env, const std::string& recording_id) {
    if (!env.library()) return;
    auto all = env.library()->comments(recording_id);
    // A list that could not be read leaves the one shown as it is (the server may be away).
    if (!all) return post_error(env, all.error());
    env.post(results::CommentsChanged{recording_id, std::move(*all)});
}

void list_libraries(Env& env, const fs::path& folder) {
    results::LibrariesListed out;
    LibraryChoice here;
    here.location = folder.string();
    out.choices.push_back(std::move(here));
    for (auto& saved : remote::saved_servers(&out.problems)) {
        LibraryChoice c;
        c.location = saved.name;
        c.team = true;
        c.url = saved.url;
        c.person = saved.person;
        c.access = saved.access;
        out.choices.push_back(std::move(c));
    }
    env.post(std::move(out));
}

void open(Env& env, const OpenRequest& r) {
    AppSettings settings = r.settings;
    if (r.read_settings && !r.settings_file.empty()) {
        auto s = load_settings(r.settings_file);
        if (s)
            settings = *s;
        else
            post_error(env, s.error());
    }
    const fs::path root = !r.library.empty()          ? r.library
                          : !settings.library.empty() ? fs::path(settings.library)
                                                      : catalog::default_library_root();
    catalog::OpenOptions oo = app::acting_person_options(!r.person.empty() ? r.person : settings.person);
    oo.clock = r.clock;
    auto lib = env.open(root, oo);
    const std::string team = team_name(root.string());
    if (!lib) return env.post(results::LibraryNotOpened{root, team, settings, lib.error()});
    catalog::Library& l = **lib;
    // Interrupted recordings (a crash, a power cut) become playable entries before anything is shown;
    // a team library's are in its spool, sent on by the outbox (upload jobs).
    if (team.empty() && !recorder::interrupted_recordings(app::incoming_dir(root)).empty()) {
        env.progress("Recovering interrupted recordings…", -1);
        auto recovered = app::recover_interrupted(l, root);
        env.done_progress();
        for (const auto& rec : recovered.recordings) {
            env.post(results::Notice{Level::info,
                                     fmt::format("An interrupted recording was recovered: '{}' ({}).", rec.title,
                                                 format_moment(rec.duration_ms)),
                                     "It is in the library; the last second or two may be missing."});
        }
        for (const auto& p : recovered.problems) env.post(results::Notice{Level::warning, p, {}});
    }
    auto people = l.people();
    env.post(
        results::LibraryOpened{root, team, settings, l.me().name, people ? *people : std::vector<catalog::Person>{}});
    load_library(env, r.generation, r.first_page);
    load_inbox(env);
}

void load_library(Env& env, std::uint64_t generation, int first_page) {
    catalog::Library* lib = env.library();
    if (!lib) return;
    auto deliver = [&](Result<LibraryData> d) {
        if (!d) return post_error(env, d.error());
        d->generation = generation;
        env.post(results::LibraryPage{std::move(*d)});
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
    env.post(results::InboxLoaded{std::move(*inbox)});
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
    env.post(results::TrainingLoaded{by_due_date(std::move(*mine)), std::move(*all)});
}

void search(Env& env, const std::string& text, std::uint64_t seq) {
    if (!env.library()) return;
    env.post(results::Searched{seq, text, env.library()->search(text, 30)});
}

void details(Env& env, const std::string& id) {
    catalog::Library* lib = env.library();
    if (!lib) return;
    auto rec = lib->get(id);
    if (!rec) return env.post(results::DetailsMissing{id, rec.error()});
    auto views = lib->views(id);
    catalog::AssignmentFilter f;
    f.recording = id;
    auto assignments = lib->assignments(f);
    auto chapters = lib->chapters(id);
    env.post(results::DetailsLoaded{id, std::move(*rec),
                                    views ? by_coverage(std::move(*views)) : std::vector<catalog::View>{},
                                    assignments ? std::move(*assignments) : std::vector<catalog::Assignment>{},
                                    chapters ? std::move(*chapters) : std::vector<catalog::Chapter>{}});
}

void save_details(Env& env, const std::string& id, const catalog::RecordingEdit& edit) {
    if (!env.library()) return;
    auto rec = env.library()->edit(id, edit);
    if (!rec) return post_error(env, rec.error());
    env.post(results::DetailsSaved{std::move(*rec)});
}

void remove(Env& env, const std::string& id) {
    if (!env.library()) return;
    auto removed = env.library()->remove(id);
    if (!removed) return post_error(env, removed.error());
    env.post(results::Removed{std::move(*removed)});
}

void export_to(Env& env, const std::string& id, const std::string& dir) {
    if (!env.library()) return;
    env.progress("Exporting…", -1);
    auto done = env.library()->export_to(id, dir, [&](double f, std::string_view step) {
        env.progress(fmt::format("Exporting: {}", step), f);
        return true;
    });
    env.done_progress();
    if (!done) return post_error(env, done.error(), "Choose a folder you can write to with room for the video.");
    env.post(results::Exported{id, *done});
}

void assign(Env& env, const std::string& id, const std::string& person, const std::optional<std::string>& due) {
    catalog::Library* lib = env.library();
    if (!lib) return;
    auto a = lib->assign(id, person, due);
    if (!a) return post_error(env, a.error());
    catalog::AssignmentFilter f;
    f.recording = id;
    auto of_recording = lib->assignments(f);
    env.post(results::Assigned{id, *a, of_recording ? *of_recording : std::vector<catalog::Assignment>{}});
    if (a->assignee == lib->me().name) post_my_assignments(env);  // the assignee as the catalog resolved `person`
    load_training(env);
}

void open_player(Env& env, const std::string& id, std::optional<std::int64_t> at_ms, bool paused,
                 player::AudioOutput audio) {
    catalog::Library* lib = env.library();
    if (!lib) return;
    std::optional<catalog::Recording> known;
    auto fail_with = [&](const Error& e) { env.post(results::PlayerNotOpened{id, e, known}); };
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
    if (at_ms)
        po.start_seconds = static_cast<double>(*at_ms) / 1000.0;
    else if (mine)
        po.start_seconds = catalog::resume_position_ms(*mine, rec->duration_ms) / 1000.0;
    auto engine = player::Player::open(lib->media_source(*rec), po);
    if (!engine) return fail_with(engine.error());
    env.post(results::PlayerOpened{id, std::move(*rec), std::shared_ptr<player::Player>(std::move(*engine)), mine,
                                   comments ? std::move(*comments) : std::vector<catalog::Comment>{},
                                   chapters ? std::move(*chapters) : std::vector<catalog::Chapter>{}});
}

void comment(Env& env, const catalog::NewComment& nc) {
    catalog::Library* lib = env.library();
    if (!lib) return;
    auto added = lib->comment(nc);
    if (!added) return post_error(env, added.error());
    comments(env, added->recording_id);
    env.post(results::CommentSaved{});
    load_inbox(env);
}

void resolve(Env& env, const std::string& comment_id) {
    catalog::Library* lib = env.library();
    if (!lib) return;
    auto done = lib->resolve(comment_id);
    if (!done) return post_error(env, done.error());
    comments(env, done->recording_id);
    load_inbox(env);
}

void mark_watched(Env& env, const std::string& id) {
    if (!env.library()) return;
    auto view = env.library()->mark_watched(id);
    if (!view) return post_error(env, view.error());
    env.post(results::ViewUpdated{id, *view});
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
    env.post(results::ViewUpdated{id, *last});
    if (watched) post_my_assignments(env);
}

void add_person(Env& env, const std::string& name) {
    if (!env.library()) return;
    auto p = env.library()->add_person(name, "", "");
    if (!p) return post_error(env, p.error());
    auto people = env.library()->people();
    env.post(results::PersonAdded{p->name, people ? *people : std::vector<catalog::Person>{}});
}

void set_response_window(Env& env, int hours) {
    if (!env.library()) return;
    if (auto r = env.library()->set_response_window_hours(hours); !r) return post_error(env, r.error());
    load_inbox(env);
}

void save_settings(Env& env, const fs::path& file, const AppSettings& settings) {
    if (file.empty()) return;
    if (auto r = ui::save_settings(file, settings); !r)
        post_error(env, r.error(), "The settings apply until you quit.");
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
    env.post(results::Imported{*rec, env.root()});
}

void check_sources(Env& env, const recorder::RecordOptions& options) {
    env.post(results::SourcesChecked{recorder::check_sources(options), options.no_mic});
}

void start_recording(Env& env, const recorder::RecordOptions& options) {
    auto rec = recorder::Recorder::start(options);
    if (!rec) return env.post(results::RecordingNotStarted{rec.error()});
    env.post(results::RecordingStarted{std::shared_ptr<recorder::Recorder>(std::move(*rec))});
}

void stop_recording(Env& env, const std::shared_ptr<recorder::Recorder>& rec, const catalog::NewRecording& details,
                    bool discard, const std::string& team) {
    env.progress(discard ? "Discarding the recording…" : "Finishing the recording…", -1);
    auto done = rec->stop();
    if (!done) {
        env.done_progress();
        return env.post(results::RecordingNotFinished{done.error()});
    }
    if (discard) {
        done->claim->remove_files();
        env.done_progress();
        return env.post(results::RecordingDiscarded{});
    }
    if (team.empty() && !env.library()) {
        env.done_progress();
        return env.post(results::RecordingUnfiled{});
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
    // For a team library: into this computer's spool for it, then the outbox, which sends it.
    auto added = team.empty() ? app::finish_recording(*env.library(), *done->claim, d, wait)
                              : file_for_team(env, team, *done, d, wait);
    env.done_progress();
    env.post(results::RecordingFiled{std::move(added), done->warnings, done->file, env.root(), team});
    if (!team.empty()) send_uploads(env);
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
    env.post(results::ThumbnailLoaded{std::move(t)});
}

}  // namespace wt::ui::jobs
