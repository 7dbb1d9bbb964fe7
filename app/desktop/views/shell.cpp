// The desktop app's loop. Dear ImGui redraws the whole window from state each frame, so the loop's
// job is deciding *when* to draw: after input, when the worker answered, when the player has a new
// picture or the recorder's numbers moved. Otherwise it sleeps in SDL_WaitEventTimeout: idle costs
// nothing. The worker wakes it with an SDL user event.
#include "app/desktop/views/shell.hpp"

#include <SDL.h>
#include <SDL_opengl.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <unistd.h>
#include <filesystem>
#include <utility>

#include <imgui.h>
#include <backends/imgui_impl_opengl3.h>

#include "app/desktop/model/app_settings.hpp"
#include "app/desktop/model/controller.hpp"
#include "app/desktop/views/fonts.hpp"
#include "app/desktop/views/textures.hpp"
#include "app/desktop/model/view_logic.hpp"
#include "app/desktop/views/views.hpp"
#include "avkit/png.hpp"
#include "player/video_surface.hpp"

namespace fs = std::filesystem;

namespace wt::ui {

namespace {

Fonts g_fonts;  // the atlas is ImGui's (global) too

double ms_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

// Since the process was created (exec and dynamic linking included), 10 ms resolution; -1 if unknown.
double process_age_ms() {
    FILE* f = std::fopen("/proc/self/stat", "r");
    if (!f) return -1;
    char buf[1024] = {};
    const std::size_t n = std::fread(buf, 1, sizeof buf - 1, f);
    std::fclose(f);
    const char* p = static_cast<const char*>(std::memchr(buf, ')', n));  // after the command name
    unsigned long long start = 0;
    // Fields after ")": state(3) ... starttime is field 22.
    if (!p || std::sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %*d %*d %*d %*d %llu",
                          &start) != 1)
        return -1;
    timespec now{};
    clock_gettime(CLOCK_BOOTTIME, &now);
    const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
    return (static_cast<double>(now.tv_sec) + now.tv_nsec / 1e9 - static_cast<double>(start) / ticks) * 1000;
}

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
    for (const auto& b : s.banners) {
        f.need(b.text);
        f.need(b.hint);
    }
    for (const std::string* t : {&d.search, &d.title, &d.description, &d.tags, &d.comment, &d.chapter_title,
                                 &d.assign_to, &d.import_title, &d.new_person, &d.record.title, &d.record.tags})
        f.need(*t);
}

// The window, the controller, and what only the UI thread holds: textures and the video surface.
struct Frontend {
    Frontend(app::GlWindow& w, Controller& c) : window(w), ctl(c) {}
    app::GlWindow& window;
    Controller& ctl;
    TextureCache thumbs;
    std::unique_ptr<player::VideoSurface> surface;
    const player::Player* surface_for = nullptr;
    app::TimelineDrag drag;
    bool focus_search = false;
    bool bar_mode = false;
    bool drawn = false;  // the first frame is drawn (the font texture exists)
    std::pair<std::uint64_t, std::size_t> library_seen{~0ull, 0};
    int saved_x = 0, saved_y = 0, saved_w = 0, saved_h = 0;

    struct Sync {
        bool redraw = false;
        int wake_after_ms = -1;
    };

