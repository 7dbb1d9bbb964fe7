// The player panel (moved out of play_window.cpp so the desktop app's Player view shares it).
#include "app/player_window/player_panel.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>

#include <fmt/format.h>

#include "app/player_window/gl_window.hpp"
#include "common/text.hpp"
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
// Chapters are violet wherever they show, apart from the comments' amber.
constexpr ImU32 k_chapter_colour = IM_COL32(185, 150, 250, 255);

// The help line: what handle_player_key does.
constexpr const char* k_player_keys =
    "Space play/pause · ←/→ 5 s · J/L 10 s · ,/. frame · F fullscreen · M mute · 0–9 jump";

double now_seconds() {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

std::string clock_text(std::int64_t ms) { return format_moment(std::max<std::int64_t>(ms, 0)); }

// A tooltip or the controls' line stays short: a chapter title may be a pasted page.
constexpr std::size_t k_tooltip_bytes = 200;

// The timeline: watched stretches, played part, buffered part, chapter marks and comment markers
// (hover for the title or the comment, click to jump exactly there) and the playhead. Dragging
// sends fast keyframe seeks; releasing, one exact seek.
void draw_timeline(Player& p, const Snapshot& s, const PlayerPanel& panel, TimelineDrag& drag) {
    const float height = ImGui::GetFrameHeight();
    const ImVec2 origin = ImGui::GetCursorScreenPos();
    const float width = ImGui::GetContentRegionAvail().x;
    ImGui::InvisibleButton("timeline", ImVec2(width, height));
    const double duration = std::max<double>(s.duration_ms / 1000.0, 0.001);
    auto x_of = [&](double seconds) { return origin.x + float(std::clamp(seconds / duration, 0.0, 1.0)) * width; };
    const float mid = origin.y + height * 0.5f;

    // The nearest comment marker and chapter mark under the mouse. When both are that near, the upper
    // half of the bar (where comment markers hang) means the comment, the lower half the chapter.
    const ImVec2 mouse = ImGui::GetIO().MousePos;
    const bool over = ImGui::IsMouseHoveringRect(origin, ImVec2(origin.x + width, origin.y + height));
    auto nearest = [&]<class Mark>(const std::vector<Mark>& items) -> const Mark* {
        const Mark* best = nullptr;
        float best_dx = 6.5f;
        for (const auto& m : items) {
            const float dx = std::abs(mouse.x - x_of(m.at_ms / 1000.0));
            if (over && dx < best_dx) best = &m, best_dx = dx;
        }
        return best;
    };
    const TimelineMarker* hovered = nearest(panel.markers);
    const TimelineChapter* hovered_chapter = nearest(panel.chapters);
    if (hovered && hovered_chapter) {
        if (mouse.y < mid)
            hovered_chapter = nullptr;
        else
            hovered = nullptr;
    }
    if (ImGui::IsItemActivated() && (hovered || hovered_chapter)) {
        p.seek((hovered ? hovered->at_ms : hovered_chapter->at_ms) / 1000.0, SeekMode::exact);
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
    const float bar = std::max(4.0f, height * 0.25f);
    const double position = drag.active ? drag.seconds : s.position_ms / 1000.0;
    dl->AddRectFilled(ImVec2(origin.x, mid - bar / 2), ImVec2(origin.x + width, mid + bar / 2),
                      IM_COL32(70, 70, 80, 255), bar / 2);
    dl->AddRectFilled(ImVec2(origin.x, mid - bar / 2), ImVec2(x_of(position + s.buffered_ms / 1000.0), mid + bar / 2),
                      IM_COL32(100, 100, 115, 255), bar / 2);
    dl->AddRectFilled(ImVec2(origin.x, mid - bar / 2), ImVec2(x_of(position), mid + bar / 2),
                      IM_COL32(90, 160, 240, 255), bar / 2);
    // What this viewer has watched: a thin green line under the bar.
    for (const TimelineSpan& w : panel.watched) {
        dl->AddRectFilled(ImVec2(x_of(w.from_ms / 1000.0), mid + bar / 2 + 2),
                          ImVec2(std::max(x_of(w.to_ms / 1000.0), x_of(w.from_ms / 1000.0) + 1), mid + bar / 2 + 5),
                          IM_COL32(90, 200, 120, 255));
    }
    // Chapters: a notch through the bar and a diamond below it, so they read apart from the comment
    // triangles hanging from the top.
    for (const TimelineChapter& c : panel.chapters) {
        const float d = 4;
        const float x = std::clamp(x_of(c.at_ms / 1000.0), origin.x + d, origin.x + width - d);  // whole at the ends
        const ImU32 col = &c == hovered_chapter ? IM_COL32(240, 230, 255, 255) : k_chapter_colour;
        dl->AddRectFilled(ImVec2(x - 1, mid - bar / 2 - 2), ImVec2(x + 1, mid + bar / 2 + 2), col);
        const float y = origin.y + height - d;
        dl->AddQuadFilled(ImVec2(x, y - d), ImVec2(x + d, y), ImVec2(x, y + d), ImVec2(x - d, y), col);
    }
    for (const TimelineMarker& m : panel.markers) {
        const float x = x_of(m.at_ms / 1000.0);
        const ImVec2 a(x - 5, origin.y), b(x + 5, origin.y), c(x, origin.y + 7);
        dl->AddTriangleFilled(a, b, c, &m == hovered ? IM_COL32(255, 230, 140, 255) : IM_COL32(250, 190, 60, 255));
    }
    dl->AddCircleFilled(ImVec2(x_of(position), mid), height * 0.3f, IM_COL32(235, 240, 250, 255));
    if (hovered) {
        const std::string label = cut_utf8(hovered->label, k_tooltip_bytes);
        ImGui::SetTooltip("%s  %s", clock_text(hovered->at_ms).c_str(), label.c_str());
    }
    if (hovered_chapter)
        ImGui::SetTooltip("Chapter at %s: %s", clock_text(hovered_chapter->at_ms).c_str(),
                          cut_utf8(hovered_chapter->title, k_tooltip_bytes).c_str());
}

void draw_controls(Player& p, const Snapshot& s, const std::vector<TimelineChapter>& chapters) {
    const bool playing = s.state == State::playing;
    const float em = ImGui::GetFontSize();
    if (ImGui::Button(playing ? "Pause" : (s.state == State::ended ? "Replay" : "Play"), ImVec2(em * 5, 0)))
        p.toggle_pause();
    ImGui::SameLine();
    ImGui::Text("%s / %s", clock_text(s.position_ms).c_str(), clock_text(s.duration_ms).c_str());
    ImGui::SameLine();
    ImGui::SetNextItemWidth(em * 5.5f);
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
    ImGui::SetNextItemWidth(em * 7);
    if (ImGui::SliderFloat("##volume", &volume, 0.0f, 1.0f, "vol %.2f")) p.set_volume(volume);
    ImGui::SameLine();
    ImGui::TextDisabled("%s", s.state == State::ended ? "ended" : s.seeking ? "seeking…" : "");
    // The chapter playing, in what room is left on the line.
    if (const int current = current_chapter(chapters, s.position_ms); current >= 0) {
        ImGui::SameLine();
        const ImVec2 at = ImGui::GetCursorScreenPos();
        const float room = ImGui::GetContentRegionAvail().x;
        ImGui::PushClipRect(at, ImVec2(at.x + room, at.y + ImGui::GetFrameHeight()), true);
        ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(k_chapter_colour), "%s",
                           cut_utf8(chapters[static_cast<std::size_t>(current)].title, 300).c_str());
        ImGui::PopClipRect();
    }
}

}  // namespace

