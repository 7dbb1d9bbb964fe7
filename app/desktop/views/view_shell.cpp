// The frame around the screens: navigation on the left with the acting person, error and notice
// banners with what to do, the progress of long work, then the current screen.
#include <fmt/format.h>

#include "app/desktop/model/view_logic.hpp"
#include "app/desktop/views/views.hpp"

namespace wt::ui {

namespace {

void nav_item(ViewContext& ctx, const char* label, Screen screen, int count = 0, ImU32 count_colour = colour::accent) {
    const bool selected = ctx.s.screen == screen || (screen == Screen::library && ctx.s.screen == Screen::details);
    const float em = ctx.em();
    const ImVec2 at = ImGui::GetCursorScreenPos();
    if (ImGui::Selectable(fmt::format("##nav-{}", label).c_str(), selected, 0, ImVec2(0, em * 1.6f)) && !selected)
        ctx.emit(intent::Navigate{screen});
    ImDrawList* dl = ImGui::GetWindowDrawList();
    dl->AddText(ImVec2(at.x + em * 0.5f, at.y + em * 0.3f), ImGui::GetColorU32(ImGuiCol_Text), label);
    if (count > 0) {
        const std::string n = std::to_string(count);
        const ImVec2 size = ImGui::CalcTextSize(n.c_str());
        const float right = at.x + ImGui::GetContentRegionAvail().x;
        const ImVec2 a(right - size.x - em * 0.9f, at.y + em * 0.25f);
        dl->AddRectFilled(a, ImVec2(right - em * 0.3f, a.y + size.y + em * 0.1f), count_colour, em * 0.5f);
        dl->AddText(ImVec2(a.x + em * 0.3f, a.y + em * 0.05f), IM_COL32(255, 255, 255, 255), n.c_str());
    }
}

void draw_sidebar(ViewContext& ctx) {
    const AppState& s = ctx.s;
    const float em = ctx.em();
    heading("walkthrough");
    ImGui::Spacing();
    nav_item(ctx, "Library", Screen::library);
    nav_item(ctx, "Record", Screen::record);
    if (!s.player.id.empty()) nav_item(ctx, "Player", Screen::player);
    int open = 0, overdue = 0;
    for (const auto& [id, a] : s.library.my_assignments) {
        if (a.state != catalog::AssignmentState::done) ++open;
        if (a.state == catalog::AssignmentState::overdue) ++overdue;
    }
    nav_item(ctx, "My training", Screen::training, open, overdue ? colour::bad : colour::accent);
    nav_item(ctx, "Team progress", Screen::team);
    int late = 0;
    for (const auto& i : s.inbox.inbox.items) late += i.overdue;
    nav_item(ctx, "Inbox", Screen::inbox, static_cast<int>(s.inbox.inbox.total), late ? colour::bad : colour::accent);
    nav_item(ctx, "Settings", Screen::settings);

    // The library the app is on (switch here), its server's state, and the acting person, at the bottom.
    const bool team = !s.connection.team.empty();
    const float bottom = ImGui::GetWindowHeight() - em * (team ? 9.6f : 8.6f);
    if (ImGui::GetCursorPosY() < bottom) ImGui::SetCursorPosY(bottom);
    ImGui::Separator();
    ImGui::TextDisabled("Library");
    std::string current = team ? "Team: " + s.connection.team : std::string("This computer");
    ImGui::SetNextItemWidth(-1);
    if (ImGui::BeginCombo("##library", current.c_str())) {
        for (const auto& c : s.libraries) {
            ImGui::PushID(c.location.c_str());
            const bool here = is_current_library(s, c);
            if (ImGui::Selectable(library_label(c).c_str(), here) && !here) ctx.emit(intent::ChangeLibrary{c.location});
            if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", library_detail(c).c_str());
            ImGui::PopID();
        }
        ImGui::Separator();
        ImGui::TextDisabled("Manage in Settings → Libraries");
        ImGui::EndCombo();
    }
    if (team) connection_status(ctx, true);
    ImGui::Spacing();
    ImGui::TextDisabled("You are");
    if (team) {
        // On a team server you act as whoever signed in: the credential decides, not a choice here.
        ImGui::AlignTextToFramePadding();
        ImGui::TextUnformatted(s.me.empty() ? "…" : s.me.c_str());
        return;
    }
    ImGui::SetNextItemWidth(-1);
    if (ImGui::BeginCombo("##me", s.me.empty() ? "…" : s.me.c_str())) {
        for (const auto& p : s.people) {
            if (ImGui::Selectable(p.name.c_str(), p.name == s.me) && p.name != s.me)
                ctx.emit(intent::SwitchPerson{p.name});
        }
        ImGui::Separator();
        ImGui::TextDisabled("Add people in Settings");
        ImGui::EndCombo();
    }
}

void draw_banners(ViewContext& ctx) {
    const float em = ctx.em();
    for (const Banner& b : ctx.s.banners) {
        const ImU32 tone = b.level == Level::error     ? colour::bad
                           : b.level == Level::warning ? colour::warn
                                                       : colour::accent;
        ImGui::PushID(b.id);
        ImDrawList* dl = ImGui::GetWindowDrawList();
        dl->ChannelsSplit(2);
        dl->ChannelsSetCurrent(1);
        const ImVec2 start = ImGui::GetCursorScreenPos();
        const float width = ImGui::GetContentRegionAvail().x;
        const float dismiss_w = em * 5;
        ImGui::SetCursorScreenPos(ImVec2(start.x + em * 0.8f, start.y + em * 0.4f));
        ImGui::BeginGroup();
        ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + width - dismiss_w - em * 2);
        ImGui::TextUnformatted(b.text.c_str());
        if (!b.hint.empty()) {
            ImGui::PushStyleColor(ImGuiCol_Text, IM_COL32(200, 200, 210, 255));
            ImGui::TextUnformatted(b.hint.c_str());
            ImGui::PopStyleColor();
        }
        ImGui::PopTextWrapPos();
        ImGui::EndGroup();
        const float end_y = ImGui::GetItemRectMax().y + em * 0.4f;
        ImGui::SetCursorScreenPos(ImVec2(start.x + width - dismiss_w, start.y + em * 0.25f));
        if (ImGui::SmallButton(b.level == Level::error ? "Dismiss" : "OK")) ctx.emit(intent::DismissBanner{b.id});
        dl->ChannelsSetCurrent(0);
        ImVec4 bg = to_vec4(tone);
        bg.w = 0.22f;
        dl->AddRectFilled(start, ImVec2(start.x + width, end_y), ImGui::ColorConvertFloat4ToU32(bg), em * 0.3f);
        dl->AddRectFilled(start, ImVec2(start.x + em * 0.25f, end_y), tone, em * 0.3f);
        dl->ChannelsMerge();
        ImGui::SetCursorScreenPos(ImVec2(start.x, end_y + em * 0.3f));
        ImGui::PopID();
    }
    if (ctx.s.busy) {
        const Busy& busy = *ctx.s.busy;
        ImGui::TextUnformatted(busy.what.c_str());
        if (busy.fraction >= 0) {
            ImGui::SameLine();
            ImGui::ProgressBar(static_cast<float>(busy.fraction), ImVec2(em * 12, 0));
        }
        ImGui::Spacing();
    }
}

}  // namespace

