// Record: what to record (whole display, a region dragged on a still of the screen or typed, one
// window from a list or by id), the microphone from a list with its live level, quality, the
// recording's title/kind/tags up front, a 3-2-1 countdown. While recording, the window is a small
// always-on-top bar: elapsed time, size, microphone level, pause/resume, stop, discard, and a soft
// 5-minute guide.
#include <fmt/format.h>

#include "app/desktop/model/view_logic.hpp"
#include "app/desktop/views/views.hpp"

namespace wt::ui {

namespace {

constexpr const char* k_quality_help[] = {"Compact: smallest files (about 1 MB a minute of screen)",
                                          "Balanced: sharper text, a little larger",
                                          "High: for fine detail; largest files"};

void check_line(const char* what, const std::optional<std::string>& text, bool ok) {
    if (!text) return;
    ImGui::TextDisabled("%s", what);
    ImGui::SameLine();
    ImGui::PushTextWrapPos(0);
    ImGui::TextColored(to_vec4(ok ? colour::good : colour::bad), "%s %s", ok ? "✓" : "✗", text->c_str());
    ImGui::PopTextWrapPos();
}

// Peak as the bar, loudness (RMS) as its brighter part: the recording bar's meter, larger.
void level_bar(ImDrawList* dl, ImVec2 at, float w, float h, float peak, float rms) {
    const float r = h / 2;
    dl->AddRectFilled(at, ImVec2(at.x + w, at.y + h), IM_COL32(60, 60, 70, 255), r);
    if (const float p = meter_fraction(peak); p > 0)
        dl->AddRectFilled(at, ImVec2(at.x + w * p, at.y + h), IM_COL32(60, 140, 80, 255), r);
    if (const float l = meter_fraction(rms); l > 0)
        dl->AddRectFilled(at, ImVec2(at.x + w * l, at.y + h), colour::good, r);
}

void level_meter(const recorder::MicLevel& level, float width, float em) {
    const float h = ImGui::GetFrameHeight(), bh = em * 0.55f;
    const ImVec2 at = ImGui::GetCursorScreenPos();
    const bool live = level.state == recorder::MicLevel::State::live;
    level_bar(ImGui::GetWindowDrawList(), ImVec2(at.x, at.y + (h - bh) / 2), width, bh, live ? level.peak : 0,
              live ? level.rms : 0);
    ImGui::Dummy(ImVec2(width, h));
    const std::string text = level_text(level);
    if (level.state == recorder::MicLevel::State::failed) {
        ImGui::PushTextWrapPos(0);
        ImGui::TextColored(to_vec4(colour::bad), "%s", text.c_str());
        ImGui::PopTextWrapPos();
    } else {
        ImGui::SameLine();
        ImGui::AlignTextToFramePadding();
        ImGui::TextDisabled("%s", text.c_str());
    }
}

void microphone_picker(ViewContext& ctx, float width) {
    const RecordData& r = ctx.s.record;
    RecordForm& f = ctx.d.record;
    const auto options = mic_options(r.microphones, r.mics_listed, f.mic_choice == 1 ? f.mic : std::string(), true);
    const int selected = selected_mic_option(options, f.mic_choice, f.mic);
    ImGui::SetNextItemWidth(width);
    if (ImGui::BeginCombo("##mic", options[static_cast<std::size_t>(selected)].label.c_str())) {
        for (std::size_t i = 0; i < options.size(); ++i) {
            ImGui::PushID(static_cast<int>(i));
            const bool is_selected = static_cast<int>(i) == selected;
            if (ImGui::Selectable(options[i].label.c_str(), is_selected)) {
                f.mic_choice = options[i].choice;
                if (options[i].choice == 1) f.mic = options[i].name;
            }
            if (is_selected) ImGui::SetItemDefaultFocus();
            ImGui::PopID();
        }
        if (r.mics_listing) ImGui::TextDisabled("Looking for microphones…");
        ImGui::EndCombo();
    }
    ImGui::SameLine();
    ImGui::BeginDisabled(r.mics_listing);
    if (ImGui::Button("Refresh##mics")) ctx.emit(intent::ListMicrophones{});
    ImGui::EndDisabled();
    if (!r.mics_error.empty()) {
        ImGui::PushTextWrapPos(0);
        ImGui::TextColored(to_vec4(colour::warn), "%s", r.mics_error.c_str());
        ImGui::PopTextWrapPos();
    }
    if (f.mic_choice == 2) {
        ImGui::TextDisabled("The recording will be silent.");
    } else if (!f.audio_input.empty()) {
        ImGui::TextDisabled("A testing input (Other sources, below) replaces the microphone.");
    } else {
        level_meter(r.level, width, ctx.em());
    }
}

void window_picker(ViewContext& ctx, float width) {
    const RecordData& r = ctx.s.record;
    RecordForm& f = ctx.d.record;
    const auto chosen = recorder::parse_window_id(f.window);
    const float rows = 6.5f;
    if (ImGui::BeginListBox("##windows", ImVec2(width, ImGui::GetTextLineHeightWithSpacing() * rows))) {
        if (!r.windows_error.empty()) {
            ImGui::PushTextWrapPos(0);
            ImGui::TextColored(to_vec4(colour::warn), "%s", r.windows_error.c_str());
            ImGui::PopTextWrapPos();
        } else if (r.windows.empty()) {
            ImGui::TextDisabled("%s", r.windows_listing ? "Looking for windows…" : "No window to record was found.");
        }
        for (const auto& w : r.windows) {
            ImGui::PushID(static_cast<int>(w.id));
            if (ImGui::Selectable(window_label(w).c_str(), chosen && *chosen == w.id)) f.window = window_id_text(w.id);
            ImGui::PopID();
        }
        ImGui::EndListBox();
    }
    ImGui::SameLine();
    ImGui::BeginDisabled(r.windows_listing);
    if (ImGui::Button("Refresh##windows")) ctx.emit(intent::ListWindows{});
    ImGui::EndDisabled();
    input_hint("##window", "or type a window id, e.g. 0x3a00007", f.window, width * 2 / 3);
    ImGui::SameLine();
    ImGui::TextDisabled("`xwininfo` shows it when you click the window");
}

// The still of the screen, as large as fits: press where the region starts, drag to where it ends.
void region_picker(ViewContext& ctx) {
    const RegionPick& p = ctx.s.record.pick;
    RecordForm::Drag& drag = ctx.d.record.drag;
    const float em = ctx.em();
    if (p.phase == RegionPick::Phase::grabbing) {
        ImGui::TextDisabled("Taking a picture of the screen…");
        if (ImGui::Button("Cancel")) ctx.emit(intent::EndPick{});
        return;
    }
    ImGui::TextUnformatted("Drag a rectangle over what to record. Drag again to change it; Esc cancels.");
    const float footer = ImGui::GetFrameHeightWithSpacing() * 1.5f;
    const ImVec2 origin = ImGui::GetCursorScreenPos();
    const ImVec2 avail = ImGui::GetContentRegionAvail();
    const ViewRect still =
        fit_still({origin.x, origin.y, avail.x, std::max(avail.y - footer, em * 4)}, p.width, p.height);
    const ImVec2 s0(still.x, still.y), s1(still.x + still.width, still.y + still.height);
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const TextureRef tex = ctx.texture ? ctx.texture(p.texture) : TextureRef{};
    if (tex.id) {
        dl->AddImage(tex.id, s0, s1);
    } else {
        dl->AddRectFilled(s0, s1, IM_COL32(40, 40, 48, 255));
        dl->AddText(ImVec2(s0.x + em, s0.y + em), colour::muted, "Loading the picture…");
    }
    ImGui::InvisibleButton("##still", ImVec2(std::max(still.width, 1.0f), std::max(still.height, 1.0f)));
    const ImVec2 mouse = ImGui::GetIO().MousePos;
    const ViewPoint at = view_to_screen({mouse.x, mouse.y}, still, p.width, p.height);
    if (ImGui::IsItemActivated()) drag = {true, true, at.x, at.y, at.x, at.y};
    if (drag.dragging) {
        drag.x1 = at.x;
        drag.y1 = at.y;
        drag.dragging = ImGui::IsItemActive();
    }
    const PixelRect r =
        drag.chosen ? drag_region({drag.x0, drag.y0}, {drag.x1, drag.y1}, p.width, p.height) : PixelRect{};
    if (drag.chosen) {
        auto to_view = [&](int x, int y) {
            return screen_to_view({static_cast<float>(x), static_cast<float>(y)}, still, p.width, p.height);
        };
        const ViewPoint a = to_view(r.x, r.y), b = to_view(r.x + r.width, r.y + r.height);
        // What is left out, dimmed.
        const ImU32 shade = IM_COL32(0, 0, 0, 130);
        dl->AddRectFilled(s0, ImVec2(s1.x, a.y), shade);
        dl->AddRectFilled(ImVec2(s0.x, b.y), s1, shade);
        dl->AddRectFilled(ImVec2(s0.x, a.y), ImVec2(a.x, b.y), shade);
        dl->AddRectFilled(ImVec2(b.x, a.y), ImVec2(s1.x, b.y), shade);
        dl->AddRect(ImVec2(a.x, a.y), ImVec2(b.x, b.y), colour::accent, 0, 0, 2.0f);
        const std::string size = fmt::format("{} × {}", r.width, r.height);
        const float label_h = ImGui::GetTextLineHeight() + 4;
        pill(dl, ImVec2(a.x + 2, a.y - label_h - 2 >= s0.y ? a.y - label_h - 2 : a.y + 4), size, colour::accent);
    }
    const bool usable = drag.chosen && r.width >= 16 && r.height >= 16;
    ImGui::AlignTextToFramePadding();
    if (!drag.chosen)
        ImGui::TextDisabled("No rectangle yet: press where it starts and drag to where it ends.");
    else if (!usable)
        ImGui::TextColored(to_vec4(colour::warn), "%d × %d pixels is too small: at least 16 × 16", r.width, r.height);
    else
        ImGui::Text("%d × %d pixels at %d, %d", r.width, r.height, r.x, r.y);
    ImGui::SameLine();
    ImGui::BeginDisabled(!usable);
    const bool enter = ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Enter), false);
    if (primary_button("Use this region") || (usable && enter)) {
        ctx.d.record.region = region_text(r);
        ctx.emit(intent::EndPick{});
    }
    ImGui::EndDisabled();
    ImGui::SameLine();
    if (ImGui::Button("Cancel") || ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape), false))
        ctx.emit(intent::EndPick{});
}

