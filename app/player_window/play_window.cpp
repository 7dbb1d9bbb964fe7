// The player window. Drawn every frame from the player's snapshot and a little UI state, as Dear
// ImGui's examples do; the loop sleeps until the next frame is due or input arrives.
#include "app/player_window/play_window.hpp"

#include <chrono>

#include <fmt/format.h>
#include <imgui.h>

#include "app/player_window/gl_window.hpp"
#include "player/video_surface.hpp"

namespace wt::app {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using player::Player;
using player::Snapshot;
using player::State;

void draw(Player& p, const Snapshot& s, const PlaySession& session, const PlayerPanel& panel,
          const player::VideoSurface* surface, TimelineDrag& drag) {
    const ImGuiViewport* vp = ImGui::GetMainViewport();
    ImGui::SetNextWindowPos(vp->WorkPos);
    ImGui::SetNextWindowSize(vp->WorkSize);
    ImGui::PushStyleVar(ImGuiStyleVar_WindowRounding, 0);
    ImGui::Begin("player", nullptr,
                 ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings |
                     ImGuiWindowFlags_NoBringToFrontOnFocus);
    ImGui::TextUnformatted(session.title.c_str());
    draw_player_panel(p, s, panel, surface, drag);
    ImGui::End();
    ImGui::PopStyleVar();
}

}  // namespace

Result<Snapshot> run_play_window(const PlaySession& session) {
    auto opened = Player::open(session.file, session.options);
    if (!opened) return std::unexpected(opened.error());
    Player& p = **opened;
    auto window = GlWindow::open(fmt::format("{} — walkthrough", session.title), 1280, 800);
    if (!window) return std::unexpected(window.error());
    auto surface = player::VideoSurface::create();
    if (!surface) return std::unexpected(surface.error());

    TimelineDrag drag;
    PlayerPanel panel;
    panel.markers = session.markers;
    panel.chapters = session.chapters;
    Snapshot s = p.snapshot();
    Clock::time_point last_report = Clock::now();
    int wait_ms = 0;
    bool was_playing = false;
    auto report = [&] {
        if (!session.on_played) return;
        auto played = p.take_played();
        if (!played.empty()) session.on_played(played);
        last_report = Clock::now();
    };
    Clock::time_point last_drawn{};
    bool input = true;
    while ((*window)->wait_events(wait_ms, [&](const SDL_Event& e) {
        input = true;
        if (!ImGui::GetIO().WantTextInput) handle_player_key(e, p, s, **window, panel.chapters);
    })) {
        const player::PollResult polled = p.poll();
        if (polled.new_frame) {
            if (auto r = (*surface)->update(p); !r) return std::unexpected(r.error());
        }
        s = p.snapshot();
        const bool playing = s.state == State::playing;
        // Watch tracking: every 2 s while playing, and whenever playing stops (the resume position).
        if ((playing && Clock::now() - last_report > 2s) || (was_playing && !playing)) report();
        // Drawing is the expensive part (a software GL on some machines): only for a new frame, input,
        // a change of state, or the clock text of a file without video.
        const bool redraw = polled.new_frame || input || playing != was_playing || drag.active || s.seeking ||
                            Clock::now() - last_drawn > 500ms;
        was_playing = playing;
        if (redraw) {
            // ImGui settles hover and click states over two frames after input.
            for (int pass = 0; pass < (input ? 2 : 1); ++pass) {
                (*window)->begin_frame();
                draw(p, s, session, panel, surface->get(), drag);
                (*window)->end_frame();
            }
            last_drawn = Clock::now();
            input = false;
        }
        if (session.exit_at_end && s.state == State::ended) break;
        // Sleep until the next frame is due while playing; when still, until input (or a slow tick
        // for the clock text).
        wait_ms = playing || s.seeking || drag.active ? polled.wake_after_ms : 500;
    }
    p.pause();
    report();
    return p.snapshot();
}

}  // namespace wt::app