void draw_app(ViewContext& ctx) {
    const ImGuiViewport* vp = ImGui::GetMainViewport();
    ImGui::SetNextWindowPos(vp->WorkPos);
    ImGui::SetNextWindowSize(vp->WorkSize);
    ImGui::PushStyleVar(ImGuiStyleVar_WindowRounding, 0);
    ImGui::PushStyleVar(ImGuiStyleVar_WindowBorderSize, 0);
    const ImGuiWindowFlags root = ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                                  ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoBringToFrontOnFocus;
    if (shows_recording_bar(ctx.s.record.phase)) {
        ImGui::Begin("recording", nullptr, root);
        draw_recording_bar(ctx);
        ImGui::End();
        ImGui::PopStyleVar(2);
        return;
    }
    ImGui::Begin("walkthrough", nullptr, root);
    const float em = ctx.em();
    ImGui::PushStyleColor(ImGuiCol_ChildBg, IM_COL32(28, 28, 34, 255));
    ImGui::BeginChild("sidebar", ImVec2(em * 12.5f, 0), false, ImGuiWindowFlags_NoScrollbar);
    draw_sidebar(ctx);
    ImGui::EndChild();
    ImGui::PopStyleColor();
    ImGui::SameLine();
    ImGui::BeginChild("content", ImVec2(0, 0), false,
                      ctx.s.screen == Screen::player ? ImGuiWindowFlags_NoScrollbar : 0);
    draw_banners(ctx);
    const bool needs_library =
        ctx.s.screen != Screen::settings && !(ctx.s.screen == Screen::record && can_record(ctx.s));
    if (!ctx.s.opened && needs_library) {
        heading(ctx.s.open_error.empty() ? "Opening the library…" : "No library is open");
        if (!ctx.s.open_error.empty()) {
            ImGui::TextWrapped("%s", ctx.s.open_error.c_str());
            if (ImGui::Button("Choose another folder in Settings")) ctx.emit(intent::Navigate{Screen::settings});
        }
    } else {
        switch (ctx.s.screen) {
        case Screen::library: draw_library(ctx); break;
        case Screen::details: draw_details(ctx); break;
        case Screen::record: draw_record(ctx); break;
        case Screen::player: draw_player(ctx); break;
        case Screen::training: draw_training(ctx); break;
        case Screen::team: draw_team(ctx); break;
        case Screen::inbox: draw_inbox(ctx); break;
        case Screen::settings: draw_settings(ctx); break;
        }
    }
    ImGui::EndChild();
    ImGui::End();
    ImGui::PopStyleVar(2);
}

}  // namespace wt::ui