void draw_player_panel(Player& p, const Snapshot& s, const PlayerPanel& panel, const player::VideoSurface* surface,
                       TimelineDrag& drag, ImVec2 size) {
    const ImVec2 avail = ImGui::GetContentRegionAvail();
    if (size.x <= 0) size.x = avail.x;
    if (size.y <= 0) size.y = avail.y;
    // Below the picture: the timeline, the controls and the help line.
    const float controls = ImGui::GetFrameHeightWithSpacing() * 3 + ImGui::GetStyle().ItemSpacing.y;
    const ImVec2 area(size.x, std::max(size.y - controls, 10.0f));
    const ImVec2 at = ImGui::GetCursorScreenPos();
    ImGui::GetWindowDrawList()->AddRectFilled(at, ImVec2(at.x + area.x, at.y + area.y), IM_COL32(0, 0, 0, 255));
    if (surface && surface->texture() != 0) {
        const player::Rect r =
            player::letterbox(surface->width(), surface->height(), surface->sample_aspect(), area.x, area.y);
        ImGui::SetCursorScreenPos(ImVec2(at.x + r.x, at.y + r.y));
        ImGui::Image(reinterpret_cast<ImTextureID>(static_cast<intptr_t>(surface->texture())), ImVec2(r.w, r.h));
    } else if (!s.has_video && s.state != State::opening) {
        const char* still = "♪  audio only";
        const ImVec2 text = ImGui::CalcTextSize(still);
        ImGui::GetWindowDrawList()->AddText(ImVec2(at.x + (area.x - text.x) / 2, at.y + (area.y - text.y) / 2),
                                            IM_COL32(200, 200, 210, 255), still);
    }
    // A click on the picture plays or pauses, as in most players.
    ImGui::SetCursorScreenPos(at);
    ImGui::PushID("player-panel");
    if (ImGui::InvisibleButton("picture", area)) p.toggle_pause();
    ImGui::PushItemWidth(size.x);
    draw_timeline(p, s, panel, drag);
    ImGui::PopItemWidth();
    draw_controls(p, s, panel.chapters);
    std::string status = k_player_keys;
    if (!panel.chapters.empty()) status += " · PgUp/PgDn chapter";
    if (s.frames_dropped > 0) status += fmt::format(" · {} late frame(s) skipped", s.frames_dropped);
    for (const std::string& w : s.warnings) status += " · " + w;
    ImGui::TextDisabled("%s", status.c_str());
    ImGui::PopID();
}

