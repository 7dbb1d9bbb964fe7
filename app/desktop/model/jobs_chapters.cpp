// Chapters from the player view: add or rename at a moment, remove; the recording's chapters as they
// are afterwards go back to whichever of the player and details shows that recording.
#include <fmt/format.h>

#include "app/desktop/model/controller.hpp"
#include "app/desktop/model/jobs.hpp"
#include "common/text.hpp"

namespace wt::ui::jobs {

namespace {

// Read again rather than patched in place: another process (the CLI) may have changed them too.
void post_chapters(Env& env, const std::string& recording_id) {
    auto all = env.library()->chapters(recording_id);
    if (!all) {
        env.post([e = all.error()](Controller& c) { c.banner(Level::error, e.message); });
        return;
    }
    env.post([recording_id, all = std::move(*all)](Controller& c) {
        auto& s = c.mutable_state();
        if (s.player.id == recording_id) s.player.chapters = all;
        if (s.details.id == recording_id) s.details.chapters = all;
    });
}

}  // namespace

void set_chapter(Env& env, const std::string& id, std::int64_t at_ms, const std::string& title) {
    catalog::Library* lib = env.library();
    if (!lib) return;
    auto added = lib->set_chapter(id, at_ms, title);
    if (!added) {
        env.post([e = added.error()](Controller& c) { c.banner(Level::error, e.message); });
        return;
    }
    post_chapters(env, added->recording_id);
    env.post([](Controller& c) { c.drafts().chapter_title.clear(); });
}

void remove_chapter(Env& env, const std::string& id, std::int64_t at_ms) {
    catalog::Library* lib = env.library();
    if (!lib) return;
    auto gone = lib->remove_chapter(id, at_ms);
    if (!gone) {
        env.post([e = gone.error()](Controller& c) { c.banner(Level::error, e.message); });
        return;
    }
    post_chapters(env, gone->recording_id);
    env.post([gone = *gone](Controller& c) {
        // A banner is a line or two: a title pasted from a document is cut.
        c.banner(Level::info, fmt::format("Removed the chapter '{}' at {}.", cut_utf8(gone.title, 80),
                                          format_moment(gone.at_ms)));
    });
}

}  // namespace wt::ui::jobs
