// Inbox: comments waiting for my reply, overdue first, with their age against the response window;
// a click opens the player at that moment.
#include <fmt/format.h>

#include "app/desktop/model/view_logic.hpp"
#include "app/desktop/views/views.hpp"

namespace wt::ui {

void draw_inbox(ViewContext& ctx) {
    const InboxData& in = ctx.s.inbox;
    const float em = ctx.em();
    heading("Inbox", fmt::format("{} waiting for your reply · answer within {} h (Settings)", in.inbox.total,
                                 ctx.s.response_window_hours));
    if (!in.loaded) {
        ImGui::TextDisabled("Loading…");
        return;
    }
    if (in.inbox.items.empty()) {
        ImGui::TextWrapped(
            "Nothing waits for you. Questions on your recordings and replies to your comments show "
            "up here until you answer them in their thread.");
        return;
    }
    ImGui::BeginChild("inbox-list");
    const float w = ImGui::GetContentRegionAvail().x;
    const float line = ImGui::GetTextLineHeightWithSpacing();
    for (const catalog::InboxItem& item : in.inbox.items) {
        const catalog::Comment& c = item.comment;
        ImGui::PushID(c.id.c_str());
        const ImVec2 at = ImGui::GetCursorScreenPos();
        if (ImGui::Selectable("##item", false, 0, ImVec2(w, line * 3 + em * 0.3f)))
            ctx.emit(intent::Play{c.recording_id, c.at_ms});
        if (ImGui::IsItemHovered()) ImGui::SetTooltip("Open the player at this moment to answer");
        ImDrawList* dl = ImGui::GetWindowDrawList();
        float x = at.x + em * 0.4f;
        const float y = at.y + em * 0.15f;
        dl->AddRectFilled(ImVec2(at.x, at.y), ImVec2(at.x + em * 0.2f, at.y + line * 3),
                          item.overdue ? colour::bad : colour::accent);
        const std::string head = fmt::format("{} · '{}'{} · {}", c.author, item.recording_title,
                                             c.at_ms ? " at " + format_moment(*c.at_ms) : std::string(), item.reason);
        draw_text_fit(dl, ImVec2(x, y), w - em, IM_COL32(235, 235, 240, 255), head);
        draw_text_fit(dl, ImVec2(x, y + line), w - em, IM_COL32(200, 200, 210, 255), "“" + c.body + "”");
        draw_text_fit(dl, ImVec2(x, y + 2 * line), w - em, item.overdue ? colour::bad : colour::muted,
                      (item.overdue ? "overdue · " : "") + inbox_age_text(item.age_ms, in.inbox.response_window_hours));
        ImGui::Spacing();
        ImGui::PopID();
    }
    if (in.inbox.total > static_cast<std::int64_t>(in.inbox.items.size()))
        ImGui::TextDisabled("… and %lld more; the oldest are shown first.",
                            static_cast<long long>(in.inbox.total - static_cast<std::int64_t>(in.inbox.items.size())));
    ImGui::EndChild();
}

}  // namespace wt::ui
