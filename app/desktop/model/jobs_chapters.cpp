// Chapters from the player view: add or rename at a moment, remove; the recording's chapters as they
// are afterwards go back to whichever of the player and details shows that recording.
#include "app/desktop/model/jobs.hpp"

namespace wt::ui::jobs {

// Read again rather than patched in place: another process (the CLI) may have changed them too.
void chapters(Env& env, const std::string& recording_id) {
    if (!env.library()) return;
    auto all = env.library()->chapters(recording_id);
    if (!all) return env.post(results::Failed{all.error(), {}});
    env.post(results::ChaptersChanged{recording_id, std::move(*all)});
}

void set_chapter(Env& env, const std::string& id, std::int64_t at_ms, const std::string& title) {
    catalog::Library* lib = env.library();
    if (!lib) return;
    auto added = lib->set_chapter(id, at_ms, title);
    if (!added) return env.post(results::Failed{added.error(), {}});
    chapters(env, added->recording_id);
    env.post(results::ChapterSaved{});
}

void remove_chapter(Env& env, const std::string& id, std::int64_t at_ms) {
    catalog::Library* lib = env.library();
    if (!lib) return;
    auto gone = lib->remove_chapter(id, at_ms);
    if (!gone) return env.post(results::Failed{gone.error(), {}});
    chapters(env, gone->recording_id);
    env.post(results::ChapterRemoved{*gone});
}

}  // namespace wt::ui::jobs
