// The Controller's handlers (controller.hpp) for team libraries: the libraries to switch between,
// whether the team server answers (offline since when; opened again and reloaded once it is back),
// its changes as they happen (the event stream: what is shown is read again), and the uploads of
// recordings made for it.
#include <algorithm>

#include <fmt/format.h>

#include "app/desktop/model/controller.hpp"
#include "app/desktop/model/jobs.hpp"
#include "app/desktop/model/view_logic.hpp"

namespace wt::ui {

std::filesystem::path Controller::this_computer_folder() const {
    if (state_.connection.team.empty() && !state_.root.empty()) return state_.root;
    if (!state_.settings.folder.empty()) return state_.settings.folder;
    return catalog::default_library_root();
}

void Controller::list_libraries() {
    const std::filesystem::path folder = this_computer_folder();
    post([folder](Worker::Env& env) { jobs::list_libraries(env, folder); }, "libraries");
}

void Controller::follow_team(const std::string& team) {
    state_.connection.team = team;
    if (live_ && live_->connection() == team) return;
    if (auto old = std::move(live_)) {
        // Joining its thread (up to a second) is a worker's wait, not the window's.
        worker_->post([old = std::move(old)](Worker::Env&) mutable { old.reset(); });
    }
    state_.connection.live = false;
    if (!team.empty()) live_ = std::make_shared<LiveEvents>(team, live_outlet_);
}

void Controller::server_unreachable(const Error& why) {
    auto& c = state_.connection;
    if (!c.offline_since) c.offline_since = now();
    c.live = false;
    c.problem = why.message;
}

// ---- intents

void Controller::on(const intent::PublishToTeam& p) {
    if (p.connection.empty()) return banner(Level::warning, "Choose the team library to publish it to.");
    if (!state_.connection.team.empty()) return;  // it is a team library's already
    const std::string id = p.id, connection = p.connection;
    const std::string root = state_.root.string();
    if (!post_long([id, connection, root](Worker::Env& env) { jobs::publish(env, id, connection, root); }, true))
        busy_banner();
}

// ---- results

void Controller::on(results::LibrariesListed&& r) {
    state_.libraries = std::move(r.choices);
    for (const auto& p : r.problems)
        banner(Level::warning, p, "Connect to that server again with `walkthrough connect URL CODE --name NAME`.");
}

void Controller::on(results::ServerReachable&& r) {
    auto& c = state_.connection;
    if (r.connection != c.team) return;  // from a library left since
    if (!r.reachable) {
        if (r.why.code != ErrorCode::unauthorized) return server_unreachable(r.why);
        c.live = false;
        c.problem = r.why.message;
        return banner(Level::error, r.why.message, "Until then the team library cannot be read or changed here.");
    }
    const bool was_offline = c.offline_since.has_value();
    c.live = r.live;
    c.offline_since.reset();
    c.problem.clear();
    if (!state_.opened) {
        // It could not be opened while the server was away: now it can; and what was recorded
        // meanwhile goes now rather than at its next retry.
        if (!state_.open_error.empty()) open_library(state_.root, state_.settings.person, false);
        if (was_offline) send_uploads();
        return;
    }
    if (was_offline) {
        // What changed meanwhile arrives as events too (the stream resumes); reading again also
        // brings back what failed to load, and sends the recordings that waited.
        on(intent::Refresh{});
        if (const std::string id = state_.player.id; !id.empty()) {
            post([id](Worker::Env& env) { jobs::comments(env, id); }, "comments:" + id);
            post([id](Worker::Env& env) { jobs::chapters(env, id); }, "chapters:" + id);
        }
        send_uploads();
    }
}

void Controller::on(results::ServerChanged&& e) {
    if (e.connection != state_.connection.team || !state_.opened) return;
    const std::string id = e.recording_id;
    const bool in_player = !id.empty() && id == state_.player.id;
    const bool in_details = !id.empty() && id == state_.details.id && state_.screen == Screen::details;
    const std::string& kind = e.kind;
    if (kind == "resync") return on(intent::Refresh{});
    if (kind.starts_with("comment.")) {
        if (in_player) post([id](Worker::Env& env) { jobs::comments(env, id); }, "comments:" + id);
        post([](Worker::Env& env) { jobs::load_inbox(env); }, "inbox");
    } else if (kind.starts_with("recording.")) {
        reload_library();
        if (in_details) load_for_screen(Screen::details);
        if (in_player && kind == "recording.changed")
            post([id](Worker::Env& env) { jobs::chapters(env, id); }, "chapters:" + id);
    } else if (kind == "assignment.changed") {
        post([](Worker::Env& env) { jobs::post_my_assignments(env); }, "mine");
        if (state_.screen == Screen::training || state_.screen == Screen::team) load_for_screen(state_.screen);
    } else if (kind == "view.changed") {
        if (in_details) load_for_screen(Screen::details);
    }
}

void Controller::on(results::UploadsListed&& r) {
    state_.uploads = std::move(r.uploads);
    // The earliest moment a recording that failed is tried again (tick() sends then).
    next_upload_try_.reset();
    for (const auto& u : state_.uploads)
        if (u.state == "waiting" && u.retry_at > 0 && (!next_upload_try_ || u.retry_at < *next_upload_try_))
            next_upload_try_ = u.retry_at;
}

void Controller::on(results::UploadProgress&& r) {
    auto& rows = state_.uploads;
    auto it = std::find_if(rows.begin(), rows.end(), [&](const UploadRow& u) { return u.id == r.upload.id; });
    if (it != rows.end())
        *it = std::move(r.upload);
    else
        rows.push_back(std::move(r.upload));
}

void Controller::poll_uploads(Tick& t) {
    if (!next_upload_try_) return;
    const EpochMs left = *next_upload_try_ - now();
    if (left <= 0) {
        next_upload_try_.reset();
        return send_uploads();
    }
    const int wait = static_cast<int>(std::min<EpochMs>(left, 60'000));
    t.wake_after_ms = t.wake_after_ms < 0 ? wait : std::min(t.wake_after_ms, wait);
}

void Controller::send_uploads() {
    // On the long-work worker: an upload takes as long as the video is big.
    if (!post_long([](Worker::Env& env) { jobs::send_uploads(env); }, false, "uploads")) busy_banner();
}

}  // namespace wt::ui
