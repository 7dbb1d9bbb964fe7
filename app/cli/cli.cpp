#include "app/cli/cli.hpp"

#include "app/cli/commands.hpp"
#include "app/core/acting_person.hpp"
#include "app/core/library_location.hpp"
#include "remote/remote.hpp"

#include <unistd.h>

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <iostream>

#include <fmt/format.h>

namespace wt::app {

std::filesystem::path CliContext::library_root() const {
    return library.empty() ? catalog::default_library_root() : std::filesystem::path(library);
}

namespace {

// What --library (else WALKTHROUGH_LIBRARY) says, as typed.
std::string library_text(const CliContext& ctx) {
    if (!ctx.library.empty()) return ctx.library;
    const char* env = std::getenv("WALKTHROUGH_LIBRARY");
    return env ? env : "";
}

Result<std::unique_ptr<catalog::Library>> open_team_library(const std::string& text, const std::string& as) {
    auto saved = find_connection(text);
    if (!saved) return std::unexpected(saved.error());
    if (saved->insecure) {
        warn(fmt::format("TLS certificates are NOT checked for '{}' ({}): it was connected with --insecure, for "
                         "testing only; anyone on the network path could read your token and what you send",
                         saved->name, saved->url));
    }
    auto lib = remote::open_remote(remote::server_options(*saved));
    if (!lib || as.empty()) return lib;
    if (auto acting = (*lib)->act_as(as); !acting) return std::unexpected(acting.error());
    return lib;
}

}  // namespace

bool CliContext::on_team_library() const { return names_team_library(library_text(*this)); }

Result<remote::SavedServer> CliContext::team_connection() const { return find_connection(library_text(*this)); }

Result<std::filesystem::path> CliContext::folder(const std::string& what) const {
    if (!on_team_library()) return library_root();
    return fail(ErrorCode::invalid_input,
                fmt::format("{} needs a library folder on this computer, and '{}' is a team library; give the "
                            "folder with --library DIR",
                            what, library_text(*this)));
}

Result<std::unique_ptr<catalog::Library>> CliContext::open() {
    if (const std::string text = library_text(*this); names_team_library(text)) return open_team_library(text, as);
    auto lib = catalog::open_library(library_root(), acting_person_options(as));
    if (!lib) return lib;
    recovered = recover_interrupted(**lib, library_root());
    if (!recovery_notice) return lib;
    for (const auto& r : recovered.recordings) {
        std::cerr << "walkthrough: recovered an interrupted recording as " << r.id << " ('" << one_line(r.title)
                  << "', " << format_moment(r.duration_ms) << ")\n";
    }
    for (const auto& p : recovered.problems) warn(p);
    return lib;
}

bool CliContext::shows_progress() const { return !json && isatty(STDERR_FILENO); }

void CliContext::end_progress_line() const {
    if (shows_progress()) std::fprintf(stderr, "\r\033[K");
}

void CliContext::emit(const nlohmann::json& j, const std::string& human) const {
    if (json) {
        // Invalid UTF-8 in stored text is replaced rather than aborting the whole output.
        std::cout << j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
    } else if (!human.empty()) {
        // Every human text is printed through here, so none of the stored or typed text in it can
        // drive the terminal; fields that must stay on their line are one_line'd where they are put in.
        std::cout << printable(human, true) << (human.back() == '\n' ? "" : "\n");
    }
}

void warn(const std::string& text) { std::cerr << "walkthrough: warning: " << printable(text, true) << '\n'; }

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

std::string indented(const std::string& text, const std::string& indent) {
    std::string out;
    for (char ch : printable(text, true)) {
        out += ch;
        if (ch == '\n') out += indent;
    }
    return out;
}

CLI::Validator not_negative(const std::string& advice) {
    return CLI::Validator(
        [advice](std::string& input) -> std::string {
            double value = 0;
            if (!CLI::detail::lexical_cast(input, value)) return fmt::format("'{}' is not a number", input);
            if (value < 0) return fmt::format("{} cannot be negative; {}", input, advice);
            return {};
        },
        "NONNEGATIVE");
}

Result<std::int64_t> parse_moment_option(const std::string& text, const std::string& option) {
    if (text.find_first_not_of(" \t") == std::string::npos) {
        return fail(ErrorCode::invalid_input,
                    fmt::format("{} is empty; give a moment in the video, e.g. {} 2:13 (MM:SS, H:MM:SS or seconds)",
                                option, option));
    }
    auto ms = parse_moment(text);
    if (!ms) {
        return fail(ErrorCode::invalid_input,
                    fmt::format("{} '{}' is not a moment in the video; write MM:SS, H:MM:SS or seconds (e.g. 2:13 "
                                "or 133.5)",
                                option, one_line(text)));
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
    case ErrorCode::unauthorized: return 6;
    case ErrorCode::forbidden: return 7;
    case ErrorCode::unreachable: return 8;
    default: return 1;
    }
}

// CLI11 reads `--at=` as `--at` followed by the next argument, so `comment ID --at= "text"` took the
// text for the moment and then missed the text. An empty `--name=` is passed on as the option and an
// empty value, for the command to name what is empty.
std::vector<std::string> split_empty_values(int argc, char** argv) {
    std::vector<std::string> args;
    bool options = true;
    for (int i = 1; i < argc; ++i) {
        std::string arg = argv[i];
        if (arg == "--") options = false;
        if (options && arg.size() > 3 && arg.starts_with("--") && arg.find('=') == arg.size() - 1) {
            args.push_back(arg.substr(0, arg.size() - 1));
            args.emplace_back();
        } else {
            args.push_back(std::move(arg));
        }
    }
    return args;
}

// The first word of `args` that is not an option nor a global option's value: the command.
std::optional<std::string> command_word(const std::vector<std::string>& args) {
    for (size_t i = 0; i < args.size(); ++i) {
        if (args[i] == "--library" || args[i] == "--as") {
            ++i;
            continue;
        }
        if (!args[i].starts_with("-")) return args[i];
    }
    return std::nullopt;
}

// The first argument (before any "--") that looks like an option but is neither a global one nor one
// of `command`'s or its subcommands': CLI11 reports what is then missing ("file is required" for
// `import -dash.mp4`) rather than the word it did not know.
std::optional<std::string> unknown_option(const CLI::App& app, const CLI::App& command,
                                          const std::vector<std::string>& args) {
    auto find = [&](const std::string& name) -> const CLI::Option* {
        if (const CLI::Option* o = app.get_option_no_throw(name)) return o;
        if (const CLI::Option* o = command.get_option_no_throw(name)) return o;
        for (const CLI::App* sub : command.get_subcommands([](const CLI::App*) { return true; })) {
            if (const CLI::Option* o = sub->get_option_no_throw(name)) return o;
        }
        return nullptr;
    };
    for (size_t i = 0; i < args.size(); ++i) {
        const std::string& arg = args[i];
        if (arg == "--") break;
        // "-5" and "-.5" are values (a negative number), which CLI11 hands to the option before them.
        if (arg.size() < 2 || arg[0] != '-' || std::isdigit(static_cast<unsigned char>(arg[1])) || arg[1] == '.')
            continue;
        const auto eq = arg.find('=');
        const CLI::Option* o = find(arg.substr(0, eq));
        if (!o) return arg;
        if (o->get_expected_min() > 0 && eq == std::string::npos) ++i;  // its value, whatever it looks like
    }
    return std::nullopt;
}

// What to say when CLI11 refuses the arguments: the word it did not know, if that is why.
std::string usage_error(const CLI::App& app, const CLI::ParseError& e, const std::vector<std::string>& args) {
    const auto word = command_word(args);
    const CLI::App* command = nullptr;
    if (word) {
        auto found = app.get_subcommands([&](const CLI::App* sub) { return sub->check_name(*word); });
        if (!found.empty()) command = found.front();
    }
    const bool missing = dynamic_cast<const CLI::RequiredError*>(&e) || dynamic_cast<const CLI::ExtrasError*>(&e);
    if (command && missing) {
        if (auto unknown = unknown_option(app, *command, args)) {
            std::error_code ec;
            const std::string name = one_line(*unknown), cmd = command->get_name();
            if (std::filesystem::exists(*unknown, ec)) {
                return fmt::format(
                    "'{}' starts with '-', so it was read as an option; to give that file, write "
                    "`walkthrough {} -- {}` or `walkthrough {} ./{}`",
                    name, cmd, name, cmd, name);
            }
            return fmt::format("`walkthrough {}` has no option '{}'; `walkthrough {} --help` lists its options", cmd,
                               name, cmd);
        }
    }
    // A refused value (--offset -5) says what to give already; otherwise point at the help that shows it.
    if (dynamic_cast<const CLI::ValidationError*>(&e)) return printable(e.what(), true);
    if (command) {
        return fmt::format("{}\n`walkthrough {} --help` shows what it takes.", printable(e.what(), true),
                           command->get_name());
    }
    return fmt::format("{}\nRun `walkthrough --help` for the commands, or `walkthrough COMMAND --help` for one.",
                       printable(e.what(), true));
}

}  // namespace

