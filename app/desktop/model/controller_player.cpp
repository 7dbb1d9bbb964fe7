// The Controller's handlers (controller.hpp) for the player: opening and closing it, comments,
// chapters, and what the acting person watched.
#include <fmt/format.h>

#include "app/desktop/model/controller.hpp"
#include "app/desktop/model/jobs.hpp"
#include "app/desktop/model/view_logic.hpp"
#include "common/text.hpp"

namespace wt::ui {

// ---- intents

void Controller::on(const intent::Play& p) {
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
    post([id, at, paused, audio](Worker::Env& env) { jobs::open_player(env, id, at, paused, audio); }, "player");
}

void Controller::on(const intent::ClosePlayer&) {
    close_player();
    navigate(Screen::library);
}

void Controller::on(const intent::AddComment& c) {
    if (c.body.find_first_not_of(" \t\r\n") == std::string::npos)
        return banner(Level::warning, "Write something first: the comment is empty.");
    catalog::NewComment nc;
    nc.recording = c.id;
    nc.body = c.body;
    nc.at_ms = c.at_ms;
    if (!c.reply_to.empty()) nc.reply_to = c.reply_to;
    post([nc](Worker::Env& env) { jobs::comment(env, nc); });
}

void Controller::on(const intent::Resolve& r) {
    const std::string cid = r.comment_id;
    post([cid](Worker::Env& env) { jobs::resolve(env, cid); });
}

void Controller::on(const intent::AddChapter& a) {
    if (a.title.find_first_not_of(" \t\r\n") == std::string::npos)
        return banner(Level::warning, "Type the chapter's title first.");
    const std::string id = a.id, title = a.title;
    const std::int64_t at = a.at_ms;
    post([id, at, title](Worker::Env& env) { jobs::set_chapter(env, id, at, title); });
}

void Controller::on(const intent::RemoveChapter& r) {
    const std::string id = r.id;
    const std::int64_t at = r.at_ms;
    post([id, at](Worker::Env& env) { jobs::remove_chapter(env, id, at); });
}

void Controller::on(const intent::MarkWatched& m) {
    report_played(true);
    const std::string id = m.id;
    post([id](Worker::Env& env) { jobs::mark_watched(env, id); });
}

// ---- results

void Controller::on(results::PlayerOpened&& r) {
    auto& p = state_.player;
    if (p.id != r.id) return;  // closed meanwhile: the engine goes with the result
    p.engine = std::move(r.engine);
    p.recording = std::move(r.recording);
    p.comments = std::move(r.comments);
    p.chapters = std::move(r.chapters);
    p.mine = std::move(r.mine);
    p.opening = false;
    p.snapshot = p.engine->snapshot();
}

void Controller::on(results::PlayerNotOpened&& r) {
    auto& p = state_.player;
    if (p.id != r.id) return;
    p.opening = false;
    p.error = r.error.message;
    p.recording = std::move(r.recording);
}

void Controller::on(results::CommentsChanged&& r) {
    // To the player showing the recording and to its card's counts.
    for (auto& rec : state_.library.recordings) {
        if (rec.id != r.recording_id) continue;
        rec.comment_count = static_cast<int>(r.comments.size());
        rec.open_comment_count = open_threads(r.comments);
    }
    if (state_.player.id == r.recording_id) state_.player.comments = std::move(r.comments);
}

void Controller::on(results::CommentSaved&&) {
    drafts_.comment.clear();
    drafts_.reply_to.clear();
}

void Controller::on(results::ChaptersChanged&& r) {
    if (state_.player.id == r.recording_id) state_.player.chapters = r.chapters;
    if (state_.details.id == r.recording_id) state_.details.chapters = std::move(r.chapters);
}

void Controller::on(results::ChapterSaved&&) { drafts_.chapter_title.clear(); }

void Controller::on(results::ChapterRemoved&& r) {
    // A banner is a line or two: a title pasted from a document is cut.
    banner(Level::info, fmt::format("Removed the chapter '{}' at {}.", cut_utf8(r.chapter.title, 80),
                                    format_moment(r.chapter.at_ms)));
}

void Controller::on(results::ViewUpdated&& r) {
    if (state_.player.id == r.id) state_.player.mine = r.view;
    if (r.view.watched_at && state_.library.watched.insert(r.id).second) recompute_visible();
}

}  // namespace wt::ui
