// Player: the shared player panel (video, timeline with chapters, comment markers and my watched
// stretches, controls), "watched 93 %" and Mark watched; beside it the chapters (click to go there,
// add one at the current moment, remove) and the comments, by moment: click a moment to go there,
// write at the current moment, reply, resolve.
#include <algorithm>

#include <fmt/format.h>

#include "app/desktop/model/view_logic.hpp"
#include "app/desktop/views/views.hpp"

namespace wt::ui {

namespace {

void draw_composer(ViewContext& ctx, const PlayerData& p) {
    Drafts& d = ctx.d;
    const float em = ctx.em();
    const catalog::Comment* replying = nullptr;
    for (const auto& c : p.comments)
        if (!d.reply_to.empty() && c.id == d.reply_to) replying = &c;
    if (replying) {
        ImGui::TextDisabled("Replying to %s:", replying->author.c_str());
        ImGui::SameLine();
        text_fit(replying->body, ImGui::GetContentRegionAvail().x - em * 4.5f, colour::muted);
        ImGui::SameLine();
        if (ImGui::SmallButton("Cancel")) d.reply_to.clear();
    } else {
        const std::string at = fmt::format("At {} (now in the video)", format_moment(p.snapshot.position_ms));
        ImGui::Checkbox(at.c_str(), &d.comment_at_moment);
        if (!d.comment_at_moment) {
            ImGui::SameLine();
            ImGui::TextDisabled("· about the whole video");
        }
    }
    ImGui::InputTextMultiline("##comment", &d.comment, ImVec2(-1, ImGui::GetTextLineHeight() * 3.2f));
    const bool send =
        ImGui::IsItemFocused() && ImGui::GetIO().KeyCtrl && ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Enter));
    const bool empty = d.comment.find_first_not_of(" \t\r\n") == std::string::npos;
    ImGui::BeginDisabled(empty);
    if ((primary_button(replying ? "Reply" : "Comment", ImVec2(em * 6, 0)) || send) && !empty) {
        std::optional<std::int64_t> at;
        if (!replying && d.comment_at_moment) at = p.snapshot.position_ms;
        ctx.emit(intent::AddComment{p.id, d.comment, at, replying ? replying->id : std::string()});
    }
    ImGui::EndDisabled();
    ImGui::SameLine();
    ImGui::TextDisabled("Ctrl+Enter");
}

void draw_chapters(ViewContext& ctx, const PlayerData& p) {
    Drafts& d = ctx.d;
    const float em = ctx.em();
    const std::int64_t now_at = p.snapshot.position_ms;
    heading("Chapters", p.chapters.empty() ? std::string("none yet") : fmt::format("{}", p.chapters.size()));
    if (!p.chapters.empty()) {
        // A few rows tall at most, so the comments keep most of the column.
        const float rows = static_cast<float>(std::min<std::size_t>(p.chapters.size(), 5));
        ImGui::BeginChild("chapter-list", ImVec2(0, rows * ImGui::GetTextLineHeightWithSpacing()));
        std::size_t current = p.chapters.size();
        for (std::size_t i = 0; i < p.chapters.size() && p.chapters[i].at_ms <= now_at; ++i) current = i;
        for (std::size_t i = 0; i < p.chapters.size(); ++i) {
            const catalog::Chapter& c = p.chapters[i];
            ImGui::PushID(static_cast<int>(i));
            if (ImGui::SmallButton(format_moment(c.at_ms).c_str())) ctx.emit(intent::Play{p.id, c.at_ms});
            if (ImGui::IsItemHovered()) ImGui::SetTooltip("Go to this chapter");
            ImGui::SameLine();
            const float remove_w = ImGui::CalcTextSize("×").x + ImGui::GetStyle().FramePadding.x * 2;
            text_fit(c.title, ImGui::GetContentRegionAvail().x - remove_w - em * 0.6f,
                     i == current ? colour::chapter : IM_COL32(220, 220, 225, 255));
            ImGui::SameLine(ImGui::GetWindowContentRegionMax().x - remove_w);
            if (ImGui::SmallButton("×")) ctx.emit(intent::RemoveChapter{p.id, c.at_ms});
            if (ImGui::IsItemHovered()) ImGui::SetTooltip("Remove this chapter");
            ImGui::PopID();
        }
        ImGui::EndChild();
    }
    const std::string add = fmt::format("Add chapter at {}", format_moment(now_at));
    const float add_w = ImGui::CalcTextSize(add.c_str()).x + ImGui::GetStyle().FramePadding.x * 2;
    const bool enter = input_hint("##chapter", "Chapter title", d.chapter_title,
                                  ImGui::GetContentRegionAvail().x - add_w - ImGui::GetStyle().ItemSpacing.x);
    ImGui::SameLine();
    const bool empty = d.chapter_title.find_first_not_of(" \t\r\n") == std::string::npos;
    // At the very end no part can start (the catalog would refuse it): say so rather than fail.
    const bool at_end = p.snapshot.duration_ms > 0 && now_at >= p.snapshot.duration_ms;
    ImGui::BeginDisabled(empty || at_end);
    if ((ImGui::Button(add.c_str()) || enter) && !empty && !at_end)
        ctx.emit(intent::AddChapter{p.id, now_at, d.chapter_title});
    ImGui::EndDisabled();
    if (at_end && ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled))
        ImGui::SetTooltip("This is the end of the video; go back to where the part starts.");
}

