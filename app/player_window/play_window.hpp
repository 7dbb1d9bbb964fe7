#pragma once
// `walkthrough play`: a window with the video, a timeline with chapters and comment markers, play/pause, speed,
// volume and the player's keys. The window reads the player's snapshot each frame and sends it
// commands; played stretches go to `on_played`, which must not block (a reporter thread's queue).
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "app/player_window/player_panel.hpp"
#include "common/result.hpp"
#include "player/player.hpp"

namespace wt::app {

struct PlaySession {
    MediaSource file;  // a file here, or a team server's stream
    std::string title;
    std::vector<TimelineMarker> markers;
    std::vector<TimelineChapter> chapters;  // in time order
    player::PlayOptions options;
    bool exit_at_end = false;
    std::function<void(const std::vector<player::PlayedInterval>&)> on_played;
};

Result<player::Snapshot> run_play_window(const PlaySession& session);

}  // namespace wt::app
