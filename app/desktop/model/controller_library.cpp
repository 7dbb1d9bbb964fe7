// The Controller's handlers (controller.hpp) for the library: the grid and its filters, search,
// details, deleting, exporting, assigning, importing, people, settings, switching library or person.
#include <cstdlib>

#include <fmt/format.h>

#include "app/desktop/model/controller.hpp"
#include "app/desktop/model/jobs.hpp"
#include "app/desktop/model/view_logic.hpp"

namespace wt::ui {

// ---- intents

void Controller::on(const intent::Navigate& n) { navigate(n.screen); }

void Controller::on(const intent::Refresh&) {
    reload_library();
    load_for_screen(state_.screen);
    if (state_.screen != Screen::inbox) post([](Worker::Env& env) { jobs::load_inbox(env); }, "inbox");
}

void Controller::on(const intent::SetQuery& q) {
    state_.query = q.query;
    recompute_visible();
}

void Controller::on(const intent::Search& s) {
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
}

void Controller::on(const intent::OpenDetails& o) {
    if (state_.details.id != o.id) state_.details = DetailsData{};
    state_.details.id = o.id;
    state_.details.loading = true;
    drafts_.confirm_delete = false;
    navigate(Screen::details);
}

void Controller::on(const intent::SaveDetails& s) {
    const auto& rec = state_.details.recording;
    if (!rec || rec->id != s.id) return;
    const auto edit =
        edit_between(*rec, drafts_.title, drafts_.description,
                     drafts_.kind == 1 ? catalog::Kind::training : catalog::Kind::walkthrough, drafts_.tags);
    const std::string id = s.id;
    post([id, edit](Worker::Env& env) { jobs::save_details(env, id, edit); });
}

void Controller::on(const intent::Delete& d) {
    if (state_.player.id == d.id) close_player();
    const std::string id = d.id;
    drafts_.confirm_delete = false;
    post([id](Worker::Env& env) { jobs::remove(env, id); });
}

void Controller::on(const intent::Export& e) {
    const std::string id = e.id, dir = e.dir;
    if (!post_long([id, dir](Worker::Env& env) { jobs::export_to(env, id, dir); }, true)) busy_banner();
}

void Controller::on(const intent::Assign& a) {
    if (a.person.empty()) return banner(Level::warning, "Choose whom to assign it to.");
    std::optional<std::string> due;
    if (!a.due.empty()) {
        auto d = parse_date(a.due);
        if (!d) return banner(Level::warning, d.error().message, "Type the due date as YYYY-MM-DD.");
        due = *d;
    }
    const std::string id = a.id, person = a.person;
    post([id, person, due](Worker::Env& env) { jobs::assign(env, id, person, due); });
}

void Controller::on(const intent::SwitchPerson& s) {
    if (s.name.empty() || s.name == state_.me) return;
    close_player();
    state_.settings.person = s.name;
    on(intent::SaveSettings{state_.settings});
    state_.training = TrainingData{};
    state_.details = DetailsData{};
    if (state_.screen == Screen::details || state_.screen == Screen::player) state_.screen = Screen::library;
    open_library(state_.root, s.name, false);
    load_for_screen(state_.screen);
}

void Controller::on(const intent::AddPerson& a) {
    const std::string name = a.name;
    if (name.find_first_not_of(" \t") == std::string::npos)
        return banner(Level::warning, "Type the person's name first.");
    post([name](Worker::Env& env) { jobs::add_person(env, name); });
}

void Controller::on(const intent::SetResponseWindow& w) {
    if (w.hours < 1 || w.hours > 24 * 30)
        return banner(Level::warning, "The response window is 1 hour to 30 days (720 hours).");
    state_.response_window_hours = w.hours;
    const int h = w.hours;
    post([h](Worker::Env& env) { jobs::set_response_window(env, h); });
}

void Controller::on(const intent::ChangeLibrary& c) {
    if (c.folder.empty()) return banner(Level::warning, "Type the library folder first.");
    close_player();
    state_.settings.library = c.folder;
    state_.connection = ConnectionData{};  // told again once the new one answers
    state_.opened = false;                 // until the new one answers: long work finishing now is not for it
    on(intent::SaveSettings{state_.settings});
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
}

void Controller::on(const intent::SaveSettings& s) {
    state_.settings = s.settings;
    const auto file = options_.settings_file;
    const AppSettings settings = s.settings;
    post([file, settings](Worker::Env& env) { jobs::save_settings(env, file, settings); }, "settings");
}

void Controller::on(const intent::Import& i) {
    if (i.path.empty()) return banner(Level::warning, "Type the path of the video to import.");
    catalog::NewRecording nr;
    nr.file = i.path;
    if (!i.title.empty()) nr.title = i.title;
    nr.kind = i.kind;
    if (!post_long([nr](Worker::Env& env) { jobs::import(env, nr); }, true)) busy_banner();
}

void Controller::on(const intent::LoadThumbnail& t) {
    if (!thumbs_asked_.insert(t.id).second) return;
    const std::string id = t.id, path = t.path;
    const int width = options_.thumbnail_width;
    // Thumbnails take at most half the long-work queue (the rest stays free for imports and
    // recordings); when they cannot be queued the card asks again next frame.
    if (long_worker_->waiting() >= k_long_queue / 2 ||
        !post_long([id, path, width](Worker::Env& env) { jobs::thumbnail(env, id, path, width); }, true, "thumb:" + id))
        thumbs_asked_.erase(id);
}

void Controller::on(const intent::DismissBanner& d) {
    std::erase_if(state_.banners, [&](const Banner& b) { return b.id == d.id; });
}

void Controller::on(const intent::ReportError& e) { banner(Level::error, e.text, e.hint); }

// ---- results

void Controller::on(results::LibraryOpened&& r) {
    follow_team(r.team);
    if (r.team.empty()) r.settings.folder = r.root.string();  // this computer's folder, to switch back to
    state_.connection.offline_since.reset();
    state_.connection.problem.clear();
    state_.root = std::move(r.root);
    state_.opened = true;
    state_.open_error.clear();
    state_.me = std::move(r.me);
    state_.people = std::move(r.people);
    state_.settings = r.settings;
    drafts_.library = state_.root.string();
    drafts_.quality = quality_index(r.settings.quality);
    drafts_.mic = r.settings.mic;
    drafts_.no_mic = r.settings.no_mic;
    drafts_.denoise = r.settings.denoise;
    fill_record_defaults(r.settings, drafts_.record);
    list_libraries();
}

void Controller::on(results::LibraryNotOpened&& r) {
    follow_team(r.team);
    state_.root = r.root;
    state_.settings = std::move(r.settings);
    state_.opened = false;
    state_.open_error = r.error.message;
    drafts_.library = r.root.string();
    list_libraries();
    if (r.team.empty()) {
        banner(Level::error, fmt::format("The library at {} cannot be opened: {}", r.root.string(), r.error.message),
               "Choose another library folder in Settings, or check that this one is yours and not full.");
    } else if (r.error.code == ErrorCode::unreachable) {
        server_unreachable(r.error);  // opened again by itself once the server answers
    } else {
        banner(Level::error, fmt::format("The team library '{}' cannot be opened: {}", r.team, r.error.message),
               "Switch to this computer's library in Settings → Libraries.");
    }
}

void Controller::on(results::LibraryPage&& r) {
    if (state_.library.generation != r.data.generation) return;  // a newer reload is on its way
    r.data.visible.clear();
    state_.library = std::move(r.data);
    recompute_visible();
}

void Controller::on(results::MyAssignments&& r) { state_.library.my_assignments = std::move(r.by_recording); }

void Controller::on(results::InboxLoaded&& r) {
    state_.response_window_hours = r.inbox.response_window_hours;
    state_.inbox.inbox = std::move(r.inbox);
    state_.inbox.loaded = true;
}

void Controller::on(results::TrainingLoaded&& r) {
    auto& t = state_.training;
    t.mine = std::move(r.mine);
    t.all = std::move(r.all);
    t.loaded = true;
}

void Controller::on(results::Searched&& r) {
    auto& s = state_.search;
    if (s.seq != r.seq) return;  // the person typed on
    s.busy = false;
    s.query = std::move(r.text);
    if (r.hits) {
        s.hits = std::move(*r.hits);
        s.error.clear();
    } else {
        s.hits.clear();
        s.error = r.hits.error().message;
    }
}

void Controller::on(results::DetailsLoaded&& r) {
    auto& d = state_.details;
    if (d.id != r.id) return;
    const bool first = !d.recording;
    d.recording = std::move(r.recording);
    d.views = std::move(r.views);
    d.assignments = std::move(r.assignments);
    d.chapters = std::move(r.chapters);
    d.loading = false;
    if (first) fill_detail_drafts();
}

void Controller::on(results::DetailsMissing&& r) {
    if (state_.details.id == r.id) state_.details.loading = false;
    banner(Level::error, r.error.message, "It may have been deleted meanwhile; the library was reloaded.");
    reload_library();
}

void Controller::on(results::DetailsSaved&& r) {
    const catalog::Recording& rec = r.recording;
    if (state_.details.id == rec.id) {
        state_.details.recording = rec;
        fill_detail_drafts();
    }
    for (auto& known : state_.library.recordings)
        if (known.id == rec.id) known = rec;
    recordings_changed();
    banner(Level::info, fmt::format("Saved '{}'.", rec.title));
}

void Controller::on(results::Removed&& r) {
    const catalog::Removal& removed = r.removal;
    std::erase_if(state_.library.recordings, [&](const auto& rec) { return rec.id == removed.recording.id; });
    recordings_changed();
    if (state_.details.id == removed.recording.id) navigate(Screen::library);
    if (removed.files_left.empty()) {
        banner(Level::info, fmt::format("Deleted '{}'.", removed.recording.title));
    } else {
        banner(Level::warning,
               fmt::format("Deleted '{}', but {} file(s) could not be removed, e.g. {}.", removed.recording.title,
                           removed.files_left.size(), removed.files_left.front().string()),
               "Remove them by hand when nothing uses them.");
    }
}

void Controller::on(results::Exported&& r) {
    if (state_.details.id == r.id) state_.details.exported_to = r.files.media.string();
    banner(Level::info,
           fmt::format("Exported to {} (with {}).", r.files.media.string(), r.files.sidecar.filename().string()));
}

void Controller::on(results::Assigned&& r) {
    if (state_.details.id == r.id) state_.details.assignments = std::move(r.of_recording);
    drafts_.assign_to.clear();
    const catalog::Assignment& a = r.assignment;
    banner(Level::info, fmt::format("Assigned '{}' to {}{}.", a.recording_title, a.assignee,
                                    a.due ? " · due " + *a.due : std::string()));
}

void Controller::on(results::Imported&& r) {
    drafts_.import_path.clear();
    drafts_.import_title.clear();
    banner(Level::info, fmt::format("Imported '{}' ({}).", r.recording.title, format_moment(r.recording.duration_ms)));
    if (!shows_library(r.root)) return;  // imported into the library that was open when it began
    const std::string id = r.recording.id;
    recording_added(std::move(r.recording));
    on(intent::OpenDetails{id});
}

void Controller::on(results::PersonAdded&& r) {
    state_.people = std::move(r.people);
    drafts_.new_person.clear();
    banner(Level::info, fmt::format("Added {} to the people of this library.", r.name));
}

void Controller::on(results::ThumbnailLoaded&& r) {
    // Queued for the shell to upload; may be asked for again later.
    thumbs_asked_.erase(r.thumbnail.id);
    state_.thumbnails_ready.push_back(std::move(r.thumbnail));
}

}  // namespace wt::ui
