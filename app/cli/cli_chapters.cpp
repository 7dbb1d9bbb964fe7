// chapter, chapters
#include <fmt/format.h>

#include "app/cli/commands.hpp"
#include "catalog/json_shapes.hpp"
#include "common/text.hpp"

namespace wt::app {

namespace {

// Long titles are cut for the terminal (at a UTF-8 boundary); --json carries them whole.
std::string shown_title(const std::string& title) { return one_line(cut_utf8(title, 300)); }

std::string chapter_line(const catalog::Chapter& c) {
    return fmt::format("{}  {}", fit(format_moment_exact(c.at_ms), 9), shown_title(c.title));
}

}  // namespace

std::string chapter_lines(const std::vector<catalog::Chapter>& chapters, const std::string& indent) {
    std::string out;
    for (const auto& c : chapters) out += indent + chapter_line(c) + "\n";
    return out;
}

namespace {

struct ChapterOptions {
    std::string id;
    std::string at;
    std::optional<std::string> title;
    bool remove = false;
};

Result<void> run_chapter(CliContext& ctx, const ChapterOptions& o) {
    if (o.remove && o.title) {
        return fail(ErrorCode::invalid_input,
                    "--remove takes no title; give either a title (to add or rename) or --remove");
    }
    if (!o.remove && !o.title) {
        return fail(ErrorCode::invalid_input,
                    "give the chapter's title, e.g. `walkthrough chapter ID --at 2:13 \"Setup\"`, or "
                    "--remove to remove the chapter at that moment");
    }
    auto at = parse_moment_option(o.at, "--at");
    if (!at) return std::unexpected(at.error());
    return with_library(ctx, [&](catalog::Library& lib) {
        auto c = o.remove ? lib.remove_chapter(o.id, *at) : lib.set_chapter(o.id, *at, *o.title);
        return emit_result(ctx, c, [&](const catalog::Chapter& done) {
            return fmt::format("{}  {} at {}: {}", done.recording_id, o.remove ? "removed the chapter" : "chapter",
                               format_moment_exact(done.at_ms), shown_title(done.title));
        });
    });
}

void add_chapter(CLI::App& app, Action& action) {
    auto o = std::make_shared<ChapterOptions>();
    auto* cmd = app.add_subcommand("chapter",
                                   "Name the moment where a part of a recording starts (again: rename), "
                                   "or --remove it");
    cmd->add_option("id", o->id, "Recording id or a unique start of it")->required();
    cmd->add_option("title", o->title, "The chapter's title");
    cmd->add_option("--at", o->at, "Moment in the video: MM:SS, H:MM:SS or seconds (e.g. 2:13 or 2:13.5)")->required();
    cmd->add_flag("--remove", o->remove, "Remove the chapter at that moment");
    run_when_parsed(cmd, action, o, run_chapter);
}

Result<void> run_chapters(CliContext& ctx, const IdOption& o) {
    return with_library(ctx, [&](catalog::Library& lib) {
        return emit_list(ctx, lib.chapters(o.id), [&](const std::vector<catalog::Chapter>& all) {
            return all.empty() ? fmt::format("No chapters yet. Add one with `walkthrough chapter {} --at MM:SS TITLE`.",
                                             one_line(o.id))
                               : chapter_lines(all, "");
        });
    });
}

void add_chapters(CLI::App& app, Action& action) {
    auto o = std::make_shared<IdOption>();
    auto* cmd = app.add_subcommand("chapters", "List a recording's chapters in time order");
    cmd->add_option("id", o->id, "Recording id or a unique start of it")->required();
    run_when_parsed(cmd, action, o, run_chapters);
}

}  // namespace

void add_chapter_commands(CLI::App& app, Action& action) {
    add_chapter(app, action);
    add_chapters(app, action);
}

}  // namespace wt::app
