// My training (my assignments by due date with status) and Team progress (modules x people).
#include <fmt/format.h>

#include "app/desktop/model/view_logic.hpp"
#include "app/desktop/views/views.hpp"

namespace wt::ui {

namespace {

ImU32 state_colour(catalog::AssignmentState s) {
    switch (s) {
    case catalog::AssignmentState::done: return colour::good;
    case catalog::AssignmentState::overdue: return colour::bad;
    case catalog::AssignmentState::in_progress: return colour::warn;
    case catalog::AssignmentState::not_started: break;
    }
    return IM_COL32(90, 90, 100, 255);
}

}  // namespace

void draw_training(ViewContext& ctx) {
    const TrainingData& t = ctx.s.training;
    const float em = ctx.em();
    int overdue = 0, open = 0;
    for (const auto& a : t.mine) {
        overdue += a.state == catalog::AssignmentState::overdue;
        open += a.state != catalog::AssignmentState::done;
    }
    heading("My training", t.loaded ? fmt::format("{} to do · {} overdue · {} done", open, overdue,
                                                  t.mine.size() - static_cast<std::size_t>(open))
                                    : std::string("loading…"));
    if (!t.loaded) return;
    if (t.mine.empty()) {
        ImGui::TextWrapped(
            "Nothing is assigned to you. When someone assigns you a training module, it shows here "
            "with its due date, and your progress counts what you really watched.");
        return;
    }
    if (!ImGui::BeginTable("mine", 5,
                           ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingStretchProp | ImGuiTableFlags_PadOuterX))
        return;
    ImGui::TableSetupColumn("Module", ImGuiTableColumnFlags_WidthStretch, 3);
    ImGui::TableSetupColumn("Due", ImGuiTableColumnFlags_WidthStretch, 1.3f);
    ImGui::TableSetupColumn("Status", ImGuiTableColumnFlags_WidthStretch, 1.5f);
    ImGui::TableSetupColumn("Watched", ImGuiTableColumnFlags_WidthFixed, em * 8);
    ImGui::TableSetupColumn("", ImGuiTableColumnFlags_WidthFixed, em * 6);
    ImGui::TableHeadersRow();
    for (const auto& a : t.mine) {
        ImGui::PushID(a.id.c_str());
        ImGui::TableNextRow(0, em * 1.8f);
        ImGui::TableNextColumn();
        if (ImGui::Selectable(a.recording_title.c_str(), false)) ctx.emit(intent::OpenDetails{a.recording_id});
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(a.due ? due_text(*a.due, ctx.now).c_str() : "no due date");
        ImGui::TableNextColumn();
        ImGui::TextColored(to_vec4(a.state == catalog::AssignmentState::not_started ? IM_COL32(200, 200, 205, 255)
                                                                                    : state_colour(a.state)),
                           "%s", assignment_status_text(a).c_str());
        ImGui::TableNextColumn();
        fraction_bar(static_cast<float>(a.coverage), state_colour(a.state), ImVec2(em * 7, em * 0.45f));
        ImGui::TableNextColumn();
        const char* label = a.state == catalog::AssignmentState::done ? "Replay"
                            : a.coverage > 0                          ? "Continue"
                                                                      : "Start";
        if (ImGui::SmallButton(label)) ctx.emit(intent::Play{a.recording_id, std::nullopt});
        ImGui::PopID();
    }
    ImGui::EndTable();
}

void draw_team(ViewContext& ctx) {
    const TrainingData& t = ctx.s.training;
    const float em = ctx.em();
    heading("Team progress", "who has really watched each module (coverage, not clicks)");
    if (!t.loaded) {
        ImGui::TextDisabled("Loading…");
        return;
    }
    const TrainingMatrix m = build_matrix(t.all);
    if (m.modules.empty()) {
        ImGui::TextWrapped(
            "No assignments yet. Open a training module's details and assign it to people with a due "
            "date; their progress shows here.");
        return;
    }
    // Legend.
    for (auto [label, tone] :
         {std::pair{"✓ done", colour::good}, std::pair{"n % in progress", colour::warn},
          std::pair{"– not started", IM_COL32(90, 90, 100, 255)}, std::pair{"! overdue", colour::bad}}) {
        badge(label, tone);
        ImGui::SameLine();
    }
    ImGui::NewLine();
    ImGui::Spacing();
    const int cols = static_cast<int>(m.people.size()) + 1;
    if (!ImGui::BeginTable("matrix", cols,
                           ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollX | ImGuiTableFlags_ScrollY |
                               ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_SizingFixedFit))
        return;
    ImGui::TableSetupScrollFreeze(1, 1);
    ImGui::TableSetupColumn("Module", ImGuiTableColumnFlags_WidthFixed, em * 16);
    for (const auto& p : m.people) ImGui::TableSetupColumn(p.c_str(), ImGuiTableColumnFlags_WidthFixed, em * 5.5f);
    ImGui::TableHeadersRow();
    for (std::size_t row = 0; row < m.modules.size(); ++row) {
        const auto& mod = m.modules[row];
        ImGui::PushID(static_cast<int>(row));
        ImGui::TableNextRow(0, em * 2.6f);
        ImGui::TableNextColumn();
        const ImVec2 at = ImGui::GetCursorScreenPos();  // the cell's content, inside its padding
        if (ImGui::Selectable("##module", false, 0, ImVec2(em * 15.5f, em * 2.4f)))
            ctx.emit(intent::OpenDetails{mod.id});
        ImDrawList* dl = ImGui::GetWindowDrawList();
        draw_text_fit(dl, ImVec2(at.x, at.y + em * 0.1f), em * 15.5f, IM_COL32(235, 235, 240, 255), mod.title);
        draw_text_fit(dl, ImVec2(at.x, at.y + em * 1.25f), em * 15.5f, mod.overdue ? colour::bad : colour::muted,
                      fmt::format("{}/{} done{}", mod.done, mod.assigned,
                                  mod.overdue ? fmt::format(" · {} overdue", mod.overdue) : std::string()));
        for (std::size_t col = 0; col < m.people.size(); ++col) {
            ImGui::TableNextColumn();
            const int i = m.cell[row][col];
            if (i < 0) {
                ImGui::TextDisabled(" ");
                continue;
            }
            const catalog::Assignment& a = t.all[static_cast<std::size_t>(i)];
            const ImVec2 c0 = ImGui::GetCursorScreenPos();
            const ImVec2 c1(c0.x + em * 5, c0.y + em * 2.2f);
            dl->AddRectFilled(c0, c1, state_colour(a.state), em * 0.3f);
            const std::string text = cell_text(a);
            const ImVec2 ts = ImGui::CalcTextSize(text.c_str());
            dl->AddText(ImVec2(c0.x + (em * 5 - ts.x) / 2, c0.y + (em * 2.2f - ts.y) / 2), IM_COL32_WHITE,
                        text.c_str());
            ImGui::Dummy(ImVec2(em * 5, em * 2.2f));
            if (ImGui::IsItemHovered())
                ImGui::SetTooltip("%s · %s\n%s%s", a.assignee.c_str(), a.recording_title.c_str(),
                                  assignment_status_text(a).c_str(),
                                  a.due ? (" · " + due_text(*a.due, ctx.now)).c_str() : "");
        }
        ImGui::PopID();
    }
    ImGui::EndTable();
}

}  // namespace wt::ui
