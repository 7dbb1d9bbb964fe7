#pragma once
// Chapters as the player panel sees them, and where its chapter keys go. Plain data and pure
// functions (no SDL, ImGui or player), so tests check them without a window.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace wt::app {

// A chapter mark on the timeline: where a part of the video starts.
struct TimelineChapter {
    std::int64_t at_ms = 0;
    std::string title;
};

// The chapter playing at `position_ms` in `chapters` (time order): the last one started; -1 before the first.
inline int current_chapter(const std::vector<TimelineChapter>& chapters, std::int64_t position_ms) {
    int found = -1;
    for (std::size_t i = 0; i < chapters.size() && chapters[i].at_ms <= position_ms; ++i) found = static_cast<int>(i);
    return found;
}

// Where "next chapter" and "previous chapter" go from `position_ms`; nullopt: nowhere (no chapter ahead).
// A position a little short of a chapter counts as on it: an exact seek may land on the frame just
// before, and the next press must not land on the same chapter again. Going back, a chapter started
// less than 1.5 s ago is skipped, as players do, so pressing twice reaches the one before; before the
// first chapter, back goes to the start.
inline std::optional<std::int64_t> chapter_jump(const std::vector<TimelineChapter>& chapters, std::int64_t position_ms,
                                                bool forward) {
    constexpr std::int64_t k_landing_slack_ms = 200;
    constexpr std::int64_t k_restart_window_ms = 1500;
    if (forward) {
        for (const auto& c : chapters)
            if (c.at_ms > position_ms + k_landing_slack_ms) return c.at_ms;
        return std::nullopt;
    }
    int current = -1;
    for (std::size_t i = 0; i < chapters.size(); ++i)
        if (chapters[i].at_ms <= position_ms + k_landing_slack_ms) current = static_cast<int>(i);
    if (current >= 0 && position_ms - chapters[static_cast<std::size_t>(current)].at_ms > k_restart_window_ms)
        return chapters[static_cast<std::size_t>(current)].at_ms;
    return current >= 1 ? chapters[static_cast<std::size_t>(current - 1)].at_ms : 0;
}

}  // namespace wt::app
