// Small drawing helpers the views share.
#include <imgui_internal.h>

#include "app/desktop/model/view_logic.hpp"
#include "app/desktop/views/views.hpp"

namespace wt::ui {

ImVec4 to_vec4(ImU32 c) { return ImGui::ColorConvertU32ToFloat4(c); }

ImU32 kind_colour(catalog::Kind k) { return k == catalog::Kind::training ? colour::training : colour::walkthrough; }

float pill(ImDrawList* dl, ImVec2 at, std::string_view text, ImU32 bg, ImU32 fg) {
    const float em = ImGui::GetFontSize();
    const ImVec2 size = ImGui::CalcTextSize(text.data(), text.data() + text.size());
    const ImVec2 pad(em * 0.35f, em * 0.05f);
    dl->AddRectFilled(at, ImVec2(at.x + size.x + 2 * pad.x, at.y + size.y + 2 * pad.y), bg, em * 0.4f);
    dl->AddText(ImVec2(at.x + pad.x, at.y + pad.y), fg, text.data(), text.data() + text.size());
    return size.x + 2 * pad.x;
}

void badge(const char* text, ImU32 bg) {
    const float width = pill(ImGui::GetWindowDrawList(), ImGui::GetCursorScreenPos(), text, bg);
    ImGui::Dummy(ImVec2(width, ImGui::GetTextLineHeight() + ImGui::GetFontSize() * 0.1f));
}

void draw_text_fit(ImDrawList* dl, ImVec2 pos, float width, ImU32 col, const std::string& text) {
    const ImVec2 max(pos.x + width, pos.y + ImGui::GetFontSize() * 1.3f);
    ImGui::PushStyleColor(ImGuiCol_Text, col ? col : ImGui::GetColorU32(ImGuiCol_Text));
    ImGui::RenderTextEllipsis(dl, pos, max, max.x, max.x, text.data(), text.data() + text.size(), nullptr);
    ImGui::PopStyleColor();
}

void text_fit(const std::string& text, float width, ImU32 col) {
    const ImVec2 at = ImGui::GetCursorScreenPos();
    draw_text_fit(ImGui::GetWindowDrawList(), at, width, col, text);
    ImGui::Dummy(ImVec2(width, ImGui::GetTextLineHeight()));
}

void fraction_bar(float fraction, ImU32 fill, ImVec2 size) {
    const ImVec2 at = ImGui::GetCursorScreenPos();
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const float r = size.y * 0.5f;
    dl->AddRectFilled(at, ImVec2(at.x + size.x, at.y + size.y), IM_COL32(70, 70, 80, 255), r);
    const float f = fraction < 0 ? 0 : fraction > 1 ? 1 : fraction;
    if (f > 0) dl->AddRectFilled(at, ImVec2(at.x + std::max(size.x * f, size.y), at.y + size.y), fill, r);
    ImGui::Dummy(size);
}

void heading(const char* title, const std::string& sub) {
    // The shell loads a bold, larger face as the second font for headings.
    ImFontAtlas* fonts = ImGui::GetIO().Fonts;
    ImFont* big = fonts->Fonts.Size > 1 ? fonts->Fonts[1] : nullptr;
    if (big) ImGui::PushFont(big);
    ImGui::TextUnformatted(title);
    if (big) ImGui::PopFont();
    if (!sub.empty()) ImGui::TextDisabled("%s", sub.c_str());
    ImGui::Spacing();
}

void section(const char* title) {
    ImGui::Spacing();
    ImGui::Spacing();
    ImGui::TextColored(to_vec4(colour::accent), "%s", title);
    ImGui::Separator();
    ImGui::Spacing();
}

bool primary_button(const char* label, ImVec2 size) {
    ImGui::PushStyleColor(ImGuiCol_Button, IM_COL32(50, 110, 200, 255));
    ImGui::PushStyleColor(ImGuiCol_ButtonHovered, IM_COL32(70, 135, 225, 255));
    ImGui::PushStyleColor(ImGuiCol_ButtonActive, IM_COL32(40, 95, 180, 255));
    const bool pressed = ImGui::Button(label, size);
    ImGui::PopStyleColor(3);
    return pressed;
}

bool input_hint(const char* id, const char* hint, std::string& value, float width, ImGuiInputTextFlags flags) {
    if (width > 0) ImGui::SetNextItemWidth(width);
    return ImGui::InputTextWithHint(id, hint, &value, flags | ImGuiInputTextFlags_EnterReturnsTrue);
}

void connection_status(ViewContext& ctx, bool brief) {
    const ConnectionLine line = connection_line(ctx.s.connection, ctx.s.opened, ctx.now);
    const ImU32 tone = line.tone == ConnectionLine::Tone::online       ? colour::good
                       : line.tone == ConnectionLine::Tone::connecting ? colour::warn
                       : line.tone == ConnectionLine::Tone::offline    ? colour::bad
                                                                       : colour::muted;
    const float em = ctx.em();
    const ImVec2 at = ImGui::GetCursorScreenPos();
    ImGui::GetWindowDrawList()->AddCircleFilled(ImVec2(at.x + em * 0.35f, at.y + em * 0.55f), em * 0.28f, tone);
    ImGui::SetCursorScreenPos(ImVec2(at.x + em * 0.9f, at.y));
    ImGui::PushTextWrapPos(0);
    ImGui::TextUnformatted(brief ? line.brief.c_str() : line.text.c_str());
    ImGui::PopTextWrapPos();
    if (ImGui::IsItemHovered()) {
        const std::string& more = ctx.s.connection.problem.empty() || brief ? line.text : ctx.s.connection.problem;
        ImGui::SetTooltip("%s", more.c_str());
    }
}

}  // namespace wt::ui
