// comment, comments, resolve, inbox
#include <fmt/format.h>

#include "app/cli/commands.hpp"
#include "catalog/json_shapes.hpp"

namespace wt::app {

void add_comment_commands(CLI::App& app, Action& action) {
    {
        struct Opts {
            std::string id;
            std::optional<std::string> at;
            std::optional<std::string> reply_to;
            std::string text;
        };
        auto o = std::make_shared<Opts>();
        auto* cmd = app.add_subcommand("comment", "Comment on a recording, at a moment or on the whole video");
        cmd->add_option("id", o->id, "Recording id or a unique start of it")->required();
        cmd->add_option("text", o->text, "The comment")->required();
        cmd->add_option("--at", o->at, "Moment in the video: MM:SS or H:MM:SS");
        cmd->add_option("--reply-to", o->reply_to, "Reply to this comment (id or a unique start of it)");
        cmd->callback([o, &action] {
            action = [o](CliContext& ctx) -> Result<void> {
                catalog::NewComment in{o->id, o->text, std::nullopt, o->reply_to};
                if (o->at) {
                    auto at = parse_moment_option(*o->at, "--at");
                    if (!at) return std::unexpected(at.error());
                    in.at_ms = *at;
                }
                auto lib = ctx.open();
                if (!lib) return std::unexpected(lib.error());
                auto c = (*lib)->comment(in);
                if (!c) return std::unexpected(c.error());
                ctx.emit(to_json(*c), fmt::format("{}  {}{}", c->id, c->parent_id.empty() ? "comment added" : "reply added",
                                                  c->at_ms ? " at " + format_moment_exact(*c->at_ms) : ""));
                return {};
            };
        });
    }
    {
        auto id = std::make_shared<std::string>();
        auto* cmd = app.add_subcommand("comments", "Show a recording's comments as threads, in video order");
        cmd->add_option("id", *id, "Recording id or a unique start of it")->required();
        cmd->callback([id, &action] {
            action = [id](CliContext& ctx) -> Result<void> {
                auto lib = ctx.open();
                if (!lib) return std::unexpected(lib.error());
                auto all = (*lib)->comments(*id);
                if (!all) return std::unexpected(all.error());
                nlohmann::json j = nlohmann::json::array();
                std::string h;
                for (const auto& c : *all) {
                    j.push_back(to_json(c));
                    const bool reply = !c.parent_id.empty();
                    std::string head = fmt::format("{}{} · {} · {}{}", reply ? "    ↳ " : "",
                                                   c.at_ms ? format_moment(*c.at_ms) : (reply ? "reply" : "whole video"),
                                                   one_line(c.author), format_local_time(c.created_at),
                                                   c.resolved_at ? " · resolved" : "");
                    h += fmt::format("{}  [{}]\n", head, c.id);
                    // Bodies are shown exactly, indented under their header.
                    std::string indent = reply ? "      " : "  ";
                    h += indent + indented(c.body, indent) + '\n';
                }
                ctx.emit(j, h.empty() ? "No comments yet." : h);
                return {};
            };
        });
    }
    {
        auto id = std::make_shared<std::string>();
        auto* cmd = app.add_subcommand("resolve", "Mark a comment's thread resolved");
        cmd->add_option("cid", *id, "Comment id or a unique start of it")->required();
        cmd->callback([id, &action] {
            action = [id](CliContext& ctx) -> Result<void> {
                auto lib = ctx.open();
                if (!lib) return std::unexpected(lib.error());
                auto c = (*lib)->resolve(*id);
                if (!c) return std::unexpected(c.error());
                ctx.emit(to_json(*c), fmt::format("{}  thread resolved by {} at {}", c->id, one_line(c->resolved_by),
                                                  format_local_time(c->resolved_at.value_or(0))));
                return {};
            };
        });
    }
    {
        auto* cmd = app.add_subcommand("inbox", "Comments waiting for my reply, oldest (overdue) first");
        cmd->callback([&action] {
            action = [](CliContext& ctx) -> Result<void> {
                auto lib = ctx.open();
                if (!lib) return std::unexpected(lib.error());
                auto inbox = (*lib)->inbox();
                if (!inbox) return std::unexpected(inbox.error());
                std::string h;
                for (const auto& i : inbox->items) {
                    h += fmt::format("{} {}  {} on '{}'{} · {}\n  {}\n  reply: walkthrough comment {} --reply-to {} \"…\"\n",
                                     i.overdue ? "OVERDUE" : "waiting", format_age(i.age_ms), one_line(i.comment.author),
                                     one_line(i.recording_title), i.comment.at_ms ? " at " + format_moment(*i.comment.at_ms) : "",
                                     one_line(i.reason), one_line(i.comment.body.size() > 300 ? i.comment.body.substr(0, 300) + "…"
                                                                                     : i.comment.body),
                                     i.comment.recording_id, i.comment.id);
                }
                const std::string shown = static_cast<std::int64_t>(inbox->items.size()) < inbox->total
                                              ? fmt::format(" (the oldest {} shown)", inbox->items.size())
                                              : "";
                ctx.emit(to_json(*inbox),
                         h.empty() ? fmt::format("Nothing waits for a reply from {}.", one_line((*lib)->me().name))
                                   : fmt::format("{} waiting for {}{} · response window {} h\n\n{}", inbox->total,
                                                 one_line((*lib)->me().name), shown, inbox->response_window_hours, h));
                return {};
            };
        });
    }
}

}  // namespace wt::app
