// Settings: the libraries (this computer's folder, the team servers) and the state of the one open,
// the response window, recording defaults (quality, microphone), the people of the library.
#include <fmt/format.h>

#include "app/desktop/model/view_logic.hpp"
#include "app/desktop/views/views.hpp"

namespace wt::ui {

namespace {
constexpr const char* k_quality_help[] = {"Compact: the smallest files", "Balanced: sharper text",
                                          "High: fine detail, the largest files"};

// Which library the app is on and its server's state, then each library to switch to: this
// computer's folder and every team server this computer is connected to.
void draw_libraries(ViewContext& ctx) {
    const AppState& s = ctx.s;
    const float em = ctx.em();
    connection_status(ctx);
    if (ImGui::BeginTable("libraries", 3, ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingStretchProp)) {
        ImGui::TableSetupColumn("Library", ImGuiTableColumnFlags_WidthFixed, em * 11);
        ImGui::TableSetupColumn("Where");
        ImGui::TableSetupColumn("", ImGuiTableColumnFlags_WidthFixed, em * 6);
        for (const auto& c : s.libraries) {
            ImGui::PushID(c.location.c_str());
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            ImGui::AlignTextToFramePadding();
            ImGui::TextUnformatted(library_label(c).c_str());
            ImGui::TableNextColumn();
            ImGui::AlignTextToFramePadding();
            ImGui::TextDisabled("%s", library_detail(c).c_str());
            ImGui::TableNextColumn();
            if (is_current_library(s, c)) {
                ImGui::AlignTextToFramePadding();
                ImGui::TextColored(to_vec4(colour::good), "open");
            } else if (ImGui::Button("Open")) {
                ctx.emit(intent::ChangeLibrary{c.location});
            }
            ImGui::PopID();
        }
        ImGui::EndTable();
    }
}

}  // namespace

void draw_settings(ViewContext& ctx) {
    const AppState& s = ctx.s;
    Drafts& d = ctx.d;
    const float em = ctx.em();
    heading("Settings");
    ImGui::BeginChild("settings-body");
    const float label_w = em * 11;
    auto label = [&](const char* text) {
        ImGui::AlignTextToFramePadding();
        ImGui::TextDisabled("%s", text);
        ImGui::SameLine(label_w);
    };

    section("Libraries");
    draw_libraries(ctx);
    label("Another folder");
    input_hint("##library", "/path/to/library", d.library, em * 24);
    ImGui::SameLine();
    if (ImGui::Button("Open this folder")) ctx.emit(intent::ChangeLibrary{d.library});
    ImGui::SetCursorPosX(label_w);
    ImGui::TextDisabled("a new folder becomes an empty library; connect to a team server with");
    ImGui::SetCursorPosX(label_w);
    ImGui::TextDisabled("`walkthrough connect URL CODE --name team` (the code from an invite link)");

    section("Comments");
    label("Response window");
    ImGui::SetNextItemWidth(em * 8);
    ImGui::InputInt("##window", &d.response_window_hours, 1, 24);
    ImGui::SameLine();
    ImGui::TextUnformatted("hours");
    ImGui::SameLine();
    ImGui::BeginDisabled(d.response_window_hours == s.response_window_hours);
    if (ImGui::Button("Apply##window")) ctx.emit(intent::SetResponseWindow{d.response_window_hours});
    ImGui::EndDisabled();
    ImGui::SetCursorPosX(label_w);
    ImGui::TextDisabled("how long a question may wait for an answer before it shows as overdue (for everyone)");

    section("Recording defaults");
    AppSettings next = s.settings;
    label("Quality");
    ImGui::SetNextItemWidth(em * 24);
    if (ImGui::BeginCombo("##quality", k_quality_help[d.quality])) {
        for (int i = 0; i < 3; ++i)
            if (ImGui::Selectable(k_quality_help[i], d.quality == i)) d.quality = i;
        ImGui::EndCombo();
    }
    label("Microphone");
    // The server's default (empty) or one source by name; a saved name that is not listed stays offered.
    const auto mics = mic_options(s.record.microphones, s.record.mics_listed, d.mic, false);
    const auto mic = static_cast<std::size_t>(selected_mic_option(mics, d.mic.empty() ? 0 : 1, d.mic));
    ImGui::SetNextItemWidth(em * 24);
    if (ImGui::BeginCombo("##mic", mics[mic].label.c_str())) {
        for (std::size_t i = 0; i < mics.size(); ++i) {
            ImGui::PushID(static_cast<int>(i));
            if (ImGui::Selectable(mics[i].label.c_str(), i == mic)) d.mic = mics[i].name;
            ImGui::PopID();
        }
        ImGui::EndCombo();
    }
    if (!s.record.mics_error.empty()) {
        ImGui::SameLine();
        ImGui::TextColored(to_vec4(colour::warn), "could not list microphones");
        if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", s.record.mics_error.c_str());
    }
    ImGui::SetCursorPosX(label_w);
    // In the drafts, like quality and microphone: a local copy would lose the click by the next frame.
    ImGui::Checkbox("Record without sound", &d.no_mic);
    ImGui::SameLine();
    ImGui::Checkbox("Reduce background noise", &d.denoise);
    next.quality = quality_name(d.quality);
    next.mic = d.mic;
    next.no_mic = d.no_mic;
    next.denoise = d.denoise;
    ImGui::SetCursorPosX(label_w);
    ImGui::BeginDisabled(next == s.settings);
    if (ImGui::Button("Save defaults")) {
        ctx.emit(intent::SaveSettings{next});
        fill_record_defaults(next, d.record);
    }
    ImGui::EndDisabled();

    section("People");
    if (ImGui::BeginTable("people", 3, ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingStretchProp)) {
        ImGui::TableSetupColumn("Name");
        ImGui::TableSetupColumn("Email");
        ImGui::TableSetupColumn("Role");
        ImGui::TableHeadersRow();
        for (const auto& p : s.people) {
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(p.name.c_str());
            if (p.name == s.me) {
                ImGui::SameLine();
                ImGui::TextDisabled("(you)");
            }
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(p.email.c_str());
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(p.role.c_str());
        }
        ImGui::EndTable();
    }
    if (input_hint("##newperson", "name of a new person", d.new_person, em * 16))
        ctx.emit(intent::AddPerson{d.new_person});
    ImGui::SameLine();
    if (ImGui::Button("Add person")) ctx.emit(intent::AddPerson{d.new_person});
    ImGui::EndChild();
}

}  // namespace wt::ui