    // Applies the worker's answers, advances the engines, uploads what arrived.
    Sync sync() {
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
                if (created) surface = std::move(*created);
                else ctl.apply(intent::ReportError{"The video cannot be shown: " + created.error().message, {}});
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
    bool sync_bar_mode() {
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
    bool draw() {
        ImGuiIO& io = ImGui::GetIO();
        // Arrow keys and Space belong to the player on its screen.
        if (ctl.state().screen == Screen::player) io.ConfigFlags &= ~ImGuiConfigFlags_NavEnableKeyboard;
        else io.ConfigFlags |= ImGuiConfigFlags_NavEnableKeyboard;
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
        const bool released = std::find(std::begin(io.MouseReleased), std::end(io.MouseReleased), true) !=
                              std::end(io.MouseReleased);
        const bool asked = !intents.empty() || released;
        ctl.apply(intents);
        return asked;
    }

    void on_event(const SDL_Event& e) {
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
};

Controller::Options controller_options(const RunOptions& o, bool screenshots) {
    Controller::Options c;
    c.library = o.library;
    c.person = o.person;
    if (!screenshots) c.settings_file = default_settings_file();
    c.audio = screenshots ? player::AudioOutput::silent : player::AudioOutput::automatic;
    c.thumbnail_width = 256;
    return c;
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

int run_app(app::GlWindow& window, const RunOptions& options) {
    const Uint32 wake_event = SDL_RegisterEvents(1);
    Controller::Options co = controller_options(options, false);
    co.wake = [wake_event] {
        SDL_Event e{};
        e.type = wake_event;
        SDL_PushEvent(&e);  // thread-safe
    };
    // Out of the way while the still of the screen is taken, so it shows what is under the window.
    co.hide_window = [&window](bool hidden) {
        if (hidden) {
            SDL_HideWindow(window.sdl());
        } else {
            SDL_ShowWindow(window.sdl());
            SDL_RaiseWindow(window.sdl());
        }
    };
    Controller ctl(co);
    ctl.start();
    Frontend f(window, ctl);
    const bool timing = std::getenv("WALKTHROUGH_TIMING") != nullptr;
    bool first_frame = true, library_shown = false, library_complete = false;
    int pending_frames = 1;  // frames to draw without waiting (ImGui settles layout over two)
    int timeout_ms = 0;
    for (;;) {
        bool input = false;
        const bool open = window.wait_events(timeout_ms, [&](const SDL_Event& e) {
            if (e.type == wake_event) return;
            input = true;
            f.on_event(e);
        });
        if (!open) break;
        const Frontend::Sync sync = f.sync();
        if (input) pending_frames = std::max(pending_frames, 2);
        if (sync.redraw) pending_frames = std::max(pending_frames, 1);
        if (pending_frames > 0) {
            // Counted before drawing: a frame whose views asked for something (another screen, say) is
            // followed by two more, as after input, so new tables and layouts settle.
            --pending_frames;
            if (f.draw()) pending_frames = std::max(pending_frames, 2);
            if (timing && first_frame) {
                const ImFontAtlas* atlas = ImGui::GetIO().Fonts;
                std::fprintf(stderr,
                             "walkthrough: first frame %.0f ms after main() (%.0f ms after the process began; font "
                             "atlas %dx%d)\n",
                             ms_since(options.started), process_age_ms(), atlas->TexWidth, atlas->TexHeight);
                first_frame = false;
            }
            if (timing && !library_shown && ctl.state().library.loaded && ctl.state().screen == Screen::library) {
                std::fprintf(stderr, "walkthrough: library shown %.0f ms after start (%zu recordings so far)\n",
                             ms_since(options.started), ctl.state().library.recordings.size());
                library_shown = true;
            }
            if (timing && !library_complete && ctl.state().library.complete) {
                std::fprintf(stderr, "walkthrough: all %zu recordings loaded %.0f ms after start\n",
                             ctl.state().library.recordings.size(), ms_since(options.started));
                library_complete = true;
            }
        }
        // Nothing to do: sleep until input, the worker, or the engines need us (a minute at most, so
        // ages and due dates stay current).
        timeout_ms = pending_frames > 0 ? 0 : sync.wake_after_ms >= 0 ? sync.wake_after_ms : 60'000;
    }
    ctl.shutdown(30'000);
    return 0;
}

// ---- screenshots ----

namespace {

Result<void> capture(app::GlWindow& window, const fs::path& file) {
    int w = 0, h = 0;
    SDL_GL_GetDrawableSize(window.sdl(), &w, &h);
    // The last frame's draw data is still valid: draw it again into the back buffer and read that.
    glViewport(0, 0, w, h);
    glClearColor(0.09f, 0.09f, 0.11f, 1.0f);
    glClear(GL_COLOR_BUFFER_BIT);
    ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
    std::vector<std::uint8_t> rgba(static_cast<std::size_t>(w) * h * 4);
    glPixelStorei(GL_PACK_ALIGNMENT, 1);
    glReadPixels(0, 0, w, h, GL_RGBA, GL_UNSIGNED_BYTE, rgba.data());
    // GL rows go bottom-up.
    const std::size_t row = static_cast<std::size_t>(w) * 4;
    for (int y = 0; y < h / 2; ++y)
        std::swap_ranges(rgba.begin() + static_cast<std::ptrdiff_t>(y * row),
                         rgba.begin() + static_cast<std::ptrdiff_t>((y + 1) * row),
                         rgba.begin() + static_cast<std::ptrdiff_t>((h - 1 - y) * row));
    return av::write_png(file, rgba, w, h, static_cast<int>(row));
}

}  // namespace

namespace {

// The recording bar: a real recording of this screen, a few seconds long, then discarded (it never
// enters the library). Without a sound server it records without the microphone, and says so.
template <class Shot>
bool record_bar(Controller& ctl, Frontend& f, app::GlWindow& window, Shot& shot) {
    const AppState& s = ctl.state();
    RecordForm& form = ctl.drafts().record;
    form.title = "Deploying the billing service";
    form.countdown = 0;
    if (!s.record.mics_error.empty()) {
        std::fprintf(stderr, "walkthrough: no microphone for the recording bar (%s); it records without one\n",
                     s.record.mics_error.c_str());
        form.mic_choice = 2;
    }
    const int first_banner = s.next_banner_id;
    ctl.apply(intent::StartRecording{});
    ctl.settle(30'000);
    const auto waited = [&](int ms) {
        const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
        while (std::chrono::steady_clock::now() < until) {
            window.wait_events(20, [](const SDL_Event&) {});  // the bar's new size arrives meanwhile
            f.sync();
        }
    };
    bool ok = s.record.phase == RecordPhase::recording;
    if (ok) {
        waited(3000);  // some seconds, bytes and voice on the bar
        shot("recording-bar");
        ctl.apply(intent::DiscardRecording{});
        ctl.settle(30'000);
    } else {
        std::fprintf(stderr, "walkthrough: the recording bar cannot be shown: %s\n", s.record.error.c_str());
    }
    // The notices it raised ("discarded") are dismissed, as a person would.
    std::vector<int> raised;
    for (const Banner& b : s.banners)
        if (b.id >= first_banner) raised.push_back(b.id);
    for (int banner : raised) ctl.apply(intent::DismissBanner{banner});
    form.title.clear();
    waited(100);  // back to the whole window
    return ok;
}

}  // namespace

int run_screenshots(app::GlWindow& window, const RunOptions& options) {
    std::error_code ec;
    fs::create_directories(options.screenshots, ec);
    Controller ctl(controller_options(options, true));
    ctl.start();
    Frontend f(window, ctl);
    auto settle = [&] {
        ctl.settle(60'000);
        f.sync();
    };
    // Until `done` (the engines ticking), for at most `timeout_ms`.
    auto wait_for = [&](auto done, int timeout_ms) {
        const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
        while (!done() && std::chrono::steady_clock::now() < until) {
            window.wait_events(10, [](const SDL_Event&) {});
            f.sync();
        }
    };
    // A few frames with the worker's answers in between: layout settles, thumbnails arrive.
    auto render = [&] {
        for (int i = 0; i < 4; ++i) {
            window.wait_events(1, [&](const SDL_Event&) {});
            f.sync();
            if (f.draw() || i < 2) settle();
        }
    };
    int failures = 0;
    auto shot = [&](const char* name) {
        render();
        const fs::path file = options.screenshots / (std::string(name) + ".png");
        if (auto r = capture(window, file); !r) {
            std::fprintf(stderr, "walkthrough: %s\n", r.error().message.c_str());
            ++failures;
        } else {
            std::printf("%s\n", file.c_str());
        }
    };
    settle();
    const AppState& s = ctl.state();
    if (!s.opened) {
        std::fprintf(stderr, "walkthrough: %s\n", s.open_error.c_str());
        return 1;
    }
    // The recording to show in details and the player: the one with the most comments.
    std::string id;
    int most = -1;
    for (const auto& r : s.library.recordings)
        if (r.comment_count > most) most = r.comment_count, id = r.id;

    shot("library");
    if (!id.empty()) {
        ctl.apply(intent::OpenDetails{id});
        settle();
        shot("details");
        ctl.apply(intent::Play{id, std::nullopt, true});
        settle();
        std::optional<std::int64_t> at;
        for (const auto& c : s.player.comments)
            if (c.at_ms && (!at || *c.at_ms < *at)) at = c.at_ms;
        if (s.player.engine) {
            if (at) ctl.apply(intent::Play{id, at, true});  // open already: seeks, stays paused
            // Until the picture at that moment is on the surface.
            const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
            while (std::chrono::steady_clock::now() < until) {
                f.sync();
                const auto& snap = s.player.snapshot;
                if (snap.frames_shown > 0 && !snap.seeking && f.surface && f.surface->texture()) break;
                SDL_Delay(10);
            }
        }
        shot("player");
        // Search for a word of a comment: shows the matching comment and its moment.
        std::string word;
        for (const auto& c : s.player.comments) {
            for (std::size_t b = 0, e = 0; b < c.body.size() && word.empty(); b = e + 1) {
                e = c.body.find(' ', b);
                if (e == std::string::npos) e = c.body.size();
                if (e - b >= 4) word = c.body.substr(b, e - b);
            }
            if (!word.empty()) break;
        }
        if (!word.empty()) {
            ctl.apply(intent::Navigate{Screen::library});
            ctl.drafts().search = word;
            ctl.apply(intent::Search{word});
            settle();
            shot("search");
            ctl.drafts().search.clear();
            ctl.apply(intent::Search{""});
        }
        ctl.apply(intent::ClosePlayer{});
    }
    ctl.apply(intent::Navigate{Screen::record});
    settle();
    // The microphones as this machine's sound server lists them, the default one's level meter live.
    wait_for(
        [&] {
            const recorder::MicLevel& l = s.record.level;
            return l.state == recorder::MicLevel::State::failed ||
                   (l.state == recorder::MicLevel::State::live && l.readings > 2);
        },
        3000);
    shot("record");
    if (!record_bar(ctl, f, window, shot)) ++failures;
    for (auto [screen, name] : {std::pair{Screen::training, "training"}, std::pair{Screen::team, "team"},
                                std::pair{Screen::inbox, "inbox"}, std::pair{Screen::settings, "settings"}}) {
        ctl.apply(intent::Navigate{screen});
        settle();
        shot(name);
    }
    ctl.shutdown(10'000);
    return failures == 0 ? 0 : 1;
}

}  // namespace wt::ui
