#pragma once
// The player panel shared by `walkthrough play` and the desktop app's Player view: the video
// (letterboxed), a timeline with chapter marks, comment markers and the viewer's watched stretches,
// the controls (play/pause, time, speed, mute, volume, the chapter playing) and the player's keys.
// Drawn every frame from the player's snapshot; it sends the player commands and never blocks.
//
// Thread-safety: the UI thread, inside an ImGui frame, with the window's GL context current.
#include <SDL.h>

#include <cstdint>
#include <string>
#include <vector>

#include <imgui.h>

#include "app/player_window/timeline_chapters.hpp"
#include "catalog/catalog.hpp"
#include "player/player.hpp"

namespace wt::player {
class VideoSurface;
}

namespace wt::app {

class GlWindow;

struct TimelineMarker {
    std::int64_t at_ms = 0;
    std::string label;  // "Ana: why this step?"
};

// A stretch of the video (ms) drawn under the timeline: what the viewer has watched.
struct TimelineSpan {
    std::int64_t from_ms = 0;
    std::int64_t to_ms = 0;
};

// What the panel remembers between frames besides the player itself.
struct TimelineDrag {
    bool active = false;
    double seconds = 0;
    double last_seek_at = 0;  // wall time of the last keyframe seek sent while dragging
    bool on_marker = false;   // the press began on a comment marker or a chapter mark: a jump, not a drag
};

struct PlayerPanel {
    std::vector<TimelineMarker> markers;
    std::vector<TimelineChapter> chapters;  // in time order
    std::vector<TimelineSpan> watched;
};

// The timeline's marks from the catalog, the same in `walkthrough play` and the app: a marker for each
// top-level comment at a moment ("Ana: why this step?", on one line), and the chapters.
std::vector<TimelineMarker> comment_markers(const std::vector<catalog::Comment>& comments);
std::vector<TimelineChapter> timeline_chapters(const std::vector<catalog::Chapter>& chapters);

// Fills `size` (the rest of the window when 0): picture, timeline, controls and the help line
// (handle_player_key's keys, with the player's warnings).
void draw_player_panel(player::Player& p, const player::Snapshot& s, const PlayerPanel& panel,
                       const player::VideoSurface* surface, TimelineDrag& drag, ImVec2 size = ImVec2(0, 0));

// The player's keys (PageUp/PageDown: the previous/next of `chapters`, in time order); true when the
// event was one of them.
bool handle_player_key(const SDL_Event& e, player::Player& p, const player::Snapshot& s, GlWindow& window,
                       const std::vector<TimelineChapter>& chapters);

}  // namespace wt::app
