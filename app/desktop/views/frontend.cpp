// One frame of the desktop app: the fonts and style, the text whose glyphs the fonts must add, syncing
// with the controller and the engines, drawing the views, and the keys the app itself answers.
#include "app/desktop/views/frontend.hpp"

#include <SDL.h>

#include <algorithm>
#include <iterator>
#include <utility>

#include <imgui.h>

#include "app/desktop/model/app_settings.hpp"
#include "app/desktop/model/view_logic.hpp"
#include "app/desktop/views/fonts.hpp"
#include "app/desktop/views/views.hpp"

namespace wt::ui {

namespace {

Fonts g_fonts;  // the atlas is ImGui's (global) too

// Notes every text the views may show, so the fonts can add glyphs they lack (CJK, ...) before the
// frame that shows them. The library's recordings only when they changed.
void need_text(const AppState& s, const Drafts& d, std::pair<std::uint64_t, std::size_t>& library_seen) {
    Fonts& f = g_fonts;
    const std::pair<std::uint64_t, std::size_t> now{s.library.generation, s.library.recordings.size()};
    if (library_seen != now) {
        library_seen = now;
        for (const auto& r : s.library.recordings) {
            f.need(r.title);
            f.need(r.author);
            for (const auto& t : r.tags) f.need(t);
        }
    }
    for (const auto& p : s.people) f.need(p.name);
    if (const auto& r = s.details.recording) {
        f.need(r->title);
        f.need(r->description);
        f.need(r->note);
    }
    for (const auto& v : s.details.views) f.need(v.person);
    for (const auto& a : s.details.assignments) f.need(a.assignee);
    if (const auto& r = s.player.recording) f.need(r->title);
    for (const auto& c : s.player.comments) {
        f.need(c.author);
        f.need(c.body);
    }
    for (const auto* list : {&s.player.chapters, &s.details.chapters})
        for (const auto& c : *list) f.need(c.title);
    for (const auto& i : s.inbox.inbox.items) {
        f.need(i.comment.body);
        f.need(i.comment.author);
        f.need(i.recording_title);
    }
    for (const auto& h : s.search.hits) {
        f.need(h.recording_title);
        f.need(h.excerpt);
    }
    for (const auto* list : {&s.training.mine, &s.training.all})
        for (const auto& a : *list) {
            f.need(a.recording_title);
            f.need(a.assignee);
        }
    for (const auto& l : s.libraries) {
        f.need(l.location);
        f.need(l.person);
    }
    f.need(s.connection.problem);
    for (const auto& u : s.uploads) {
        f.need(u.title);
        f.need(u.last_error);
    }
    for (const auto& b : s.banners) {
        f.need(b.text);
        f.need(b.hint);
    }
    for (const std::string* t : {&d.search, &d.title, &d.description, &d.tags, &d.comment, &d.chapter_title,
                                 &d.assign_to, &d.import_title, &d.new_person, &d.record.title, &d.record.tags})
        f.need(*t);
}

}  // namespace

void setup_fonts_and_style() {
    ImFontAtlas* atlas = ImGui::GetIO().Fonts;
    // GlWindow chose 16 px x the display's scale; keep that size.
    const float size = atlas->ConfigData.Size > 0 ? atlas->ConfigData[0].SizePixels : 16.0f;
    const float scale = size / 16.0f;
    g_fonts.setup(size);

    ImGuiStyle& st = ImGui::GetStyle();
    st.WindowPadding = ImVec2(14 * scale, 12 * scale);
    st.FramePadding = ImVec2(8 * scale, 5 * scale);
    st.ItemSpacing = ImVec2(8 * scale, 7 * scale);
    st.ItemInnerSpacing = ImVec2(6 * scale, 5 * scale);
    st.CellPadding = ImVec2(6 * scale, 4 * scale);
    st.ScrollbarSize = 12 * scale;
    st.FrameRounding = st.ChildRounding = st.PopupRounding = 5 * scale;
    st.GrabRounding = 4 * scale;
    st.ScrollbarRounding = 8 * scale;
    st.WindowBorderSize = 0;
    st.ChildBorderSize = 0;
    ImVec4* c = st.Colors;
    c[ImGuiCol_WindowBg] = ImVec4(0.09f, 0.09f, 0.11f, 1);
    c[ImGuiCol_PopupBg] = ImVec4(0.12f, 0.12f, 0.15f, 0.98f);
    c[ImGuiCol_FrameBg] = ImVec4(0.16f, 0.16f, 0.20f, 1);
    c[ImGuiCol_FrameBgHovered] = ImVec4(0.21f, 0.22f, 0.27f, 1);
    c[ImGuiCol_FrameBgActive] = ImVec4(0.24f, 0.26f, 0.32f, 1);
    c[ImGuiCol_Button] = ImVec4(0.20f, 0.21f, 0.26f, 1);
    c[ImGuiCol_ButtonHovered] = ImVec4(0.27f, 0.29f, 0.36f, 1);
    c[ImGuiCol_ButtonActive] = ImVec4(0.23f, 0.25f, 0.31f, 1);
    c[ImGuiCol_Header] = ImVec4(0.22f, 0.36f, 0.55f, 0.55f);
    c[ImGuiCol_HeaderHovered] = ImVec4(0.26f, 0.42f, 0.64f, 0.55f);
    c[ImGuiCol_HeaderActive] = ImVec4(0.28f, 0.46f, 0.70f, 0.7f);
    c[ImGuiCol_CheckMark] = ImVec4(0.40f, 0.65f, 0.95f, 1);
    c[ImGuiCol_SliderGrab] = ImVec4(0.40f, 0.65f, 0.95f, 1);
    c[ImGuiCol_TableRowBgAlt] = ImVec4(1, 1, 1, 0.03f);
    c[ImGuiCol_TableHeaderBg] = ImVec4(0.14f, 0.14f, 0.17f, 1);
    c[ImGuiCol_Separator] = ImVec4(0.25f, 0.25f, 0.30f, 1);
    c[ImGuiCol_Text] = ImVec4(0.92f, 0.92f, 0.94f, 1);
    c[ImGuiCol_TextDisabled] = ImVec4(0.58f, 0.58f, 0.63f, 1);
}

// Applies the worker's answers, advances the engines, uploads what arrived.
Frontend::Sync Frontend::sync() {
    Sync out;
    out.redraw = ctl.drain();
    const Controller::Tick t = ctl.tick();
    out.redraw |= t.redraw || t.new_frame;
    out.wake_after_ms = t.wake_after_ms;
    const auto& engine = ctl.state().player.engine;
    if (engine.get() != surface_for) {
        surface.reset();
        surface_for = engine.get();
        if (engine) {
            auto created = player::VideoSurface::create();
            if (created)
                surface = std::move(*created);
            else
                ctl.apply(intent::ReportError{"The video cannot be shown: " + created.error().message, {}});
        }
        out.redraw = true;
    }
    if (engine && surface) {
        if (auto r = surface->update(*engine); !r) ctl.apply(intent::ReportError{r.error().message, {}});
    }
    if (auto arrived = ctl.take_thumbnails(); !arrived.empty()) {
        thumbs.upload(arrived);
        out.redraw = true;
    }
    out.redraw |= sync_bar_mode();
    return out;
}

// While recording, the window becomes a small always-on-top bar at the top of the screen.
bool Frontend::sync_bar_mode() {
    const bool want = shows_recording_bar(ctl.state().record.phase);
    if (want == bar_mode) return false;
    bar_mode = want;
    SDL_Window* w = window.sdl();
    const float em = ImGui::GetFontSize();
    if (want) {
        SDL_GetWindowPosition(w, &saved_x, &saved_y);
        SDL_GetWindowSize(w, &saved_w, &saved_h);
        SDL_Rect screen{0, 0, 1280, 800};
        SDL_GetDisplayUsableBounds(SDL_GetWindowDisplayIndex(w), &screen);
        const int bw = static_cast<int>(em * 50), bh = static_cast<int>(em * 5.2f);
        // Off a recorded region or window where the screen has room; a whole-screen recording shows it.
        const PixelRect at = recording_bar_place({screen.x, screen.y, screen.w, screen.h}, bw, bh,
                                                 ctl.state().record.recorded_area, static_cast<int>(em));
        SDL_SetWindowSize(w, bw, bh);
        SDL_SetWindowPosition(w, at.x, at.y);
        SDL_SetWindowAlwaysOnTop(w, SDL_TRUE);
    } else {
        SDL_SetWindowAlwaysOnTop(w, SDL_FALSE);
        SDL_SetWindowSize(w, saved_w, saved_h);
        SDL_SetWindowPosition(w, saved_x, saved_y);
    }
    return true;
}

// One frame: draw from the state, then apply what the views asked for. True if they asked (or a
// click ended): more frames follow.
bool Frontend::draw() {
    ImGuiIO& io = ImGui::GetIO();
    // Arrow keys and Space belong to the player on its screen.
    if (ctl.state().screen == Screen::player)
        io.ConfigFlags &= ~ImGuiConfigFlags_NavEnableKeyboard;
    else
        io.ConfigFlags |= ImGuiConfigFlags_NavEnableKeyboard;
    need_text(ctl.state(), ctl.drafts(), library_seen);
    g_fonts.rebuild_if_needed(drawn);
    window.begin_frame();
    drawn = true;
    Intents intents;
    ViewContext ctx{ctl.state(), ctl.drafts(), intents};
    ctx.now = ctl.now();
    ctx.thumbnail = [&](const catalog::Recording& r) {
        bool known = false;
        TextureRef ref = thumbs.get(r.id, known);
        if (!known && !r.thumbnail_path.empty()) intents.push_back(intent::LoadThumbnail{r.id, r.thumbnail_path});
        return ref;
    };
    ctx.texture = [&](const std::string& key) {
        bool known = false;
        return thumbs.get(key, known);
    };
    ctx.surface = surface.get();
    ctx.drag = &drag;
    ctx.focus_search = std::exchange(focus_search, false);
    draw_app(ctx);
    window.end_frame();
    // A click's release is what toggles a checkbox or radio button, in a frame that drew it
    // unchanged so far: one more frame shows it.
    const bool released =
        std::find(std::begin(io.MouseReleased), std::end(io.MouseReleased), true) != std::end(io.MouseReleased);
    const bool asked = !intents.empty() || released;
    ctl.apply(intents);
    return asked;
}

void Frontend::on_event(const SDL_Event& e) {
    if (e.type != SDL_KEYDOWN) return;
    const AppState& s = ctl.state();
    const bool ctrl = (e.key.keysym.mod & KMOD_CTRL) != 0;
    if (ctrl && e.key.keysym.sym == SDLK_f) {
        focus_search = true;
        if (s.screen != Screen::library) ctl.apply(intent::Navigate{Screen::library});
        return;
    }
    if (e.key.keysym.sym == SDLK_F5) {  // what other processes (the CLI, a teammate) changed
        ctl.apply(intent::Refresh{});
        return;
    }
    if (ImGui::GetIO().WantTextInput || ctrl) return;
    if (s.screen == Screen::player && s.player.engine) {
        const auto chapters = app::timeline_chapters(s.player.chapters);
        if (app::handle_player_key(e, *s.player.engine, s.player.snapshot, window, chapters)) return;
    }
    if (e.key.keysym.sym == SDLK_ESCAPE && (s.screen == Screen::details || s.screen == Screen::player))
        ctl.apply(intent::Navigate{Screen::library});
}

Controller::Options controller_options(const RunOptions& o, bool screenshots) {
    Controller::Options c;
    c.library = o.library;
    c.person = o.person;
    if (!screenshots) c.settings_file = default_settings_file();
    c.audio = screenshots ? player::AudioOutput::silent : player::AudioOutput::automatic;
    c.thumbnail_width = 256;
    return c;
}

}  // namespace wt::ui
