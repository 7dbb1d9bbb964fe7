// import, list, search, show, edit, delete, export

#include <cstdio>

#include <fmt/format.h>

#include "app/cli/commands.hpp"
#include "catalog/json_shapes.hpp"

namespace wt::app {

namespace {

std::string describe_video(const catalog::Recording& r) {
    std::string codecs = r.video_codec + (r.audio_codec.empty() ? "" : " + " + r.audio_codec);
    return fmt::format("{} · {}x{} · {} · {}", format_moment(r.duration_ms), r.width, r.height, codecs,
                       human_size(r.size_bytes));
}

std::string recording_table(const std::vector<catalog::Recording>& rows) {
    std::string out = fmt::format("{}  {}  {}  {}  {}  {}\n", fit("ID", 10), fit("KIND", 11), fit("TITLE", 40),
                                  fit("LENGTH", 7), fit("AUTHOR", 12), "CREATED");
    for (const auto& r : rows) {
        out += fmt::format("{}  {}  {}  {}  {}  {}{}\n", r.id, fit(catalog::to_string(r.kind), 11), fit(r.title, 40),
                           fit(format_moment(r.duration_ms), 7), fit(r.author, 12), format_local_time(r.created_at),
                           r.comment_count == 0   ? std::string()
                           : r.comment_count == 1 ? std::string("  (1 comment)")
                                                  : fmt::format("  ({} comments)", r.comment_count));
    }
    return out;
}

// A path as a shell reads it back, for a command the person can paste.
std::string shell_quoted(const std::string& path) {
    std::string out = "'";
    for (char c : path) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

// One message for what `delete` did: the recording is gone from the library either way; files that
// could not be removed are named with the command that removes them, rather than claiming they went too.
std::string deleted_message(const catalog::Removal& gone) {
    const auto& rec = gone.recording;
    const std::string comments =
        rec.comment_count == 1 ? "its comment" : fmt::format("its {} comments", rec.comment_count);
    if (gone.files_left.empty()) {
        return fmt::format("{}  deleted '{}' with its media and {}", rec.id, one_line(rec.title),
                           rec.comment_count == 0 ? "no comments" : comments);
    }
    std::string names, rm = "rm --";
    for (const auto& f : gone.files_left) {
        names += (names.empty() ? "" : ", ") + one_line(f.string());
        rm += " " + shell_quoted(one_line(f.string()));
    }
    return fmt::format(
        "{}  deleted '{}'{} from the library, but {} could not be removed and {} left behind; "
        "remove {} by hand: {}",
        rec.id, one_line(rec.title), rec.comment_count == 0 ? "" : " and " + comments, names,
        gone.files_left.size() == 1 ? "is" : "are", gone.files_left.size() == 1 ? "it" : "them", rm);
}

// "importing: copying  42 %" on a terminal (CliContext::shows_progress).
catalog::Progress terminal_progress(const CliContext& ctx, const char* doing) {
    if (!ctx.shows_progress()) return {};
    return [doing](double f, std::string_view what) {
        std::fprintf(stderr, "\r\033[K%s: %.*s %3d %%", doing, static_cast<int>(what.size()), what.data(),
                     static_cast<int>(f * 100));
        return true;
    };
}

struct ImportOptions {
    std::string file;
    EntryOptions entry;
};

Result<void> run_import(CliContext& ctx, const ImportOptions& o) {
    auto in = o.entry.to_new_recording();
    if (!in) return std::unexpected(in.error());
    in->file = o.file;
    return with_library(ctx, [&](catalog::Library& lib) {
        auto rec = lib.import_recording(*in, terminal_progress(ctx, "importing"));
        ctx.end_progress_line();
        return emit_result(ctx, rec, [](const catalog::Recording& r) {
            return fmt::format("{}  imported '{}' ({}){}", r.id, one_line(r.title), describe_video(r),
                               r.note.empty() ? "" : "\nnote: " + r.note);
        });
    });
}

void add_import(CLI::App& app, Action& action) {
    auto o = std::make_shared<ImportOptions>();
    auto* cmd = app.add_subcommand("import", "Copy a video file into the library (probed, thumbnailed)");
    cmd->add_option("file", o->file, "Video file")->required();
    o->entry.add_to(cmd, "Title (default: the file name; empty: a dated title)");
    run_when_parsed(cmd, action, o, run_import);
}

struct ListOptions {
    std::optional<std::string> kind;  // parsed when run, for parse_kind's message (exit 2)
    catalog::ListFilter filter;       // the other options are parsed straight into it
};

Result<void> run_list(CliContext& ctx, const ListOptions& o) {
    catalog::ListFilter f = o.filter;
    if (o.kind) {
        auto k = catalog::parse_kind(*o.kind);
        if (!k) return std::unexpected(k.error());
        f.kind = *k;
    }
    return with_library(ctx, [&](catalog::Library& lib) {
        return emit_list(ctx, lib.list(f), [](const std::vector<catalog::Recording>& rows) {
            return rows.empty() ? "No recordings match. Add one with `walkthrough import FILE`."
                                : recording_table(rows);
        });
    });
}

void add_list(CLI::App& app, Action& action) {
    auto o = std::make_shared<ListOptions>();
    auto* cmd = app.add_subcommand("list", "List recordings, newest first");
    cmd->add_option("--kind", o->kind, "walkthrough or training");
    cmd->add_option("--tag", o->filter.tag, "Only with this tag");
    cmd->add_option("--author", o->filter.author, "Only by this person");
    cmd->add_flag("--unwatched", o->filter.unwatched, "Only those I have not watched");
    cmd->add_option("--assigned-to", o->filter.assigned_to, "Only those assigned to this person");
    cmd->add_option("--limit", o->filter.limit, "Page size")->capture_default_str()->check(CLI::Range(1, 10000));
    cmd->add_option("--offset", o->filter.offset, "Skip this many")
        ->check(not_negative("give how many recordings to skip, 0 or more (e.g. --offset 20)"));
    run_when_parsed(cmd, action, o, run_list);
}

std::string search_hit_line(const catalog::SearchHit& h) {
    std::string where = h.matched_in == "recording" ? "recording"
                        : h.at_ms                   ? fmt::format("{} at {}", h.matched_in, format_moment(*h.at_ms))
                                                    : h.matched_in;
    return fmt::format("{}  {}  {}: {}\n", h.recording_id, fit(h.recording_title, 32), where, one_line(h.excerpt));
}

struct SearchOptions {
    std::vector<std::string> query;
    int limit = 20;
};

Result<void> run_search(CliContext& ctx, const SearchOptions& o) {
    std::string text;
    for (const auto& w : o.query) text += (text.empty() ? "" : " ") + w;
    return with_library(ctx, [&](catalog::Library& lib) {
        return emit_list(ctx, lib.search(text, o.limit), [&](const std::vector<catalog::SearchHit>& hits) {
            std::string human;
            for (const auto& h : hits) human += search_hit_line(h);
            return human.empty() ? fmt::format("Nothing matches '{}'.", one_line(text)) : human;
        });
    });
}

void add_search(CLI::App& app, Action& action) {
    auto o = std::make_shared<SearchOptions>();
    auto* cmd = app.add_subcommand("search", "Search titles, descriptions, tags, comments and chapters");
    cmd->add_option("query", o->query, "Words to find (the last one may be the start of a word)")->required();
    cmd->add_option("--limit", o->limit, "At most this many results")->check(CLI::Range(1, 500));
    run_when_parsed(cmd, action, o, run_search);
}

// The human text of `show`: the recording's facts, then chapters, views and assignments.
// `media` is where its file is, as said to people.
std::string show_text(const catalog::RecordingOverview& shown, const std::string& media) {
    const catalog::Recording& rec = shown.recording;
    const std::string tags =
        rec.tags.empty() ? "" : " · tags: " + one_line(fmt::format("{}", fmt::join(rec.tags, ", ")));
    std::string h = fmt::format(
        "{}\n  id          {}\n  kind        {}{}\n  author      {} · {}\n"
        "  video       {}\n  status      {}{}\n  media       {}\n",
        one_line(rec.title), rec.id, catalog::to_string(rec.kind), tags, one_line(rec.author),
        format_local_time(rec.created_at), describe_video(rec), catalog::to_string(rec.status),
        rec.note.empty() ? "" : " (" + one_line(rec.note) + ")",
        one_line(media));
    if (!rec.description.empty()) h += "  description " + indented(rec.description, std::string(14, ' ')) + "\n";
    h += fmt::format("  comments    {} ({} open threads)\n", rec.comment_count, rec.open_comment_count);
    if (!shown.chapters.empty()) h += "  chapters\n" + chapter_lines(shown.chapters, "    ");
    for (const auto& v : shown.views) {
        h += fmt::format(
            "  viewed by   {}{} · {:.0f} %{}\n", one_line(v.person), v.guest ? " (guest)" : "", v.coverage * 100,
            v.watched_at
                ? fmt::format(" · watched {} ({})", format_local_time(*v.watched_at), catalog::to_string(*v.how))
                : fmt::format(" · resume at {}", format_moment(v.last_position_ms)));
    }
    for (const auto& a : shown.assignments) {
        h += fmt::format("  assigned    {} · due {} · {}\n", one_line(a.assignee), a.due.value_or("-"),
                         catalog::to_string(a.state));
    }
    return h;
}

Result<void> run_show(CliContext& ctx, const IdOption& o) {
    return with_library(ctx, [&](catalog::Library& lib) -> Result<void> {
        auto shown = catalog::overview(lib, o.id);
        if (!shown) return std::unexpected(shown.error());
        const auto media = lib.absolute(shown->recording.media_path);
        nlohmann::json j = to_json(*shown);
        j["media_file"] = media.string();  // the one field only the CLI has: where the file is here
        ctx.emit(j, show_text(*shown, ctx.on_team_library() ? "on the team server" : media.string()));
        return {};
    });
}

void add_show(CLI::App& app, Action& action) {
    auto o = std::make_shared<IdOption>();
    auto* cmd = app.add_subcommand("show", "Show one recording: details, chapters, who watched, assignments");
    cmd->add_option("id", o->id, "Recording id or a unique start of it")->required();
    run_when_parsed(cmd, action, o, run_show);
}

struct EditOptions {
    std::string id;
    std::optional<std::string> title, description, kind;
    std::vector<std::string> add_tags, remove_tags;
};

Result<void> run_edit(CliContext& ctx, const EditOptions& o) {
    catalog::RecordingEdit e;
    e.title = o.title;
    e.description = o.description;
    if (o.kind) {
        auto k = catalog::parse_kind(*o.kind);
        if (!k) return std::unexpected(k.error());
        e.kind = *k;
    }
    e.add_tags = o.add_tags;
    e.remove_tags = o.remove_tags;
    if (!e.title && !e.description && !e.kind && e.add_tags.empty() && e.remove_tags.empty()) {
        return fail(ErrorCode::invalid_input,
                    "nothing to change; give --title, --description, --kind, --add-tag or --remove-tag");
    }
    return with_library(ctx, [&](catalog::Library& lib) {
        return emit_result(ctx, lib.edit(o.id, e), [](const catalog::Recording& rec) {
            return fmt::format("{}  updated '{}'", rec.id, one_line(rec.title));
        });
    });
}

void add_edit(CLI::App& app, Action& action) {
    auto o = std::make_shared<EditOptions>();
    auto* cmd = app.add_subcommand("edit", "Change a recording's title, description, kind or tags");
    cmd->add_option("id", o->id, "Recording id or a unique start of it")->required();
    cmd->add_option("--title", o->title, "New title (empty: a dated title)");
    cmd->add_option("--description", o->description, "New description");
    cmd->add_option("--kind", o->kind, "walkthrough or training");
    cmd->add_option("--add-tag", o->add_tags, "Add a tag (repeatable)");
    cmd->add_option("--remove-tag", o->remove_tags, "Remove a tag (repeatable)");
    run_when_parsed(cmd, action, o, run_edit);
}

Result<void> run_delete(CliContext& ctx, const IdOption& o) {
    return with_library(ctx, [&](catalog::Library& lib) -> Result<void> {
        auto gone = lib.remove(o.id);
        if (!gone) return std::unexpected(gone.error());
        nlohmann::json left = nlohmann::json::array();
        for (const auto& f : gone->files_left) left.push_back(f.string());
        ctx.emit(nlohmann::json{{"deleted", to_json(gone->recording)}, {"files_left", left}}, deleted_message(*gone));
        return {};
    });
}

void add_delete(CLI::App& app, Action& action) {
    auto o = std::make_shared<IdOption>();
    auto* cmd = app.add_subcommand("delete", "Delete a recording with its media, comments and views (at once)");
    cmd->add_option("id", o->id, "Recording id or a unique start of it")->required();
    run_when_parsed(cmd, action, o, run_delete);
}

struct ExportOptions {
    std::string id, dest;
};

Result<void> run_export(CliContext& ctx, const ExportOptions& o) {
    return with_library(ctx, [&](catalog::Library& lib) -> Result<void> {
        auto out = lib.export_to(o.id, o.dest, terminal_progress(ctx, "exporting"));
        ctx.end_progress_line();
        if (!out) return std::unexpected(out.error());
        ctx.emit(
            {{"media", out->media.string()}, {"sidecar", out->sidecar.string()}},
            fmt::format("exported {}\n     and {}", one_line(out->media.string()), one_line(out->sidecar.string())));
        return {};
    });
}

void add_export(CLI::App& app, Action& action) {
    auto o = std::make_shared<ExportOptions>();
    auto* cmd =
        app.add_subcommand("export", "Copy a recording out with a JSON sidecar (metadata, chapters and comments)");
    cmd->add_option("id", o->id, "Recording id or a unique start of it")->required();
    cmd->add_option("dest", o->dest, "A folder, or the file name to write")->required();
    run_when_parsed(cmd, action, o, run_export);
}

}  // namespace

void add_recording_commands(CLI::App& app, Action& action) {
    add_import(app, action);
    add_list(app, action);
    add_search(app, action);
    add_show(app, action);
    add_edit(app, action);
    add_delete(app, action);
    add_export(app, action);
}

}  // namespace wt::app
