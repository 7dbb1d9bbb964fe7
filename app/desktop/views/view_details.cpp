// Details of one recording: edit title/description/kind/tags, its chapters (a click plays from
// there), assign with a due date, who watched how much, export, delete with confirmation.
#include <algorithm>
#include <utility>

#include <fmt/format.h>

#include "app/desktop/model/view_logic.hpp"
#include "app/desktop/views/views.hpp"
#include "common/text.hpp"

namespace wt::ui {

namespace {

void fact(const char* label, const std::string& value) {
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ImGui::TextDisabled("%s", label);
    ImGui::TableNextColumn();
    ImGui::TextWrapped("%s", value.c_str());
}

void draw_facts(ViewContext& ctx, const catalog::Recording& r) {
    const float em = ctx.em();
    const float w = ImGui::GetContentRegionAvail().x;
    const TextureRef tex = ctx.thumbnail ? ctx.thumbnail(r) : TextureRef{};
    const float h = tex.id && tex.width > 0 ? w * float(tex.height) / float(tex.width) : w * 9 / 16;
    const ImVec2 at = ImGui::GetCursorScreenPos();
    if (tex.id) {
        ImGui::GetWindowDrawList()->AddImageRounded(tex.id, at, ImVec2(at.x + w, at.y + h), ImVec2(0, 0), ImVec2(1, 1),
                                                    IM_COL32_WHITE, em * 0.4f);
    } else {
        ImGui::GetWindowDrawList()->AddRectFilled(at, ImVec2(at.x + w, at.y + h), IM_COL32(25, 26, 31, 255), em * 0.4f);
    }
    if (ImGui::InvisibleButton("thumb", ImVec2(w, h))) ctx.emit(intent::Play{r.id, std::nullopt});
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("Play");
    ImGui::Spacing();
    if (ImGui::BeginTable("facts", 2, ImGuiTableFlags_SizingFixedFit)) {
        ImGui::TableSetupColumn("k", ImGuiTableColumnFlags_WidthFixed, em * 5.5f);
        ImGui::TableSetupColumn("v", ImGuiTableColumnFlags_WidthStretch);
        fact("Length", format_moment(r.duration_ms));
        fact("Recorded", format_local_time(r.created_at) + " by " + r.author);
        fact("Picture", r.width > 0 ? fmt::format("{}×{} · {}{}", r.width, r.height, r.video_codec,
                                                  r.audio_codec.empty() ? " · no sound" : " + " + r.audio_codec)
                                    : std::string("—"));
        fact("Size", human_size(r.size_bytes));
        fact("Comments", r.comment_count ? fmt::format("{} ({} open)", r.comment_count, r.open_comment_count) : "none");
        if (r.status != catalog::Status::ready || !r.note.empty())
            fact("Status", std::string(catalog::to_string(r.status)) + (r.note.empty() ? "" : ": " + r.note));
        fact("Id", r.id);
        ImGui::EndTable();
    }
}

bool dirty(const Drafts& d, const catalog::Recording& r) {
    const auto e = edit_between(r, d.title, d.description,
                                d.kind == 1 ? catalog::Kind::training : catalog::Kind::walkthrough, d.tags);
    return e.title || e.description || e.kind || !e.add_tags.empty() || !e.remove_tags.empty();
}

void draw_edit(ViewContext& ctx, const catalog::Recording& r) {
    Drafts& d = ctx.d;
    const float em = ctx.em();
    ImGui::TextDisabled("Title");
    ImGui::SetNextItemWidth(-1);
    if (std::exchange(d.focus_title, false)) ImGui::SetKeyboardFocusHere();
    ImGui::InputText("##title", &d.title);
    ImGui::TextDisabled("Description");
    ImGui::InputTextMultiline("##description", &d.description, ImVec2(-1, ImGui::GetTextLineHeight() * 5));
    ImGui::TextDisabled("Kind");
    ImGui::RadioButton("Walkthrough (explains a process)", &d.kind, 0);
    ImGui::RadioButton("Training module (assigned to people)", &d.kind, 1);
    ImGui::TextDisabled("Tags, separated by commas");
    ImGui::SetNextItemWidth(-1);
    ImGui::InputTextWithHint("##tags", "e.g. onboarding, vpn", &d.tags);
    ImGui::Spacing();
    const bool changed = dirty(d, r);
    ImGui::BeginDisabled(!changed);
    if (primary_button("Save changes", ImVec2(em * 8, 0))) ctx.emit(intent::SaveDetails{r.id});
    ImGui::SameLine();
    if (ImGui::Button("Undo changes", ImVec2(em * 8, 0))) {
        d.title = r.title;
        d.description = r.description;
        d.kind = r.kind == catalog::Kind::training ? 1 : 0;
        d.tags = join_tags(r.tags);
    }
    ImGui::EndDisabled();
    if (changed) {
        ImGui::SameLine();
        ImGui::TextDisabled("unsaved");
    }
}

void draw_assign(ViewContext& ctx, const catalog::Recording& r) {
    const AppState& s = ctx.s;
    Drafts& d = ctx.d;
    const float em = ctx.em();
    heading("Assigned to");
    ImGui::SetNextItemWidth(em * 10);
    if (ImGui::BeginCombo("##who", d.assign_to.empty() ? "Choose a person" : d.assign_to.c_str())) {
        for (const auto& p : s.people)
            if (ImGui::Selectable(p.name.c_str(), p.name == d.assign_to)) d.assign_to = p.name;
        ImGui::EndCombo();
    }
    ImGui::SameLine();
    input_hint("##due", "due YYYY-MM-DD (optional)", d.assign_due, em * 13);
    ImGui::SameLine();
    ImGui::BeginDisabled(d.assign_to.empty());
    if (ImGui::Button("Assign")) ctx.emit(intent::Assign{r.id, d.assign_to, d.assign_due});
    ImGui::EndDisabled();
    if (ctx.s.details.assignments.empty()) {
        ImGui::TextDisabled("Nobody yet. Assigned people see it under My training, with the due date.");
        return;
    }
    if (ImGui::BeginTable("assignments", 4, ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingStretchProp)) {
        ImGui::TableSetupColumn("Person");
        ImGui::TableSetupColumn("Due");
        ImGui::TableSetupColumn("Status");
        ImGui::TableSetupColumn("Watched", ImGuiTableColumnFlags_WidthFixed, em * 8);
        ImGui::TableHeadersRow();
        for (const auto& a : ctx.s.details.assignments) {
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(a.assignee.c_str());
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(a.due ? due_text(*a.due, ctx.now).c_str() : "no date");
            ImGui::TableNextColumn();
            const ImU32 tone = a.state == catalog::AssignmentState::overdue ? colour::bad
                               : a.state == catalog::AssignmentState::done  ? colour::good
                                                                            : IM_COL32(220, 220, 225, 255);
            ImGui::TextColored(to_vec4(tone), "%s", assignment_status_text(a).c_str());
            ImGui::TableNextColumn();
            fraction_bar(static_cast<float>(a.coverage), colour::good, ImVec2(em * 7, em * 0.45f));
        }
        ImGui::EndTable();
    }
}

void draw_chapters(ViewContext& ctx, const catalog::Recording& r) {
    heading("Chapters");
    if (ctx.s.details.chapters.empty()) {
        ImGui::TextDisabled("None yet. Add them in the player, at the moment each part starts.");
        return;
    }
    for (std::size_t i = 0; i < ctx.s.details.chapters.size(); ++i) {
        const catalog::Chapter& c = ctx.s.details.chapters[i];
        ImGui::PushID(static_cast<int>(i));
        if (ImGui::SmallButton(format_moment(c.at_ms).c_str())) ctx.emit(intent::Play{r.id, c.at_ms});
        if (ImGui::IsItemHovered()) ImGui::SetTooltip("Play from here");
        ImGui::SameLine();
        text_fit(c.title, ImGui::GetContentRegionAvail().x);
        ImGui::PopID();
    }
}

void draw_watchers(ViewContext& ctx) {
    const float em = ctx.em();
    heading("Who watched");
    if (ctx.s.details.views.empty()) {
        ImGui::TextDisabled("Nobody has played it yet.");
        return;
    }
    if (ImGui::BeginTable("views", 4, ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingStretchProp)) {
        ImGui::TableSetupColumn("Person");
        ImGui::TableSetupColumn("Coverage", ImGuiTableColumnFlags_WidthFixed, em * 8);
        ImGui::TableSetupColumn("");
        ImGui::TableSetupColumn("Left off at");
        ImGui::TableHeadersRow();
        for (const auto& v : ctx.s.details.views) {
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(v.person.c_str());
            ImGui::TableNextColumn();
            fraction_bar(static_cast<float>(v.coverage), v.watched_at ? colour::good : colour::accent,
                         ImVec2(em * 7, em * 0.45f));
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(coverage_text(v).c_str());
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(format_moment(v.last_position_ms).c_str());
        }
        ImGui::EndTable();
    }
}

// A recording of this computer's library to a team server this computer is connected to: with its
// title, kind, tags, description and chapters, through the outbox (Record shows how far it got).
void publish_to_team(ViewContext& ctx, const catalog::Recording& r) {
    const AppState& s = ctx.s;
    if (!s.connection.team.empty()) return;  // a team library's recording is there already
    const bool any = std::any_of(s.libraries.begin(), s.libraries.end(), [](const LibraryChoice& c) { return c.team; });
    if (!any) return;
    if (ImGui::Button("Publish to team…")) ImGui::OpenPopup("publish");
    ImGui::SameLine();
    ImGui::TextDisabled("a copy goes to a team library, with its chapters; this one stays");
    if (!ImGui::BeginPopup("publish")) return;
    ImGui::TextDisabled("Send '%s' to", r.title.c_str());
    for (const auto& c : s.libraries) {
        if (!c.team) continue;
        ImGui::PushID(c.location.c_str());
        if (ImGui::Selectable(fmt::format("{}  ({})", library_label(c), c.url).c_str()))
            ctx.emit(intent::PublishToTeam{r.id, c.location});
        ImGui::PopID();
    }
    ImGui::EndPopup();
}

void draw_export_delete(ViewContext& ctx, const catalog::Recording& r) {
    Drafts& d = ctx.d;
    const float em = ctx.em();
    heading("Export and delete");
    input_hint("##exportdir", "folder to export to", d.export_dir, em * 20);
    ImGui::SameLine();
    if (ImGui::Button("Export")) ctx.emit(intent::Export{r.id, d.export_dir});
    ImGui::SameLine();
    ImGui::TextDisabled("the video and a .json with its comments and views; nothing is overwritten");
    if (!ctx.s.details.exported_to.empty())
        ImGui::TextDisabled("Last exported to %s", ctx.s.details.exported_to.c_str());
    publish_to_team(ctx, r);
    ImGui::Spacing();
    if (!d.confirm_delete) {
        ImGui::PushStyleColor(ImGuiCol_Button, IM_COL32(120, 45, 45, 255));
        if (ImGui::Button("Delete…")) d.confirm_delete = true;
        ImGui::PopStyleColor();
        return;
    }
    ImGui::TextColored(to_vec4(colour::bad), "Delete '%s' for everyone?", r.title.c_str());
    ImGui::TextWrapped(
        "The video, its thumbnail, %d comment(s), everyone's watch progress and its assignments go. "
        "This cannot be undone; export it first to keep a copy.",
        r.comment_count);
    ImGui::PushStyleColor(ImGuiCol_Button, IM_COL32(170, 50, 50, 255));
    if (ImGui::Button("Delete it", ImVec2(em * 7, 0))) ctx.emit(intent::Delete{r.id});
    ImGui::PopStyleColor();
    ImGui::SameLine();
    if (ImGui::Button("Keep it", ImVec2(em * 7, 0))) d.confirm_delete = false;
}

}  // namespace

void draw_details(ViewContext& ctx) {
    const DetailsData& dd = ctx.s.details;
    const float em = ctx.em();
    if (ImGui::Button("← Library")) ctx.emit(intent::Navigate{Screen::library});
    if (!dd.recording) {
        ImGui::TextDisabled("%s", dd.loading ? "Loading…" : "This recording is not in the library any more.");
        return;
    }
    const catalog::Recording& r = *dd.recording;
    ImGui::SameLine();
    if (primary_button("▶  Play")) ctx.emit(intent::Play{r.id, std::nullopt});
    ImGui::Spacing();
    heading(r.title.c_str(), card_meta(r, ctx.now));

    ImGui::BeginChild("details-body");
    if (ImGui::BeginTable("columns", 2, ImGuiTableFlags_SizingStretchProp)) {
        ImGui::TableSetupColumn("left", ImGuiTableColumnFlags_WidthStretch, 0.42f);
        ImGui::TableSetupColumn("right", ImGuiTableColumnFlags_WidthStretch, 0.58f);
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        draw_facts(ctx, r);
        ImGui::TableNextColumn();
        ImGui::Indent(em * 0.6f);
        draw_edit(ctx, r);
        ImGui::Unindent(em * 0.6f);
        ImGui::EndTable();
    }
    ImGui::Spacing();
    ImGui::Separator();
    ImGui::Spacing();
    draw_chapters(ctx, r);
    ImGui::Spacing();
    draw_assign(ctx, r);
    ImGui::Spacing();
    draw_watchers(ctx);
    ImGui::Spacing();
    draw_export_delete(ctx, r);
    ImGui::EndChild();
}

}  // namespace wt::ui
