// progress, watched, people, assign, assignments
#include <fmt/format.h>

#include "app/cli/commands.hpp"
#include "catalog/json_shapes.hpp"

namespace wt::app {

namespace {

std::string view_summary(const catalog::View& v) {
    std::string s = fmt::format("{}{} has watched {:.0f} % (resume at {})", one_line(v.person),
                                v.guest ? " (guest)" : "", v.coverage * 100, format_moment(v.last_position_ms));
    if (v.watched_at) s += fmt::format("; watched ({})", catalog::to_string(*v.how));
    return s;
}

struct ProgressOptions {
    std::string id, from, to;
};

Result<void> run_progress(CliContext& ctx, const ProgressOptions& o) {
    auto from = parse_moment_option(o.from, "--from");
    if (!from) return std::unexpected(from.error());
    auto to = parse_moment_option(o.to, "--to");
    if (!to) return std::unexpected(to.error());
    return with_library(ctx, [&](catalog::Library& lib) {
        return emit_result(ctx, lib.record_progress(o.id, *from, *to), view_summary);
    });
}

void add_progress(CLI::App& app, Action& action) {
    auto o = std::make_shared<ProgressOptions>();
    auto* cmd = app.add_subcommand("progress", "Record a stretch of the video that I watched");
    cmd->add_option("id", o->id, "Recording id or a unique start of it")->required();
    cmd->add_option("--from", o->from, "Start, in seconds or MM:SS")->required();
    cmd->add_option("--to", o->to, "End, in seconds or MM:SS")->required();
    run_when_parsed(cmd, action, o, run_progress);
}

Result<void> run_watched(CliContext& ctx, const IdOption& o) {
    return with_library(ctx,
                        [&](catalog::Library& lib) { return emit_result(ctx, lib.mark_watched(o.id), view_summary); });
}

void add_watched(CLI::App& app, Action& action) {
    auto o = std::make_shared<IdOption>();
    auto* cmd = app.add_subcommand("watched", "Mark a recording watched by me");
    cmd->add_option("id", o->id, "Recording id or a unique start of it")->required();
    run_when_parsed(cmd, action, o, run_watched);
}

struct PersonOptions {
    std::string name, email, role;
};

Result<void> run_people_add(CliContext& ctx, const PersonOptions& o) {
    return with_library(ctx, [&](catalog::Library& lib) {
        return emit_result(ctx, lib.add_person(o.name, o.email, o.role), [](const catalog::Person& p) {
            return fmt::format("{}  added {}", p.id, one_line(p.name));
        });
    });
}

Result<void> run_people_list(CliContext& ctx, const NoOptions&) {
    return with_library(ctx, [&](catalog::Library& lib) {
        return emit_list(ctx, lib.people(), [&](const std::vector<catalog::Person>& all) {
            std::string h = fmt::format("{}  {}  {}  {}  {}  {}\n", fit("ID", 10), fit("NAME", 20), fit("ACCESS", 6),
                                        fit("LAST SEEN", 16), fit("ROLE", 12), "EMAIL");
            for (const auto& p : all) {
                const std::string seen = p.last_seen_at ? format_local_time(*p.last_seen_at) : "never";
                h += fmt::format("{}  {}  {}  {}  {}  {}{}\n", p.id, fit(p.name, 20), fit(p.access, 6), fit(seen, 16),
                                 fit(p.role, 12), one_line(p.email), p.id == lib.me().id ? "  (you)" : "");
            }
            return h;
        });
    });
}

// `people` lists; `people add` adds (`people invite` and `revoke` are the server's, in cli_serve.cpp).
void add_people(CLI::App& app, Action& action) {
    auto* cmd = app.add_subcommand("people", "List people, or add one with `people add NAME`");
    auto o = std::make_shared<PersonOptions>();
    auto* add = cmd->add_subcommand("add", "Add a person");
    add->add_option("name", o->name, "Name (unique)")->required();
    add->add_option("--email", o->email, "E-mail address");
    add->add_option("--role", o->role, "Role, e.g. manager");
    run_when_parsed(add, action, o, run_people_add);
    cmd->callback([cmd, &action] {
        if (!cmd->get_subcommands().empty()) return;  // add, invite, revoke
        action = [](CliContext& ctx) { return run_people_list(ctx, NoOptions{}); };
    });
}

struct AssignOptions {
    std::string id, to;
    std::optional<std::string> due;
};

Result<void> run_assign(CliContext& ctx, const AssignOptions& o) {
    return with_library(ctx, [&](catalog::Library& lib) {
        return emit_result(ctx, lib.assign(o.id, o.to, o.due), [](const catalog::Assignment& a) {
            return fmt::format("{}  assigned '{}' to {}{} · {}", a.id, one_line(a.recording_title),
                               one_line(a.assignee), a.due ? ", due " + *a.due : "", catalog::to_string(a.state));
        });
    });
}

void add_assign(CLI::App& app, Action& action) {
    auto o = std::make_shared<AssignOptions>();
    auto* cmd = app.add_subcommand("assign", "Assign a recording to a person, optionally due by a date");
    cmd->add_option("id", o->id, "Recording id or a unique start of it")->required();
    cmd->add_option("--to", o->to, "Person")->required();
    cmd->add_option("--due", o->due, "Due date YYYY-MM-DD (by the end of that day)");
    run_when_parsed(cmd, action, o, run_assign);
}

struct AssignmentsOptions {
    std::optional<std::string> person;
    bool overdue = false;
};

std::string assignment_table(const std::vector<catalog::Assignment>& all) {
    std::string h = fmt::format("{}  {}  {}  {}  {}\n", fit("ASSIGNEE", 14), fit("RECORDING", 36), fit("DUE", 10),
                                fit("STATE", 11), "WATCHED");
    for (const auto& a : all) {
        h += fmt::format("{}  {}  {}  {}  {:.0f} %\n", fit(a.assignee, 14),
                         fit(a.recording_id + " " + a.recording_title, 36), fit(a.due.value_or("-"), 10),
                         fit(catalog::to_string(a.state), 11), a.coverage * 100);
    }
    return h;
}

Result<void> run_assignments(CliContext& ctx, const AssignmentsOptions& o) {
    return with_library(ctx, [&](catalog::Library& lib) {
        catalog::AssignmentFilter filter;
        filter.person = o.person;
        filter.overdue_only = o.overdue;
        return emit_list(ctx, lib.assignments(filter), [](const std::vector<catalog::Assignment>& all) {
            return all.empty() ? "No assignments." : assignment_table(all);
        });
    });
}

void add_assignments(CLI::App& app, Action& action) {
    auto o = std::make_shared<AssignmentsOptions>();
    auto* cmd = app.add_subcommand("assignments", "Who was asked to watch what, by when, and who did");
    cmd->add_option("--person", o->person, "Only this person's");
    cmd->add_flag("--overdue", o->overdue, "Only those past due and not watched");
    run_when_parsed(cmd, action, o, run_assignments);
}

}  // namespace

void add_people_commands(CLI::App& app, Action& action) {
    add_progress(app, action);
    add_watched(app, action);
    add_people(app, action);
    add_assign(app, action);
    add_assignments(app, action);
}

}  // namespace wt::app
