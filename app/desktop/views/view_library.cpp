// Library: search as you type, filters and sort, a grid of recording cards; import.
#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "app/desktop/model/view_logic.hpp"
#include "app/desktop/views/views.hpp"

namespace wt::ui {

namespace {

void draw_filters(ViewContext& ctx) {
    const AppState& s = ctx.s;
    const float em = ctx.em();
    LibraryQuery q = s.query;
    bool changed = false;
    ImGui::SetNextItemWidth(em * 9);
    const char* kinds[] = {"Any kind", "Walkthroughs", "Training"};
    int kind = !q.kind ? 0 : *q.kind == catalog::Kind::walkthrough ? 1 : 2;
    if (ImGui::Combo("##kind", &kind, kinds, 3)) {
        q.kind =
            kind == 0 ? std::nullopt : std::optional(kind == 1 ? catalog::Kind::walkthrough : catalog::Kind::training);
        changed = true;
    }
    ImGui::SameLine();
    ImGui::SetNextItemWidth(em * 9);
    if (ImGui::BeginCombo("##tag", q.tag.empty() ? "Any tag" : ("#" + q.tag).c_str())) {
        if (ImGui::Selectable("Any tag", q.tag.empty())) q.tag.clear(), changed = true;
        for (const auto& t : s.library.tags)
            if (ImGui::Selectable(("#" + t).c_str(), q.tag == t)) q.tag = t, changed = true;
        ImGui::EndCombo();
    }
    ImGui::SameLine();
    ImGui::SetNextItemWidth(em * 9);
    if (ImGui::BeginCombo("##author", q.author.empty() ? "Anyone" : q.author.c_str())) {
        if (ImGui::Selectable("Anyone", q.author.empty())) q.author.clear(), changed = true;
        for (const auto& a : s.library.authors)
            if (ImGui::Selectable(a.c_str(), q.author == a)) q.author = a, changed = true;
        ImGui::EndCombo();
    }
    ImGui::SameLine();
    changed |= ImGui::Checkbox("Unwatched", &q.unwatched);
    ImGui::SameLine();
    ImGui::SetNextItemWidth(em * 10);
    if (ImGui::BeginCombo("##sort", to_string(q.sort))) {
        for (SortOrder o :
             {SortOrder::newest, SortOrder::oldest, SortOrder::title, SortOrder::longest, SortOrder::most_comments})
            if (ImGui::Selectable(to_string(o), q.sort == o)) q.sort = o, changed = true;
        ImGui::EndCombo();
    }
    if (changed) ctx.emit(intent::SetQuery{q});
}

void draw_card(ViewContext& ctx, const catalog::Recording& r, ImVec2 size, float thumb_h) {
    const AppState& s = ctx.s;
    const float em = ctx.em();
    const float pad = em * 0.6f;
    ImGui::PushID(r.id.c_str());
    const ImVec2 at = ImGui::GetCursorScreenPos();
    const bool clicked = ImGui::InvisibleButton("card", size);
    const bool hovered = ImGui::IsItemHovered();
    const bool on_thumb = ImGui::GetIO().MousePos.y < at.y + thumb_h;
    if (clicked) {
        if (on_thumb)
            ctx.emit(intent::Play{r.id, std::nullopt});
        else
            ctx.emit(intent::OpenDetails{r.id});
    }
    if (hovered) ImGui::SetTooltip("%s", on_thumb ? "Play" : "Details: edit, assign, export");

    ImDrawList* dl = ImGui::GetWindowDrawList();
    const float round = em * 0.4f;
    dl->AddRectFilled(at, ImVec2(at.x + size.x, at.y + size.y),
                      hovered ? IM_COL32(48, 50, 60, 255) : IM_COL32(38, 39, 46, 255), round);
    // The thumbnail, cropped to the card's 16:9 box.
    const ImVec2 t0 = at, t1(at.x + size.x, at.y + thumb_h);
    const TextureRef tex = ctx.thumbnail ? ctx.thumbnail(r) : TextureRef{};
    if (tex.id) {
        const float box = size.x / thumb_h;
        const float img = tex.height > 0 ? float(tex.width) / float(tex.height) : box;
        ImVec2 uv0(0, 0), uv1(1, 1);
        if (img > box) {
            const float keep = box / img;
            uv0.x = (1 - keep) / 2, uv1.x = 1 - uv0.x;
        } else {
            const float keep = img / box;
            uv0.y = (1 - keep) / 2, uv1.y = 1 - uv0.y;
        }
        dl->AddImageRounded(tex.id, t0, t1, uv0, uv1, IM_COL32_WHITE, round, ImDrawFlags_RoundCornersTop);
    } else {
        dl->AddRectFilled(t0, t1, IM_COL32(25, 26, 31, 255), round, ImDrawFlags_RoundCornersTop);
        const char* none = r.thumbnail_path.empty() || tex.none ? "no preview" : "…";
        const ImVec2 ts = ImGui::CalcTextSize(none);
        dl->AddText(ImVec2(at.x + (size.x - ts.x) / 2, at.y + (thumb_h - ts.y) / 2), colour::muted, none);
    }
    if (hovered && on_thumb) {
        const ImVec2 c(at.x + size.x / 2, at.y + thumb_h / 2);
        dl->AddCircleFilled(c, em * 1.4f, IM_COL32(0, 0, 0, 150));
        dl->AddTriangleFilled(ImVec2(c.x - em * 0.45f, c.y - em * 0.65f), ImVec2(c.x - em * 0.45f, c.y + em * 0.65f),
                              ImVec2(c.x + em * 0.7f, c.y), IM_COL32_WHITE);
    }
    // Length at the bottom right of the picture; watched at the top left.
    const std::string len = format_moment(r.duration_ms);
    const ImVec2 ls = ImGui::CalcTextSize(len.c_str());
    pill(dl, ImVec2(t1.x - ls.x - em * 1.1f, t1.y - ls.y - em * 0.5f), len, IM_COL32(0, 0, 0, 190));
    if (s.library.watched.contains(r.id))
        pill(dl, ImVec2(at.x + em * 0.4f, at.y + em * 0.4f), "✓ watched", IM_COL32(40, 140, 80, 230));
    if (r.status != catalog::Status::ready) {
        const std::string st = catalog::to_string(r.status);
        const float w = ImGui::CalcTextSize(st.c_str()).x + em * 0.7f;
        pill(dl, ImVec2(t1.x - w - em * 0.4f, at.y + em * 0.4f), st, IM_COL32(160, 110, 30, 230));
    }

    // Text under the picture.
    const float line = ImGui::GetTextLineHeightWithSpacing();
    float y = at.y + thumb_h + pad * 0.7f;
    const float w = size.x - 2 * pad;
    draw_text_fit(dl, ImVec2(at.x + pad, y), w, IM_COL32(240, 240, 245, 255), r.title);
    y += line;
    draw_text_fit(dl, ImVec2(at.x + pad, y), w, colour::muted, card_meta(r, ctx.now));
    y += line;
    float x = at.x + pad;
    x += pill(dl, ImVec2(x, y), catalog::to_string(r.kind), kind_colour(r.kind)) + em * 0.5f;
    if (r.comment_count > 0) {
        // "3 comments · 1 open" when it fits, else the shorter "3 comments, 1 open" / "3 comments".
        const float room = at.x + size.x - pad - x;
        const char* s_ = r.comment_count == 1 ? "" : "s";
        std::string c = fmt::format("{} comment{} · {} open", r.comment_count, s_, r.open_comment_count);
        if (r.open_comment_count == 0 || ImGui::CalcTextSize(c.c_str()).x > room)
            c = fmt::format("{} comment{}", r.comment_count, s_);
        draw_text_fit(dl, ImVec2(x, y), room, r.open_comment_count ? colour::warn : colour::muted, c);
    }
    y += line;
    if (auto a = s.library.my_assignments.find(r.id); a != s.library.my_assignments.end()) {
        const auto st = a->second.state;
        const ImU32 tone = st == catalog::AssignmentState::overdue ? colour::bad
                           : st == catalog::AssignmentState::done  ? colour::good
                                                                   : colour::warn;
        draw_text_fit(dl, ImVec2(at.x + pad, y), w, tone, card_assignment_text(a->second, ctx.now));
    } else if (!r.tags.empty()) {
        std::string tags;
        for (const auto& t : r.tags) tags += (tags.empty() ? "#" : "  #") + t;
        draw_text_fit(dl, ImVec2(at.x + pad, y), w, IM_COL32(120, 170, 220, 255), tags);
    }
    ImGui::PopID();
}

void draw_grid(ViewContext& ctx) {
    const AppState& s = ctx.s;
    const float em = ctx.em();
    const auto& visible = s.library.visible;
    if (visible.empty()) {
        ImGui::Spacing();
        if (s.library.recordings.empty() && s.library.loaded) {
            ImGui::TextUnformatted("No recordings yet.");
            ImGui::TextDisabled("Record a walkthrough of your screen and voice, or import a video you already have.");
            if (primary_button("Record your first walkthrough")) ctx.emit(intent::Navigate{Screen::record});
        } else if (s.library.loaded) {
            ImGui::TextUnformatted("Nothing matches these filters.");
            if (ImGui::Button("Clear the filters")) {
                LibraryQuery cleared;
                cleared.sort = s.query.sort;
                ctx.emit(intent::SetQuery{cleared});
            }
        } else {
            ImGui::TextDisabled("Loading the library…");
        }
        return;
    }
    ImGui::BeginChild("grid", ImVec2(0, 0), false);
    const float gap = em * 0.9f;
    const float avail = ImGui::GetContentRegionAvail().x;
    const int cols = std::max(1, static_cast<int>((avail + gap) / (em * 15 + gap)));
    const float card_w = (avail - gap * static_cast<float>(cols - 1)) / static_cast<float>(cols);
    const float thumb_h = std::floor(card_w * 9 / 16);
    const float card_h = thumb_h + ImGui::GetTextLineHeightWithSpacing() * 4 + em * 0.9f;
    const int rows = (static_cast<int>(visible.size()) + cols - 1) / cols;
    ImGuiListClipper clipper;
    clipper.Begin(rows, card_h + gap);
    while (clipper.Step()) {
        for (int row = clipper.DisplayStart; row < clipper.DisplayEnd; ++row) {
            for (int c = 0; c < cols; ++c) {
                const std::size_t i = static_cast<std::size_t>(row * cols + c);
                if (i >= visible.size()) break;
                if (c > 0) ImGui::SameLine(0, gap);
                draw_card(ctx, s.library.recordings[visible[i]], ImVec2(card_w, card_h), thumb_h);
            }
            ImGui::Dummy(ImVec2(0, gap - ImGui::GetStyle().ItemSpacing.y));
        }
    }
    if (s.library.truncated)
        ImGui::TextDisabled("Showing the newest %d recordings; search finds the older ones.", k_library_cap);
    ImGui::EndChild();
}

void draw_search_results(ViewContext& ctx) {
    const SearchData& sd = ctx.s.search;
    const float em = ctx.em();
    if (!sd.error.empty()) {
        ImGui::TextColored(to_vec4(colour::warn), "%s", sd.error.c_str());
        return;
    }
    if (sd.hits.empty()) {
        ImGui::TextDisabled("%s", sd.busy || sd.query != ctx.d.search
                                      ? "Searching…"
                                      : fmt::format("Nothing matches '{}'.", sd.query).c_str());
        return;
    }
    ImGui::TextDisabled("%zu match%s for '%s' · a comment or chapter opens the player at its moment", sd.hits.size(),
                        sd.hits.size() == 1 ? "" : "es", sd.query.c_str());
    ImGui::BeginChild("hits");
    const float w = ImGui::GetContentRegionAvail().x;
    for (std::size_t i = 0; i < sd.hits.size(); ++i) {
        const catalog::SearchHit& h = sd.hits[i];
        ImGui::PushID(static_cast<int>(i));
        const ImVec2 at = ImGui::GetCursorScreenPos();
        const float row_h = ImGui::GetTextLineHeightWithSpacing() * 2 + em * 0.4f;
        if (ImGui::Selectable("##hit", false, 0, ImVec2(w, row_h))) {
            if (h.matched_in != "recording" && h.at_ms)
                ctx.emit(intent::Play{h.recording_id, h.at_ms});
            else
                ctx.emit(intent::OpenDetails{h.recording_id});
        }
        ImDrawList* dl = ImGui::GetWindowDrawList();
        const float x = at.x + em * 0.3f;
        const float kw = pill(dl, ImVec2(x, at.y + em * 0.15f), catalog::to_string(h.kind), kind_colour(h.kind));
        draw_text_fit(dl, ImVec2(x + kw + em * 0.5f, at.y + em * 0.15f), w - kw - em, IM_COL32(240, 240, 245, 255),
                      h.recording_title);
        draw_text_fit(dl, ImVec2(x, at.y + em * 0.2f + ImGui::GetTextLineHeightWithSpacing()), w - em,
                      h.matched_in == "comment"   ? IM_COL32(250, 200, 110, 255)
                      : h.matched_in == "chapter" ? colour::chapter
                                                  : colour::muted,
                      hit_text(h));
        ImGui::PopID();
    }
    ImGui::EndChild();
}

void draw_import_popup(ViewContext& ctx) {
    Drafts& d = ctx.d;
    const float em = ctx.em();
    ImGui::SetNextWindowSize(ImVec2(em * 32, 0));
    if (!ImGui::BeginPopupModal("Import a video", nullptr, ImGuiWindowFlags_NoSavedSettings)) return;
    ImGui::TextWrapped("A video file on this computer is copied into the library (the original stays where it is).");
    ImGui::Spacing();
    input_hint("##path", "/path/to/video.mp4", d.import_path, -1);
    input_hint("##title", "Title (default: the file's name)", d.import_title, -1);
    ImGui::RadioButton("Walkthrough", &d.import_kind, 0);
    ImGui::SameLine();
    ImGui::RadioButton("Training module", &d.import_kind, 1);
    ImGui::Spacing();
    if (primary_button("Import", ImVec2(em * 7, 0))) {
        ctx.emit(intent::Import{d.import_path, d.import_title,
                                d.import_kind == 1 ? catalog::Kind::training : catalog::Kind::walkthrough});
        ImGui::CloseCurrentPopup();
    }
    ImGui::SameLine();
    if (ImGui::Button("Cancel", ImVec2(em * 7, 0))) ImGui::CloseCurrentPopup();
    ImGui::EndPopup();
}

}  // namespace

void draw_library(ViewContext& ctx) {
    const AppState& s = ctx.s;
    Drafts& d = ctx.d;
    const float em = ctx.em();
    std::string sub = !s.library.loaded
                          ? "loading…"
                          : fmt::format("{} of {} recording{}", s.library.visible.size(), s.library.recordings.size(),
                                        s.library.recordings.size() == 1 ? "" : "s");
    if (s.library.loaded && !s.library.complete) sub += " (loading the rest…)";
    heading("Library", sub);

    const float import_w = em * 7, reload_w = em * 5;
    ImGui::SetNextItemWidth(ImGui::GetContentRegionAvail().x - import_w - reload_w -
                            2 * ImGui::GetStyle().ItemSpacing.x);
    if (ctx.focus_search) ImGui::SetKeyboardFocusHere();
    if (ImGui::InputTextWithHint("##search", "Search titles, descriptions, tags and comments   (Ctrl+F)", &d.search))
        ctx.emit(intent::Search{d.search});
    ImGui::SameLine();
    if (ImGui::Button("Reload", ImVec2(reload_w, 0))) ctx.emit(intent::Refresh{});
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("Show what others changed meanwhile (F5)");
    ImGui::SameLine();
    if (ImGui::Button("Import…", ImVec2(import_w, 0))) ImGui::OpenPopup("Import a video");
    draw_import_popup(ctx);
    ImGui::Spacing();

    if (d.search.find_first_not_of(' ') != std::string::npos) {
        draw_search_results(ctx);
        return;
    }
    draw_filters(ctx);
    ImGui::Spacing();
    draw_grid(ctx);
}

}  // namespace wt::ui
