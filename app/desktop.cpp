// The desktop shell. For now one window listing the library; the full app is issue #5.
// Follows Dear ImGui's example_sdl_opengl3: the UI is drawn every frame from plain state.
#include "app/desktop.hpp"

#include <SDL.h>
#include <SDL_opengl.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <imgui.h>
#include <backends/imgui_impl_opengl3.h>
#include <backends/imgui_impl_sdl.h>

#include "app/cli.hpp"
#include "catalog/catalog.hpp"

namespace wt::app {

namespace {

constexpr const char* k_no_display_help =
    "walkthrough: cannot open the desktop app: {}.\n"
    "Run it inside an X11 session (or set DISPLAY to a running X server).\n"
    "Everything else works from the command line, for example:\n"
    "  walkthrough import demo.mp4 --title \"VPN setup\" --kind training\n"
    "  walkthrough list\n"
    "  walkthrough search vpn\n"
    "  walkthrough comment ID --at 2:13 \"Why this step?\"\n"
    "  walkthrough inbox\n"
    "  walkthrough doctor\n"
    "`walkthrough --help` lists every command.\n";

// What the window shows, loaded once before the first frame.
struct LibraryState {
    std::string root;
    std::string me;
    std::string error;
    std::vector<catalog::Recording> recordings;
};

LibraryState load_library() {
    LibraryState s;
    CliContext ctx;
    s.root = ctx.library_root().string();
    auto lib = ctx.open();
    if (!lib) {
        s.error = lib.error().message;
        return s;
    }
    s.me = (*lib)->me().name;
    catalog::ListFilter f;
    f.limit = 200;
    if (auto rows = (*lib)->list(f)) s.recordings = std::move(*rows);
    else s.error = rows.error().message;
    return s;
}

void draw(const LibraryState& s) {
    const ImGuiViewport* vp = ImGui::GetMainViewport();
    ImGui::SetNextWindowPos(vp->WorkPos);
    ImGui::SetNextWindowSize(vp->WorkSize);
    ImGui::Begin("Library", nullptr, ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove);
    ImGui::Text("walkthrough · library %s · you are %s", s.root.c_str(), s.me.c_str());
    if (!s.error.empty()) ImGui::TextColored(ImVec4(1, 0.4f, 0.4f, 1), "%s", s.error.c_str());
    ImGui::Separator();
    if (s.recordings.empty()) {
        ImGui::TextWrapped("No recordings yet. Import one with: walkthrough import FILE");
    } else if (ImGui::BeginTable("recordings", 5, ImGuiTableFlags_RowBg | ImGuiTableFlags_Borders)) {
        for (const char* h : {"Title", "Kind", "Length", "Author", "Comments"}) ImGui::TableSetupColumn(h);
        ImGui::TableHeadersRow();
        for (const auto& r : s.recordings) {
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(r.title.c_str());
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(catalog::to_string(r.kind));
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(format_moment(r.duration_ms).c_str());
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(r.author.c_str());
            ImGui::TableNextColumn();
            ImGui::Text("%d", r.comment_count);
        }
        ImGui::EndTable();
    }
    ImGui::Spacing();
    ImGui::TextDisabled("Recording, playback and the full library views arrive in the next versions.");
    ImGui::End();
}

// Debian's DejaVu Sans (fonts-dejavu-core) when present: ImGui's built-in font is ASCII only,
// and titles carry dashes, quotes and accents. Full Unicode coverage comes with the app issue.
void load_font() {
    constexpr const char* k_font = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
    std::error_code ec;
    if (!std::filesystem::exists(k_font, ec)) return;
    static const ImWchar k_ranges[] = {0x0020, 0x024F, 0x0370, 0x03FF, 0x0400, 0x04FF, 0x2000, 0x206F,
                                       0x20A0, 0x20CF, 0x2190, 0x21FF, 0};
    ImGui::GetIO().Fonts->AddFontFromFileTTF(k_font, 16.0f, nullptr, k_ranges);
}

}  // namespace

int run_desktop() {
    const char* display = std::getenv("DISPLAY");
    if (!display || !*display) {
        std::fputs(fmt::format(k_no_display_help, "DISPLAY is not set (no screen)").c_str(), stderr);
        return 1;
    }
    if (SDL_Init(SDL_INIT_VIDEO | SDL_INIT_TIMER) != 0) {
        std::fputs(fmt::format(k_no_display_help, fmt::format("DISPLAY={} cannot be used ({})", display,
                                                              SDL_GetError())).c_str(),
                   stderr);
        return 1;
    }
    SDL_GL_SetAttribute(SDL_GL_CONTEXT_FLAGS, 0);
    SDL_GL_SetAttribute(SDL_GL_CONTEXT_PROFILE_MASK, SDL_GL_CONTEXT_PROFILE_CORE);
    SDL_GL_SetAttribute(SDL_GL_CONTEXT_MAJOR_VERSION, 3);
    SDL_GL_SetAttribute(SDL_GL_CONTEXT_MINOR_VERSION, 3);
    SDL_GL_SetAttribute(SDL_GL_DOUBLEBUFFER, 1);
    SDL_Window* window = SDL_CreateWindow("walkthrough", SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED, 1100, 700,
                                          SDL_WINDOW_OPENGL | SDL_WINDOW_RESIZABLE | SDL_WINDOW_ALLOW_HIGHDPI);
    SDL_GLContext gl = window ? SDL_GL_CreateContext(window) : nullptr;
    if (!gl) {
        std::fprintf(stderr, "walkthrough: cannot create an OpenGL 3.3 window on DISPLAY=%s (%s)\n", display,
                     SDL_GetError());
        if (window) SDL_DestroyWindow(window);
        SDL_Quit();
        return 1;
    }
    SDL_GL_MakeCurrent(window, gl);
    SDL_GL_SetSwapInterval(1);

    IMGUI_CHECKVERSION();
    ImGui::CreateContext();
    ImGui::GetIO().IniFilename = nullptr;  // layout is fixed for now; no stray imgui.ini in the cwd
    ImGui::StyleColorsDark();
    load_font();
    ImGui_ImplSDL2_InitForOpenGL(window, gl);
    ImGui_ImplOpenGL3_Init("#version 330");

    const LibraryState state = load_library();
    bool running = true;
    while (running) {
        // Idle costs nothing: sleep until the next event.
        SDL_Event event;
        if (SDL_WaitEventTimeout(&event, 500)) {
            do {
                ImGui_ImplSDL2_ProcessEvent(&event);
                if (event.type == SDL_QUIT) running = false;
                if (event.type == SDL_WINDOWEVENT && event.window.event == SDL_WINDOWEVENT_CLOSE) running = false;
            } while (SDL_PollEvent(&event));
        }
        ImGui_ImplOpenGL3_NewFrame();
        ImGui_ImplSDL2_NewFrame();
        ImGui::NewFrame();
        draw(state);
        ImGui::Render();
        int w = 0, h = 0;
        SDL_GL_GetDrawableSize(window, &w, &h);
        glViewport(0, 0, w, h);
        glClearColor(0.1f, 0.1f, 0.12f, 1.0f);
        glClear(GL_COLOR_BUFFER_BIT);
        ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
        SDL_GL_SwapWindow(window);
    }

    ImGui_ImplOpenGL3_Shutdown();
    ImGui_ImplSDL2_Shutdown();
    ImGui::DestroyContext();
    SDL_GL_DeleteContext(gl);
    SDL_DestroyWindow(window);
    SDL_Quit();
    return 0;
}

}  // namespace wt::app
