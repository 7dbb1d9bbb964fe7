#include "app/cli/cli.hpp"

#include "app/cli/commands.hpp"
#include "app/core/acting_person.hpp"

#include <unistd.h>

#include <cstdlib>
#include <iostream>

#include <fmt/format.h>

namespace wt::app {

std::filesystem::path CliContext::library_root() const {
    return library.empty() ? catalog::default_library_root() : std::filesystem::path(library);
}

Result<std::unique_ptr<catalog::Library>> CliContext::open() {
    auto lib = catalog::open_library(library_root(), acting_person_options(as));
    if (!lib) return lib;
    recovered = recover_interrupted(**lib, library_root());
    if (!recovery_notice) return lib;
    for (const auto& r : recovered.recordings) {
        std::cerr << "walkthrough: recovered an interrupted recording as " << r.id << " ('" << one_line(r.title)
                  << "', " << format_moment(r.duration_ms) << ")\n";
    }
    for (const auto& p : recovered.problems) std::cerr << "walkthrough: warning: " << p << '\n';
    return lib;
}

void CliContext::emit(const nlohmann::json& j, const std::string& human) const {
    if (json) {
        // Invalid UTF-8 in stored text is replaced rather than aborting the whole output.
        std::cout << j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
    } else if (!human.empty()) {
        std::cout << human << (human.back() == '\n' ? "" : "\n");
    }
}

void EntryOptions::add_to(CLI::App* cmd, const char* title_help) {
    cmd->add_option("--title", title, title_help);
    cmd->add_option("--kind", kind, "walkthrough or training")->capture_default_str();
    cmd->add_option("--description", description, "Description");
    cmd->add_option("--tag", tags, "Tag (repeatable)");
}

Result<catalog::NewRecording> EntryOptions::to_new_recording() const {
    auto k = catalog::parse_kind(kind);
    if (!k) return std::unexpected(k.error());
    catalog::NewRecording in;
    in.title = title;
    in.kind = *k;
    in.description = description;
    in.tags = tags;
    return in;
}

std::optional<std::int64_t> parse_seconds(const std::string& text, std::string& error) {
    auto ms = parse_moment(text);
    if (!ms) {
        error = ms.error().message;
        return std::nullopt;
    }
    return *ms;
}

namespace {

int exit_code(ErrorCode code) {
    switch (code) {
    case ErrorCode::not_found:
    case ErrorCode::ambiguous: return 3;
    case ErrorCode::bad_media: return 4;
    case ErrorCode::busy: return 5;
    case ErrorCode::invalid_input: return 2;
    default: return 1;
    }
}

}  // namespace

int run_cli(int argc, char** argv) {
    CLI::App app{"walkthrough: record, catalog and replay screen walkthroughs and training videos.\n"
                 "With no arguments it opens the desktop app.",
                 "walkthrough"};
    app.require_subcommand(1);
    app.fallthrough();  // global options may also follow the subcommand
    app.set_help_all_flag("--help-all", "Show help for every command");
    CliContext ctx;
    app.add_option("--library", ctx.library,
                   "Library folder (default: $WALKTHROUGH_LIBRARY, else $XDG_DATA_HOME/walkthrough, else "
                   "~/.local/share/walkthrough)");
    app.add_option("--as", ctx.as, "Act as this person (default: $WALKTHROUGH_USER, else the library's default person)");
    app.add_flag("--json", ctx.json, "Machine-readable output on stdout (objects with snake_case keys)");

    Action action;
    add_recording_commands(app, action);
    add_media_commands(app, action);
    add_comment_commands(app, action);
    add_chapter_commands(app, action);
    add_people_commands(app, action);
    add_serve_commands(app, action);  // after people: adds `people invite` and `people revoke`
    add_record_commands(app, action);
    add_play_commands(app, action);

    // CLI11 would only say "A subcommand is required" for a mistyped command; name the word instead.
    for (int i = 1; i < argc; ++i) {
        std::string arg = argv[i];
        if (arg == "--library" || arg == "--as") {
            ++i;
            continue;
        }
        if (arg.rfind("-", 0) == 0) continue;
        auto known = app.get_subcommands([&](const CLI::App* sub) { return sub->check_name(arg); });
        if (known.empty()) {
            std::cerr << "walkthrough: '" << arg << "' is not a command; `walkthrough --help` lists them\n";
            return 2;
        }
        break;
    }
    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForVersion& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        std::cerr << "walkthrough: " << e.what() << "\nRun `walkthrough --help` for the commands, or "
                  << "`walkthrough COMMAND --help` for one.\n";
        return 2;
    }
    if (!action) return 2;
    Result<void> result;
    try {
        result = action(ctx);
    } catch (const std::exception& e) {  // a bug, not a user error: say so rather than abort
        std::cerr << "walkthrough: internal error: " << e.what() << "\nPlease report it with the command you ran.\n";
        return 1;
    }
    if (!result) {
        std::cerr << "walkthrough: " << result.error().message << '\n';
        return exit_code(result.error().code);
    }
    return 0;
}

}  // namespace wt::app
