// comment, comments, resolve, inbox
#include <fmt/format.h>

#include "app/cli/commands.hpp"
#include "catalog/json_shapes.hpp"

namespace wt::app {

namespace {

struct CommentOptions {
    std::string id;
    std::optional<std::string> at;
    std::optional<std::string> reply_to;
    std::string text;
};

Result<void> run_comment(CliContext& ctx, const CommentOptions& o) {
    catalog::NewComment in{o.id, o.text, std::nullopt, o.reply_to};
    if (o.at) {
        auto at = parse_moment_option(*o.at, "--at");
        if (!at) return std::unexpected(at.error());
        in.at_ms = *at;
    }
    return with_library(ctx, [&](catalog::Library& lib) {
        return emit_result(ctx, lib.comment(in), [](const catalog::Comment& c) {
            return fmt::format("{}  {}{}", c.id, c.parent_id.empty() ? "comment added" : "reply added",
                               c.at_ms ? " at " + format_moment_exact(*c.at_ms) : "");
        });
    });
}

void add_comment(CLI::App& app, Action& action) {
    auto o = std::make_shared<CommentOptions>();
    auto* cmd = app.add_subcommand("comment", "Comment on a recording, at a moment or on the whole video");
    cmd->add_option("id", o->id, "Recording id or a unique start of it")->required();
    cmd->add_option("text", o->text, "The comment")->required();
    cmd->add_option("--at", o->at, "Moment in the video: MM:SS or H:MM:SS");
    cmd->add_option("--reply-to", o->reply_to, "Reply to this comment (id or a unique start of it)");
    run_when_parsed(cmd, action, o, run_comment);
}

// A comment's header line and its body, shown exactly, indented under it; replies under their thread.
std::string comment_text(const catalog::Comment& c) {
    const bool reply = !c.parent_id.empty();
    std::string head = fmt::format("{}{} · {} · {}{}", reply ? "    ↳ " : "",
                                   c.at_ms ? format_moment(*c.at_ms) : (reply ? "reply" : "whole video"),
                                   one_line(c.author) + (c.author_guest ? " (guest)" : ""),
                                   format_local_time(c.created_at), c.resolved_at ? " · resolved" : "");
    const std::string indent = reply ? "      " : "  ";
    return fmt::format("{}  [{}]\n", head, c.id) + indent + indented(c.body, indent) + '\n';
}

Result<void> run_comments(CliContext& ctx, const IdOption& o) {
    return with_library(ctx, [&](catalog::Library& lib) {
        return emit_list(ctx, lib.comments(o.id), [](const std::vector<catalog::Comment>& all) {
            std::string h;
            for (const auto& c : all) h += comment_text(c);
            return h.empty() ? "No comments yet." : h;
        });
    });
}

void add_comments(CLI::App& app, Action& action) {
    auto o = std::make_shared<IdOption>();
    auto* cmd = app.add_subcommand("comments", "Show a recording's comments as threads, in video order");
    cmd->add_option("id", o->id, "Recording id or a unique start of it")->required();
    run_when_parsed(cmd, action, o, run_comments);
}

Result<void> run_resolve(CliContext& ctx, const IdOption& o) {
    return with_library(ctx, [&](catalog::Library& lib) {
        return emit_result(ctx, lib.resolve(o.id), [](const catalog::Comment& c) {
            return fmt::format("{}  thread resolved by {} at {}", c.id, one_line(c.resolved_by),
                               format_local_time(c.resolved_at.value_or(0)));
        });
    });
}

void add_resolve(CLI::App& app, Action& action) {
    auto o = std::make_shared<IdOption>();
    auto* cmd = app.add_subcommand("resolve", "Mark a comment's thread resolved");
    cmd->add_option("cid", o->id, "Comment id or a unique start of it")->required();
    run_when_parsed(cmd, action, o, run_resolve);
}

// One waiting comment: how long, by whom, where, why, its start, and the command that answers it.
std::string inbox_item_text(const catalog::InboxItem& i) {
    return fmt::format("{} {}  {} on '{}'{} · {}\n  {}\n  reply: walkthrough comment {} --reply-to {} \"…\"\n",
                       i.overdue ? "OVERDUE" : "waiting", format_age(i.age_ms), one_line(i.comment.author),
                       one_line(i.recording_title), i.comment.at_ms ? " at " + format_moment(*i.comment.at_ms) : "",
                       one_line(i.reason),
                       one_line(i.comment.body.size() > 300 ? i.comment.body.substr(0, 300) + "…" : i.comment.body),
                       i.comment.recording_id, i.comment.id);
}

Result<void> run_inbox(CliContext& ctx, const NoOptions&) {
    return with_library(ctx, [&](catalog::Library& lib) -> Result<void> {
        auto inbox = lib.inbox();
        if (!inbox) return std::unexpected(inbox.error());
        std::string h;
        for (const auto& i : inbox->items) h += inbox_item_text(i);
        const std::string shown = static_cast<std::int64_t>(inbox->items.size()) < inbox->total
                                      ? fmt::format(" (the oldest {} shown)", inbox->items.size())
                                      : "";
        ctx.emit(to_json(*inbox), h.empty()
                                      ? fmt::format("Nothing waits for a reply from {}.", one_line(lib.me().name))
                                      : fmt::format("{} waiting for {}{} · response window {} h\n\n{}", inbox->total,
                                                    one_line(lib.me().name), shown, inbox->response_window_hours, h));
        return {};
    });
}

void add_inbox(CLI::App& app, Action& action) {
    auto* cmd = app.add_subcommand("inbox", "Comments waiting for my reply, oldest (overdue) first");
    run_when_parsed(cmd, action, std::make_shared<NoOptions>(), run_inbox);
}

}  // namespace

void add_comment_commands(CLI::App& app, Action& action) {
    add_comment(app, action);
    add_comments(app, action);
    add_resolve(app, action);
    add_inbox(app, action);
}

}  // namespace wt::app
