// Record: what to record (whole display, a region, one window), the microphone, quality, the
// recording's title/kind/tags up front, a 3-2-1 countdown. While recording, the window is a small
// always-on-top bar: elapsed time, size, microphone level, pause/resume, stop, discard, and a soft
// 5-minute guide.
#include "app/ui/view_logic.hpp"
#include "app/ui/views.hpp"

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

}  // namespace

void draw_record(ViewContext& ctx) {
    const AppState& s = ctx.s;
    RecordForm& f = ctx.d.record;
    const float em = ctx.em();
    heading("Record", "your screen and voice; when you stop, it is in the library");
    ImGui::BeginChild("record-form", ImVec2(0, -ImGui::GetFrameHeightWithSpacing() * 2.4f));
    const float field = em * 22;

    section("What to record");
    int area = static_cast<int>(f.area);
    ImGui::RadioButton("The whole screen", &area, 0);
    ImGui::SameLine();
    ImGui::RadioButton("A region", &area, 1);
    ImGui::SameLine();
    ImGui::RadioButton("One window", &area, 2);
    f.area = static_cast<RecordForm::Area>(area);
    if (f.area == RecordForm::Area::region) {
        input_hint("##region", "X,Y,WxH  e.g. 0,0,1280x720", f.region, field);
        ImGui::SameLine();
        ImGui::TextDisabled("pixels from the top left of the screen");
    } else if (f.area == RecordForm::Area::window) {
        input_hint("##window", "window id, e.g. 0x3a00007", f.window, field);
        ImGui::SameLine();
        ImGui::TextDisabled("`xwininfo` shows it when you click the window");
    }
    input_hint("##display", "X display (default: this one)", f.display, field);

    section("Sound");
    const char* mics[] = {"The default microphone", "A named microphone", "No microphone"};
    ImGui::SetNextItemWidth(field);
    ImGui::Combo("##mic", &f.mic_choice, mics, 3);
    if (f.mic_choice == 1) {
        ImGui::SameLine();
        input_hint("##micname", "PulseAudio source (pactl list short sources)", f.mic, field);
    }
    ImGui::BeginDisabled(f.mic_choice == 2);
    ImGui::Checkbox("Reduce background noise in the voice", &f.denoise);
    ImGui::EndDisabled();
    ImGui::BeginDisabled(s.record.checking);
    if (ImGui::Button(s.record.checking ? "Checking…" : "Check the screen and microphone")) ctx.emit(intent::CheckSources{});
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
    ImGui::EndChild();

    ImGui::Separator();
    const bool starting = s.record.phase == RecordPhase::starting;
    ImGui::PushStyleColor(ImGuiCol_Button, IM_COL32(190, 50, 50, 255));
    ImGui::PushStyleColor(ImGuiCol_ButtonHovered, IM_COL32(215, 70, 70, 255));
    ImGui::BeginDisabled(starting || !s.opened);
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
    // The microphone level: peak as the bar, loudness (RMS) as the brighter part.
    ImGui::SameLine(em * 16);
    if (st.has_audio) {
        const ImVec2 at = ImGui::GetCursorScreenPos();
        const float w = em * 7, bh = em * 0.5f, y = at.y + (h - bh) / 2;
        dl->AddRectFilled(ImVec2(at.x, y), ImVec2(at.x + w, y + bh), IM_COL32(60, 60, 70, 255), bh / 2);
        dl->AddRectFilled(ImVec2(at.x, y), ImVec2(at.x + w * meter_fraction(st.mic_peak), y + bh),
                          IM_COL32(60, 140, 80, 255), bh / 2);
        dl->AddRectFilled(ImVec2(at.x, y), ImVec2(at.x + w * meter_fraction(st.mic_rms), y + bh), colour::good, bh / 2);
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
