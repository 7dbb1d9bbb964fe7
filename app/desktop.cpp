// The desktop shell. For now one window listing the library; the full app is issue #5.
// Follows Dear ImGui's example_sdl_opengl3: the UI is drawn every frame from plain state.
#include "app/desktop.hpp"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <imgui.h>

#include "app/cli.hpp"
#include "app/gl_window.hpp"
#include "catalog/catalog.hpp"

namespace wt::app {

namespace {

constexpr const char* k_no_display_help =
    "walkthrough: the desktop app {}.\n"
    "For example:\n"
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

}  // namespace

int run_desktop() {
    auto window = GlWindow::open("walkthrough", 1100, 700);
    if (!window) {
        std::fputs(fmt::format(k_no_display_help, window.error().message).c_str(), stderr);
        return 1;
    }
    const LibraryState state = load_library();
    while ((*window)->wait_events(500, [](const SDL_Event&) {})) {
        (*window)->begin_frame();
        draw(state);
        (*window)->end_frame();
    }
    return 0;
}

}  // namespace wt::app
