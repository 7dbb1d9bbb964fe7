// The player window. Drawn every frame from the player's snapshot and a little UI state, as Dear
// ImGui's examples do; the loop sleeps until the next frame is due or input arrives.
#include "app/play_window.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>

#include <fmt/format.h>
#include <imgui.h>

#include "app/gl_window.hpp"
#include "common/timefmt.hpp"
#include "player/colour.hpp"
#include "player/video_surface.hpp"

namespace wt::app {
namespace {

using player::Player;
using player::SeekMode;
using player::Snapshot;
using player::State;

constexpr float k_speeds[] = {0.5f, 0.75f, 1.0f, 1.25f, 1.5f, 1.75f, 2.0f};

// What the window remembers between frames besides the player itself.
struct TimelineDrag {
    bool active = false;
    double seconds = 0;
    double last_seek_at = 0;  // wall time of the last keyframe seek sent while dragging
    bool on_marker = false;   // the press began on a comment marker: a jump, not a drag
};

double now_seconds() {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

std::string clock_text(std::int64_t ms) { return format_moment(std::max<std::int64_t>(ms, 0)); }

void handle_key(const SDL_Event& e, Player& p, const Snapshot& s, GlWindow& window) {
    if (e.type != SDL_KEYDOWN) return;
    const double duration = s.duration_ms / 1000.0;
    switch (e.key.keysym.sym) {
        case SDLK_SPACE: p.toggle_pause(); break;
        case SDLK_LEFT: p.seek_relative(-5); break;
        case SDLK_RIGHT: p.seek_relative(5); break;
        case SDLK_j: p.seek_relative(-10); break;
        case SDLK_l: p.seek_relative(10); break;
        case SDLK_COMMA: p.step_frame(false); break;
        case SDLK_PERIOD: p.step_frame(true); break;
        case SDLK_f: window.toggle_fullscreen(); break;
        case SDLK_m: p.set_muted(!s.muted); break;
        default:
            if (e.key.keysym.sym >= SDLK_0 && e.key.keysym.sym <= SDLK_9)
                p.seek(duration * (e.key.keysym.sym - SDLK_0) / 10.0, SeekMode::exact);
            break;
    }
}

// The timeline: played part, buffered part, comment markers (hover for the comment, click to jump)
// and the playhead. Dragging sends fast keyframe seeks; releasing, one exact seek.
void draw_timeline(Player& p, const Snapshot& s, const std::vector<TimelineMarker>& markers, TimelineDrag& drag) {
    const float height = ImGui::GetFrameHeight();
    const ImVec2 origin = ImGui::GetCursorScreenPos();
    const float width = ImGui::GetContentRegionAvail().x;
    ImGui::InvisibleButton("timeline", ImVec2(width, height));
    const double duration = std::max<double>(s.duration_ms / 1000.0, 0.001);
    auto x_of = [&](double seconds) { return origin.x + float(std::clamp(seconds / duration, 0.0, 1.0)) * width; };

    // A click on a comment marker lands exactly on its moment.
    const TimelineMarker* hovered = nullptr;
    for (const TimelineMarker& m : markers) {
        const float x = x_of(m.at_ms / 1000.0);
        if (ImGui::IsMouseHoveringRect(ImVec2(x - 6, origin.y), ImVec2(x + 6, origin.y + height))) hovered = &m;
    }
    if (ImGui::IsItemActivated() && hovered) {
        p.seek(hovered->at_ms / 1000.0, SeekMode::exact);
        drag.on_marker = true;
    }
    if (!ImGui::IsItemActive()) drag.on_marker = false;

    if (ImGui::IsItemActive() && !drag.on_marker) {
        const double t = std::clamp((ImGui::GetIO().MousePos.x - origin.x) / width, 0.0f, 1.0f) * duration;
        const double now = now_seconds();
        drag.active = true;
        drag.seconds = t;
        // A keyframe seek at most every 100 ms, and not while the previous one is still landing.
        if (now - drag.last_seek_at > 0.1 && (!s.seeking || now - drag.last_seek_at > 0.3)) {
            p.seek(t, SeekMode::keyframe);
            drag.last_seek_at = now;
        }
    } else if (drag.active) {
        p.seek(drag.seconds, SeekMode::exact);
        drag.active = false;
    }

    ImDrawList* dl = ImGui::GetWindowDrawList();
    const float mid = origin.y + height * 0.5f;
    const float bar = std::max(4.0f, height * 0.25f);
    const double position = drag.active ? drag.seconds : s.position_ms / 1000.0;
    dl->AddRectFilled(ImVec2(origin.x, mid - bar / 2), ImVec2(origin.x + width, mid + bar / 2),
                      IM_COL32(70, 70, 80, 255), bar / 2);
    dl->AddRectFilled(ImVec2(origin.x, mid - bar / 2),
                      ImVec2(x_of(position + s.buffered_ms / 1000.0), mid + bar / 2), IM_COL32(100, 100, 115, 255),
                      bar / 2);
    dl->AddRectFilled(ImVec2(origin.x, mid - bar / 2), ImVec2(x_of(position), mid + bar / 2),
                      IM_COL32(90, 160, 240, 255), bar / 2);
    for (const TimelineMarker& m : markers) {
        const float x = x_of(m.at_ms / 1000.0);
        const ImVec2 a(x - 5, origin.y), b(x + 5, origin.y), c(x, origin.y + 7);
        dl->AddTriangleFilled(a, b, c, &m == hovered ? IM_COL32(255, 230, 140, 255) : IM_COL32(250, 190, 60, 255));
    }
    dl->AddCircleFilled(ImVec2(x_of(position), mid), height * 0.3f, IM_COL32(235, 240, 250, 255));
    if (hovered) ImGui::SetTooltip("%s  %s", clock_text(hovered->at_ms).c_str(), hovered->label.c_str());
}

void draw_controls(Player& p, const Snapshot& s) {
    const bool playing = s.state == State::playing;
    if (ImGui::Button(playing ? "Pause" : (s.state == State::ended ? "Replay" : "Play"), ImVec2(80, 0)))
        p.toggle_pause();
    ImGui::SameLine();
    ImGui::Text("%s / %s", clock_text(s.position_ms).c_str(), clock_text(s.duration_ms).c_str());
    ImGui::SameLine();
    ImGui::SetNextItemWidth(90);
    const std::string speed_label = fmt::format("{:g}×", s.speed);
    if (ImGui::BeginCombo("##speed", speed_label.c_str())) {
        for (float v : k_speeds) {
            if (ImGui::Selectable(fmt::format("{:g}×", v).c_str(), std::abs(v - s.speed) < 1e-3)) p.set_speed(v);
        }
        ImGui::EndCombo();
    }
    ImGui::SameLine();
    bool muted = s.muted;
    if (ImGui::Checkbox("Mute", &muted)) p.set_muted(muted);
    ImGui::SameLine();
    float volume = s.volume;
    ImGui::SetNextItemWidth(110);
    if (ImGui::SliderFloat("##volume", &volume, 0.0f, 1.0f, "vol %.2f")) p.set_volume(volume);
    ImGui::SameLine();
    ImGui::TextDisabled("%s", s.state == State::ended ? "ended" : s.seeking ? "seeking…" : "");
}

void draw(Player& p, const Snapshot& s, const PlaySession& session, const player::VideoSurface* surface,
          TimelineDrag& drag) {
    const ImGuiViewport* vp = ImGui::GetMainViewport();
    ImGui::SetNextWindowPos(vp->WorkPos);
    ImGui::SetNextWindowSize(vp->WorkSize);
    ImGui::PushStyleVar(ImGuiStyleVar_WindowRounding, 0);
    ImGui::Begin("player", nullptr, ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                                        ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoBringToFrontOnFocus);
    ImGui::TextUnformatted(session.title.c_str());
    const float controls = ImGui::GetFrameHeightWithSpacing() * 3 + ImGui::GetStyle().ItemSpacing.y;
    const ImVec2 area(ImGui::GetContentRegionAvail().x, std::max(ImGui::GetContentRegionAvail().y - controls, 10.0f));
    const ImVec2 at = ImGui::GetCursorScreenPos();
    ImGui::GetWindowDrawList()->AddRectFilled(at, ImVec2(at.x + area.x, at.y + area.y), IM_COL32(0, 0, 0, 255));
    if (surface && surface->texture() != 0) {
        const player::Rect r =
            player::letterbox(surface->width(), surface->height(), surface->sample_aspect(), area.x, area.y);
        ImGui::SetCursorScreenPos(ImVec2(at.x + r.x, at.y + r.y));
        ImGui::Image(reinterpret_cast<ImTextureID>(static_cast<intptr_t>(surface->texture())), ImVec2(r.w, r.h));
    } else if (!s.has_video) {
        const char* still = "♪  audio only";
        const ImVec2 size = ImGui::CalcTextSize(still);
        ImGui::GetWindowDrawList()->AddText(ImVec2(at.x + (area.x - size.x) / 2, at.y + (area.y - size.y) / 2),
                                            IM_COL32(200, 200, 210, 255), still);
    }
    // A click on the picture plays or pauses, as in most players.
    ImGui::SetCursorScreenPos(at);
    if (ImGui::InvisibleButton("picture", area)) p.toggle_pause();
    draw_timeline(p, s, session.markers, drag);
    draw_controls(p, s);
    std::string status = k_player_keys;
    if (s.frames_dropped > 0) status += fmt::format(" · {} late frame(s) skipped", s.frames_dropped);
    for (const std::string& w : s.warnings) status += " · " + w;
    ImGui::TextDisabled("%s", status.c_str());
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
    Snapshot s = p.snapshot();
    double last_report = now_seconds();
    int wait_ms = 0;
    bool was_playing = false;
    auto report = [&] {
        if (!session.on_played) return;
        auto played = p.take_played();
        if (!played.empty()) session.on_played(played);
        last_report = now_seconds();
    };
    double last_drawn = 0;
    bool input = true;
    while ((*window)->wait_events(wait_ms, [&](const SDL_Event& e) {
        input = true;
        if (!ImGui::GetIO().WantTextInput) handle_key(e, p, s, **window);
    })) {
        const player::PollResult polled = p.poll();
        if (polled.new_frame) {
            if (auto r = (*surface)->update(p); !r) return std::unexpected(r.error());
        }
        s = p.snapshot();
        const bool playing = s.state == State::playing;
        // Watch tracking: every 2 s while playing, and whenever playing stops (the resume position).
        if ((playing && now_seconds() - last_report > 2.0) || (was_playing && !playing)) report();
        // Drawing is the expensive part (a software GL on some machines): only for a new frame, input,
        // a change of state, or the clock text of a file without video.
        const bool redraw = polled.new_frame || input || playing != was_playing || drag.active || s.seeking ||
                            now_seconds() - last_drawn > 0.5;
        was_playing = playing;
        if (redraw) {
            // ImGui settles hover and click states over two frames after input.
            for (int pass = 0; pass < (input ? 2 : 1); ++pass) {
                (*window)->begin_frame();
                draw(p, s, session, surface->get(), drag);
                (*window)->end_frame();
            }
            last_drawn = now_seconds();
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