bool handle_player_key(const SDL_Event& e, Player& p, const Snapshot& s, GlWindow& window,
                       const std::vector<TimelineChapter>& chapters) {
    if (e.type != SDL_KEYDOWN) return false;
    const double duration = s.duration_ms / 1000.0;
    switch (e.key.keysym.sym) {
    case SDLK_SPACE: p.toggle_pause(); return true;
    case SDLK_LEFT: p.seek_relative(-5); return true;
    case SDLK_RIGHT: p.seek_relative(5); return true;
    case SDLK_j: p.seek_relative(-10); return true;
    case SDLK_l: p.seek_relative(10); return true;
    case SDLK_COMMA: p.step_frame(false); return true;
    case SDLK_PERIOD: p.step_frame(true); return true;
    case SDLK_f: window.toggle_fullscreen(); return true;
    case SDLK_m: p.set_muted(!s.muted); return true;
    case SDLK_PAGEUP:
    case SDLK_PAGEDOWN: {
        // The engine's position now, not the frame's: a second press before the next frame goes one further.
        const auto to = chapter_jump(chapters, p.snapshot().position_ms, e.key.keysym.sym == SDLK_PAGEDOWN);
        if (to) p.seek(static_cast<double>(*to) / 1000.0, SeekMode::exact);
        return true;
    }
    default:
        if (e.key.keysym.sym >= SDLK_0 && e.key.keysym.sym <= SDLK_9) {
            p.seek(duration * (e.key.keysym.sym - SDLK_0) / 10.0, SeekMode::exact);
            return true;
        }
        return false;
    }
}

std::vector<TimelineMarker> comment_markers(const std::vector<catalog::Comment>& comments) {
    std::vector<TimelineMarker> out;
    for (const auto& c : comments) {
        if (c.at_ms && c.parent_id.empty())
            out.push_back({*c.at_ms, fmt::format("{}: {}", c.author, one_line(c.body))});
    }
    return out;
}

std::vector<TimelineChapter> timeline_chapters(const std::vector<catalog::Chapter>& chapters) {
    std::vector<TimelineChapter> out;
    for (const auto& c : chapters) out.push_back({c.at_ms, one_line(c.title)});
    return out;
}

}  // namespace wt::app