// Recordings on their way to a team library (the outbox), each with how far it got.
void uploads_list(ViewContext& ctx) {
    section("On their way to the team");
    if (!ImGui::BeginTable("uploads", 3, ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingStretchProp)) return;
    ImGui::TableSetupColumn("Recording");
    ImGui::TableSetupColumn("Library", ImGuiTableColumnFlags_WidthFixed, ctx.em() * 7);
    ImGui::TableSetupColumn("State");
    for (const auto& u : ctx.s.uploads) {
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(u.title.empty() ? u.id.c_str() : u.title.c_str());
        ImGui::TableNextColumn();
        ImGui::TextDisabled("%s", u.server.c_str());
        ImGui::TableNextColumn();
        const ImU32 tone = u.state == "published" ? colour::good : u.state == "refused" ? colour::bad : colour::muted;
        ImGui::TextColored(to_vec4(tone), "%s", upload_text(u, ctx.now).c_str());
        if (!u.last_error.empty() && ImGui::IsItemHovered()) ImGui::SetTooltip("%s", u.last_error.c_str());
    }
    ImGui::EndTable();
}

}  // namespace

void draw_record(ViewContext& ctx) {
    const AppState& s = ctx.s;
    RecordForm& f = ctx.d.record;
    const float em = ctx.em();
    heading("Record", s.connection.team.empty()
                          ? "your screen and voice; when you stop, it is in the library"
                          : "your screen and voice; when you stop, it is sent to the team library");
    if (s.record.pick.phase != RegionPick::Phase::off) return region_picker(ctx);
    ImGui::BeginChild("record-form", ImVec2(0, -ImGui::GetFrameHeightWithSpacing() * 2.4f));
    const float field = em * 22;

    section("What to record");
    int area = static_cast<int>(f.area);
    ImGui::RadioButton("The whole screen", &area, 0);
    ImGui::SameLine();
    ImGui::RadioButton("A region", &area, 1);
    ImGui::SameLine();
    ImGui::RadioButton("One window", &area, 2);
    const auto chosen = static_cast<RecordForm::Area>(area);
    if (chosen == RecordForm::Area::window && f.area != chosen) ctx.emit(intent::ListWindows{});
    f.area = chosen;
    if (f.area == RecordForm::Area::region) {
        input_hint("##region", "X,Y,WxH  e.g. 0,0,1280x720", f.region, field);
        ImGui::SameLine();
        if (ImGui::Button("Pick region on screen…")) ctx.emit(intent::PickRegion{});
        ImGui::SameLine();
        ImGui::TextDisabled("pixels from the top left");
    } else if (f.area == RecordForm::Area::window) {
        window_picker(ctx, field * 1.5f);
    }
    input_hint("##display", "X display (default: this one)", f.display, field);

    section("Sound");
    microphone_picker(ctx, field * 1.5f);
    ImGui::BeginDisabled(f.mic_choice == 2);
    ImGui::Checkbox("Reduce background noise in the voice", &f.denoise);
    ImGui::EndDisabled();
    ImGui::BeginDisabled(s.record.checking);
    if (ImGui::Button(s.record.checking ? "Checking…" : "Check the screen and microphone"))
        ctx.emit(intent::CheckSources{});
    ImGui::EndDisabled();
    check_line("Screen", s.record.screen_check, s.record.screen_ok);
    check_line("Microphone", s.record.mic_check, s.record.mic_ok);

    section("Quality");
    for (int i = 0; i < 3; ++i) ImGui::RadioButton(k_quality_help[i], &f.quality, i);

    section("About the recording (you can change it later)");
    input_hint("##title", "Title (default: Recording <date>)", f.title, field * 1.5f);
    ImGui::RadioButton("Walkthrough", &f.kind, 0);
    ImGui::SameLine();
    ImGui::RadioButton("Training module", &f.kind, 1);
    input_hint("##tags", "tags, separated by commas", f.tags, field * 1.5f);
    ImGui::SetNextItemWidth(field);
    ImGui::SliderInt("##countdown", &f.countdown, 0, 10, f.countdown ? "countdown %d s" : "no countdown");

    ImGui::Spacing();
    if (ImGui::CollapsingHeader("Other sources (testing)")) {
        ImGui::TextDisabled("Any libavdevice input as FMT:URL instead of the screen or the microphone.");
        input_hint("##vin", "e.g. lavfi:testsrc2=size=1280x720:rate=30", f.video_input, field * 1.5f);
        input_hint("##ain", "e.g. lavfi:sine=frequency=440", f.audio_input, field * 1.5f);
    }
    if (!s.uploads.empty()) uploads_list(ctx);
    ImGui::EndChild();

    ImGui::Separator();
    const bool starting = s.record.phase == RecordPhase::starting;
    ImGui::PushStyleColor(ImGuiCol_Button, IM_COL32(190, 50, 50, 255));
    ImGui::PushStyleColor(ImGuiCol_ButtonHovered, IM_COL32(215, 70, 70, 255));
    ImGui::BeginDisabled(starting || !can_record(s));
    if (ImGui::Button(starting ? "Starting…" : "●  Start recording", ImVec2(em * 12, ImGui::GetFrameHeight() * 1.3f)))
        ctx.emit(intent::StartRecording{});
    ImGui::EndDisabled();
    ImGui::PopStyleColor(2);
    ImGui::SameLine();
    ImGui::AlignTextToFramePadding();
    ImGui::TextDisabled("The window becomes a small bar on top: pause, stop or discard there. Five minutes is plenty.");
}

