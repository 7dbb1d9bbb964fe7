#pragma once
// The desktop app's views (Dear ImGui), one file per screen. Each is a function of the state: it
// reads `AppState`, edits `Drafts` in place, and emits intents; it never calls the catalog, libav,
// SQLite or video GL (the player's picture arrives as a texture through the player panel).
//
// Thread-safety: the UI thread, inside an ImGui frame.
#include <functional>
#include <string>
#include <string_view>

#include <imgui.h>
#include <imgui_stdlib.h>

#include "app/desktop/model/intents.hpp"
#include "app/desktop/model/model.hpp"
#include "app/player_window/player_panel.hpp"

namespace wt::player {
class VideoSurface;
}

namespace wt::ui {

struct TextureRef {
    ImTextureID id = nullptr;  // null: not (yet) available
    int width = 0, height = 0;
    bool none = false;  // there is no picture to show (the file is missing or unreadable)
};

struct ViewContext {
    ViewContext(const AppState& state, Drafts& drafts, Intents& intents) : s(state), d(drafts), out(intents) {}
    const AppState& s;
    Drafts& d;
    Intents& out;
    EpochMs now = 0;
    // The recording's thumbnail as a texture, or 0 while it loads (asking for it on the way).
    std::function<TextureRef(const catalog::Recording&)> thumbnail;
    // A picture the shell holds by key (the still of the screen a region is picked on); empty while it uploads.
    std::function<TextureRef(const std::string& key)> texture;
    const player::VideoSurface* surface = nullptr;  // the playing recording's picture
    app::TimelineDrag* drag = nullptr;
    bool focus_search = false;  // Ctrl+F was pressed
    void emit(Intent i) { out.push_back(std::move(i)); }
    float em() const { return ImGui::GetFontSize(); }
};

// The whole window: navigation, banners, progress, then the current screen. The recording bar
// replaces all of it while a recording runs (the window is then a small always-on-top bar).
void draw_app(ViewContext& ctx);

void draw_library(ViewContext& ctx);
void draw_details(ViewContext& ctx);
void draw_player(ViewContext& ctx);
void draw_training(ViewContext& ctx);
void draw_team(ViewContext& ctx);
void draw_inbox(ViewContext& ctx);
void draw_settings(ViewContext& ctx);
void draw_record(ViewContext& ctx);
void draw_recording_bar(ViewContext& ctx);

// ---- shared widgets (widgets.cpp) ----

namespace colour {
inline constexpr ImU32 accent = IM_COL32(90, 160, 240, 255);
inline constexpr ImU32 good = IM_COL32(90, 200, 120, 255);
inline constexpr ImU32 warn = IM_COL32(240, 170, 60, 255);
inline constexpr ImU32 bad = IM_COL32(235, 90, 90, 255);
inline constexpr ImU32 muted = IM_COL32(150, 150, 160, 255);
inline constexpr ImU32 training = IM_COL32(150, 110, 230, 255);
inline constexpr ImU32 walkthrough = IM_COL32(60, 150, 170, 255);
inline constexpr ImU32 chapter = IM_COL32(185, 150, 250, 255);  // as the player's timeline marks them
}  // namespace colour

ImVec4 to_vec4(ImU32 c);
ImU32 kind_colour(catalog::Kind k);
// A small rounded label ("training", "3:20") drawn at `at` (draw list; no layout); returns its width.
float pill(ImDrawList* dl, ImVec2 at, std::string_view text, ImU32 bg, ImU32 fg = IM_COL32(255, 255, 255, 255));
// The same label at the cursor, as an item of the layout: "resolved", the legend's "✓ done".
void badge(const char* text, ImU32 bg);
// Text cut with "…" to fit `width` pixels, at the cursor, on one line.
void text_fit(const std::string& text, float width, ImU32 colour = 0);
// Draws text cut with "…" to fit between x and x + width at `pos` (draw list; no layout).
void draw_text_fit(ImDrawList* dl, ImVec2 pos, float width, ImU32 colour, const std::string& text);
// A thin horizontal bar, 0..1 filled.
void fraction_bar(float fraction, ImU32 fill, ImVec2 size);
// A page title with an optional line under it.
void heading(const char* title, const std::string& sub = {});
// A titled section: some space, the title, a line.
void section(const char* title);
// A primary (accent-coloured) button.
bool primary_button(const char* label, ImVec2 size = ImVec2(0, 0));
// Text input with a hint; true when Enter was pressed.
// Which library the app is on and whether its server answers, with a coloured dot (wrapped);
// `brief`: a few words, the whole sentence in a tooltip.
void connection_status(ViewContext& ctx, bool brief = false);

bool input_hint(const char* id, const char* hint, std::string& value, float width, ImGuiInputTextFlags flags = 0);

}  // namespace wt::ui