void draw_comment_list(ViewContext& ctx, const PlayerData& p) {
    Drafts& d = ctx.d;
    const float em = ctx.em();
    const auto rows = comment_rows(p.comments);
    if (rows.empty()) {
        ImGui::TextDisabled("No comments yet. Ask a question at the moment it comes up.");
        return;
    }
    for (const CommentRow& row : rows) {
        const catalog::Comment& c = p.comments[row.index];
        ImGui::PushID(c.id.c_str());
        const float indent = em * 1.2f * static_cast<float>(row.depth);
        if (indent > 0) ImGui::Indent(indent);
        if (row.resolved) ImGui::PushStyleVar(ImGuiStyleVar_Alpha, 0.55f);
        if (row.depth == 0 && c.at_ms) {
            if (ImGui::SmallButton(format_moment(*c.at_ms).c_str())) ctx.emit(intent::Play{p.id, c.at_ms});
            if (ImGui::IsItemHovered()) ImGui::SetTooltip("Go to this moment");
            ImGui::SameLine();
        } else if (row.depth == 0) {
            ImGui::TextDisabled("whole video");
            ImGui::SameLine();
        }
        const bool mine = c.author == ctx.s.me && !c.author_guest;
        ImGui::TextColored(to_vec4(mine ? colour::accent : IM_COL32(235, 200, 120, 255)), "%s", c.author.c_str());
        ImGui::SameLine();
        if (c.author_guest) {  // came by a share link: not the team member of that name
            ImGui::TextDisabled("(guest)");
            ImGui::SameLine();
        }
        ImGui::TextDisabled("%s ago", format_age(std::max<std::int64_t>(ctx.now - c.created_at, 0)).c_str());
        if (row.depth == 0 && row.resolved) {
            ImGui::SameLine();
            badge("resolved", IM_COL32(60, 120, 80, 255));
        }
        ImGui::PushTextWrapPos(0);
        ImGui::TextUnformatted(c.body.c_str());
        ImGui::PopTextWrapPos();
        if (ImGui::SmallButton("Reply")) d.reply_to = c.id;
        if (row.depth == 0 && !row.resolved) {
            ImGui::SameLine();
            if (ImGui::SmallButton("Resolve")) ctx.emit(intent::Resolve{c.id});
        }
        if (row.resolved) ImGui::PopStyleVar();
        if (indent > 0) ImGui::Unindent(indent);
        ImGui::Spacing();
        ImGui::PopID();
    }
}

}  // namespace

void draw_player(ViewContext& ctx) {
    const PlayerData& p = ctx.s.player;
    const float em = ctx.em();
    if (p.id.empty()) {
        heading("Player");
        ImGui::TextDisabled("Choose a recording in the library to play it.");
        return;
    }
    if (ImGui::Button("← Library")) ctx.emit(intent::ClosePlayer{});
    ImGui::SameLine();
    const std::string title = p.recording ? p.recording->title : std::string(p.error.empty() ? "Opening…" : "");
    const std::string watched = coverage_text(p.mine);
    const float right = em * 17;
    ImGui::AlignTextToFramePadding();
    const ImVec2 title_at = ImGui::GetCursorScreenPos();
    draw_text_fit(ImGui::GetWindowDrawList(), ImVec2(title_at.x, title_at.y + ImGui::GetStyle().FramePadding.y),
                  ImGui::GetContentRegionAvail().x - right, IM_COL32(240, 240, 245, 255), title);
    ImGui::Dummy(ImVec2(ImGui::GetContentRegionAvail().x - right, ImGui::GetFrameHeight()));
    ImGui::SameLine(ImGui::GetWindowContentRegionMax().x - right + em);
    ImGui::AlignTextToFramePadding();
    ImGui::TextColored(to_vec4(p.mine && p.mine->watched_at ? colour::good : colour::muted), "%s", watched.c_str());
    ImGui::SameLine(ImGui::GetWindowContentRegionMax().x - em * 7.5f);
    ImGui::BeginDisabled(!p.recording || (p.mine && p.mine->watched_at));
    if (ImGui::Button("Mark watched", ImVec2(em * 7.5f, 0))) ctx.emit(intent::MarkWatched{p.id});
    ImGui::EndDisabled();

    if (!p.error.empty()) {
        ImGui::PushTextWrapPos(0);
        ImGui::TextColored(to_vec4(colour::bad), "This recording cannot be played: %s", p.error.c_str());
        ImGui::PopTextWrapPos();
        ImGui::TextDisabled(
            "Its video file may have been moved or deleted outside the app; export or delete it "
            "from its details.");
        if (p.recording && ImGui::Button("Details")) ctx.emit(intent::OpenDetails{p.id});
        return;
    }
    if (!p.engine) {
        ImGui::TextDisabled("Opening…");
        return;
    }
    const float avail = ImGui::GetContentRegionAvail().x;
    const float side = std::clamp(avail * 0.32f, em * 17, em * 26);
    ImGui::BeginChild("video", ImVec2(avail - side - ImGui::GetStyle().ItemSpacing.x, 0), false,
                      ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse);
    app::PlayerPanel panel;
    panel.markers = app::comment_markers(p.comments);
    panel.chapters = app::timeline_chapters(p.chapters);
    if (p.mine)
        for (const auto& i : p.mine->intervals) panel.watched.push_back({i.start_ms, i.end_ms});
    static app::TimelineDrag no_drag;
    draw_player_panel(*p.engine, p.snapshot, panel, ctx.surface, ctx.drag ? *ctx.drag : no_drag);
    ImGui::EndChild();
    ImGui::SameLine();
    ImGui::BeginChild("comments", ImVec2(0, 0), false);
    draw_chapters(ctx, p);
    ImGui::Spacing();
    heading("Comments", p.comments.empty() ? std::string("none yet")
                                           : fmt::format("{} · {} open", p.comments.size(), open_threads(p.comments)));
    draw_composer(ctx, p);
    ImGui::Separator();
    ImGui::BeginChild("comment-list");
    draw_comment_list(ctx, p);
    ImGui::EndChild();
    ImGui::EndChild();
}

}  // namespace wt::ui