void draw_recording_bar(ViewContext& ctx) {
    const RecordData& r = ctx.s.record;
    const recorder::RecordStats& st = r.stats;
    const float em = ctx.em();
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const float h = ImGui::GetFrameHeight();
    ImGui::AlignTextToFramePadding();
    if (r.phase == RecordPhase::countdown) {
        const ImVec2 at = ImGui::GetCursorScreenPos();
        dl->AddCircleFilled(ImVec2(at.x + h / 2, at.y + h / 2), h / 2, colour::warn);
        const std::string n = countdown_text(st);
        const ImVec2 ns = ImGui::CalcTextSize(n.c_str());
        dl->AddText(ImVec2(at.x + (h - ns.x) / 2, at.y + (h - ns.y) / 2), IM_COL32_WHITE, n.c_str());
        ImGui::Dummy(ImVec2(h, h));
        ImGui::SameLine();
        ImGui::TextUnformatted("Recording starts in a moment…");
    } else if (r.phase == RecordPhase::stopping) {
        ImGui::TextUnformatted("Finishing the recording…");
    } else {
        const ImVec2 at = ImGui::GetCursorScreenPos();
        dl->AddCircleFilled(ImVec2(at.x + h * 0.35f, at.y + h / 2), h * 0.3f, st.paused ? colour::muted : colour::bad);
        ImGui::Dummy(ImVec2(h * 0.7f, h));
        ImGui::SameLine();
        ImGui::TextUnformatted(st.paused ? "PAUSED" : "REC");
        ImGui::SameLine();
        ImGui::TextUnformatted(recording_bar_text(st).c_str());
    }
    ImGui::SameLine(em * 16);
    if (st.has_audio) {
        const ImVec2 at = ImGui::GetCursorScreenPos();
        const float w = em * 7, bh = em * 0.5f;
        level_bar(dl, ImVec2(at.x, at.y + (h - bh) / 2), w, bh, st.mic_peak, st.mic_rms);
        ImGui::Dummy(ImVec2(w, h));
    } else {
        ImGui::TextDisabled("no sound");
    }
    const bool live = r.phase == RecordPhase::recording || r.phase == RecordPhase::countdown;
    ImGui::SameLine();
    ImGui::BeginDisabled(!live);
    if (st.paused) {
        if (ImGui::Button("Resume", ImVec2(em * 5, 0))) ctx.emit(intent::ResumeRecording{});
    } else if (ImGui::Button("Pause", ImVec2(em * 5, 0))) {
        ctx.emit(intent::PauseRecording{});
    }
    ImGui::SameLine();
    if (primary_button("Stop", ImVec2(em * 5, 0))) ctx.emit(intent::StopRecording{});
    ImGui::SameLine();
    if (!ctx.d.confirm_discard) {
        if (ImGui::Button("Discard", ImVec2(em * 5, 0))) ctx.d.confirm_discard = true;
    } else {
        ImGui::PushStyleColor(ImGuiCol_Button, IM_COL32(170, 50, 50, 255));
        if (ImGui::Button("Throw away?", ImVec2(em * 6, 0))) {
            ctx.d.confirm_discard = false;
            ctx.emit(intent::DiscardRecording{});
        }
        ImGui::PopStyleColor();
        ImGui::SameLine();
        if (ImGui::SmallButton("no")) ctx.d.confirm_discard = false;
    }
    ImGui::EndDisabled();
    // Second line: the title and the soft guide.
    const std::string title = ctx.d.record.title.empty() ? "Untitled recording" : ctx.d.record.title;
    const std::string guide = five_minute_guide(st.elapsed_ms);
    text_fit(title, em * 15, colour::muted);
    if (!guide.empty()) {
        ImGui::SameLine(em * 16);
        ImGui::TextColored(to_vec4(st.elapsed_ms >= 300'000 ? colour::warn : colour::muted), "%s", guide.c_str());
    }
}

}  // namespace wt::ui
