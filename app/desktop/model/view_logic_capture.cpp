// view_logic.hpp, "choosing what to record": the microphone and window pickers and the region
// dragged on a still of the screen.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include <fmt/format.h>

#include "app/desktop/model/view_logic.hpp"

namespace wt::ui {

std::string mic_label(const recorder::Microphone& m) {
    const std::string& what = m.description.empty() ? m.name : m.description;
    return m.is_monitor ? fmt::format("(monitor of {})", what) : what;
}

std::string default_mic_label(const std::vector<recorder::Microphone>& mics) {
    for (const auto& m : mics) {
        if (!m.is_default) continue;
        const std::string& what = m.description.empty() ? m.name : m.description;
        return fmt::format("Default microphone ({}{})", m.is_monitor ? "monitor of " : "", what);
    }
    return "Default microphone";
}

std::vector<MicOption> mic_options(const std::vector<recorder::Microphone>& mics, bool listed,
                                   const std::string& chosen, bool with_none) {
    std::vector<MicOption> out;
    out.push_back({default_mic_label(mics), 0, {}});
    bool chosen_listed = chosen.empty();
    for (const auto& m : mics) {
        out.push_back({m.is_default ? mic_label(m) + " · default" : mic_label(m), 1, m.name});
        chosen_listed |= m.name == chosen;
    }
    // A saved or typed source the server does not list (now): kept, so the choice is not lost silently.
    if (!chosen_listed) out.push_back({listed ? chosen + " (not found)" : chosen, 1, chosen});
    if (with_none) out.push_back({"No microphone", 2, {}});
    return out;
}

int selected_mic_option(const std::vector<MicOption>& options, int mic_choice, const std::string& mic) {
    for (std::size_t i = 0; i < options.size(); ++i) {
        const MicOption& o = options[i];
        if (o.choice != mic_choice) continue;
        if (mic_choice != 1 || o.name == mic) return static_cast<int>(i);
    }
    return 0;
}

MeterTarget meter_target(Screen screen, const RecordData& r, const RecordForm& f) {
    MeterTarget t;
    t.on = screen == Screen::record && r.phase == RecordPhase::setup && r.pick.phase == RegionPick::Phase::off &&
           f.mic_choice != 2 && f.audio_input.empty();
    if (t.on && f.mic_choice == 1 && !f.mic.empty()) t.source = f.mic;
    return t;
}

std::string level_text(const recorder::MicLevel& level) {
    switch (level.state) {
    case recorder::MicLevel::State::opening: return "listening…";
    case recorder::MicLevel::State::failed: return level.error;
    case recorder::MicLevel::State::live: break;
    }
    if (level.readings == 0) return "listening…";
    if (meter_fraction(level.peak) <= 0) return "silent: say something";
    return fmt::format("{:.0f} dB", 20.0f * std::log10(level.peak));
}

std::string window_label(const recorder::WindowInfo& w) {
    return fmt::format("{} — {}×{}", w.title.empty() ? "(untitled)" : w.title, w.width, w.height);
}

std::string window_id_text(std::uint32_t id) { return fmt::format("{:#x}", id); }

std::vector<recorder::WindowInfo> pickable_windows(std::vector<recorder::WindowInfo> windows, int own_pid) {
    std::erase_if(windows, [&](const recorder::WindowInfo& w) { return own_pid > 0 && w.pid == own_pid; });
    return windows;
}

ViewRect fit_still(const ViewRect& area, int screen_w, int screen_h) {
    if (screen_w <= 0 || screen_h <= 0 || area.width <= 0 || area.height <= 0) return {area.x, area.y, 0, 0};
    const float scale = std::min(area.width / static_cast<float>(screen_w), area.height / static_cast<float>(screen_h));
    return {area.x, area.y, static_cast<float>(screen_w) * scale, static_cast<float>(screen_h) * scale};
}

ViewPoint view_to_screen(ViewPoint p, const ViewRect& still, int screen_w, int screen_h) {
    if (still.width <= 0 || still.height <= 0) return {};
    const float x = (p.x - still.x) / still.width * static_cast<float>(screen_w);
    const float y = (p.y - still.y) / still.height * static_cast<float>(screen_h);
    return {std::clamp(x, 0.0f, static_cast<float>(screen_w)), std::clamp(y, 0.0f, static_cast<float>(screen_h))};
}

ViewPoint screen_to_view(ViewPoint p, const ViewRect& still, int screen_w, int screen_h) {
    if (screen_w <= 0 || screen_h <= 0) return {still.x, still.y};
    return {still.x + p.x / static_cast<float>(screen_w) * still.width,
            still.y + p.y / static_cast<float>(screen_h) * still.height};
}

std::optional<PixelRect> recorded_area(const recorder::RecordOptions& options,
                                       const std::vector<recorder::WindowInfo>& windows) {
    if (options.region) return region_of(*options.region);
    if (options.window) {
        for (const auto& w : windows)
            if (w.id == *options.window) return PixelRect{w.x, w.y, w.width, w.height};
    }
    return std::nullopt;
}

PixelRect recording_bar_place(const PixelRect& screen, int bar_w, int bar_h, const std::optional<PixelRect>& recorded,
                              int gap) {
    const PixelRect area = recorded.value_or(screen);
    auto clamp_x = [&](int x) { return std::clamp(x, screen.x, std::max(screen.x, screen.x + screen.width - bar_w)); };
    auto clamp_y = [&](int y) { return std::clamp(y, screen.y, std::max(screen.y, screen.y + screen.height - bar_h)); };
    auto overlaps = [&](const PixelRect& b) {
        return b.x < area.x + area.width && area.x < b.x + b.width && b.y < area.y + area.height &&
               area.y < b.y + b.height;
    };
    auto inside = [&](const PixelRect& b) {
        return b.x >= screen.x && b.y >= screen.y && b.x + b.width <= screen.x + screen.width &&
               b.y + b.height <= screen.y + screen.height;
    };
    const int centred_x = clamp_x(area.x + (area.width - bar_w) / 2);
    const int middle_y = clamp_y(area.y + (area.height - bar_h) / 2);
    const PixelRect top{centred_x, screen.y + gap, bar_w, bar_h};
    if (!recorded) return top;
    const PixelRect candidates[] = {
        top,
        {centred_x, area.y - gap - bar_h, bar_w, bar_h},
        {centred_x, area.y + area.height + gap, bar_w, bar_h},
        {area.x + area.width + gap, middle_y, bar_w, bar_h},
        {area.x - gap - bar_w, middle_y, bar_w, bar_h},
    };
    for (const PixelRect& c : candidates)
        if (inside(c) && !overlaps(c)) return c;
    return top;
}

PixelRect drag_region(ViewPoint a, ViewPoint b, int screen_w, int screen_h) {
    auto span = [](float p, float q, int size, int& from, int& length) {
        const float lo = std::min(p, q), hi = std::max(p, q);
        from = std::clamp(static_cast<int>(std::floor(lo)), 0, std::max(size - 1, 0));
        const int to = std::clamp(static_cast<int>(std::ceil(hi)), from, size);
        length = (to - from) & ~1;  // rounded down: stays within the screen
    };
    PixelRect r;
    span(a.x, b.x, screen_w, r.x, r.width);
    span(a.y, b.y, screen_h, r.y, r.height);
    return r;
}

std::string region_text(const PixelRect& r) { return fmt::format("{},{},{}x{}", r.x, r.y, r.width, r.height); }

std::optional<PixelRect> region_of(const std::string& text) {
    PixelRect r;
    char tail = 0;
    if (std::sscanf(text.c_str(), " %d , %d , %d x %d %c", &r.x, &r.y, &r.width, &r.height, &tail) != 4)
        return std::nullopt;
    if (r.x < 0 || r.y < 0 || r.width <= 0 || r.height <= 0) return std::nullopt;
    return r;
}

}  // namespace wt::ui