int run_cli(int argc, char** argv) {
    CLI::App app{
        "walkthrough: record, catalog and replay screen walkthroughs and training videos.\n"
        "With no arguments it opens the desktop app.",
        "walkthrough"};
    app.require_subcommand(1);
    app.fallthrough();  // global options may also follow the subcommand
    app.set_help_all_flag("--help-all", "Show help for every command");
    CliContext ctx;
    app.add_option("--library", ctx.library,
                   "Library folder, or a team library: a connection's name or its https:// URL (see `connect`) "
                   "(default: $WALKTHROUGH_LIBRARY, else $XDG_DATA_HOME/walkthrough, else "
                   "~/.local/share/walkthrough)");
    app.add_option("--as", ctx.as,
                   "Act as this person (default: $WALKTHROUGH_USER, else the library's default person)");
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
    add_connect_commands(app, action);
    add_upload_commands(app, action);

    std::vector<std::string> args = split_empty_values(argc, argv);
    // CLI11 would only say "A subcommand is required" for a mistyped command; name the word instead.
    if (auto word = command_word(args)) {
        auto known = app.get_subcommands([&](const CLI::App* sub) { return sub->check_name(*word); });
        if (known.empty()) {
            std::cerr << "walkthrough: '" << one_line(*word) << "' is not a command; `walkthrough --help` lists them\n";
            return 2;
        }
    }
    try {
        app.parse(std::vector<std::string>(args.rbegin(), args.rend()));  // CLI11 takes them last first
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForVersion& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        std::cerr << "walkthrough: " << usage_error(app, e, args) << '\n';
        return 2;
    }
    if (!action) return 2;
    Result<void> result;
    try {
        result = action(ctx);
    } catch (const std::exception& e) {  // a bug, not a user error: say so rather than abort
        std::cerr << "walkthrough: internal error: " << printable(e.what(), true)
                  << "\nPlease report it with the command you ran.\n";
        return 1;
    }
    resume_uploads_in_background(command_word(args));
    if (!result) {
        std::cerr << "walkthrough: " << printable(result.error().message, true) << '\n';
        return exit_code(result.error().code);
    }
    return 0;
}

}  // namespace wt::app
