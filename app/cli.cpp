#include "app/cli.hpp"

#include <unistd.h>

#include <cstdlib>
#include <iostream>

#include <fmt/format.h>

namespace wt::app {

std::filesystem::path CliContext::library_root() const {
    return library.empty() ? catalog::default_library_root() : std::filesystem::path(library);
}

Result<std::unique_ptr<catalog::Library>> CliContext::open() {
    catalog::OpenOptions options;
    if (!as.empty()) {
        options.acting_person = as;
    } else if (const char* user = std::getenv("WALKTHROUGH_USER"); user && *user) {
        options.acting_person = user;
    }
    const char* login = std::getenv("USER");
    options.default_person_name = login && *login ? login : "me";
    auto lib = catalog::open_library(library_root(), options);
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

std::string printable(const std::string& text, bool keep_newlines) {
    std::string out;
    out.reserve(text.size());
    for (size_t i = 0; i < text.size(); ++i) {
        unsigned char c = static_cast<unsigned char>(text[i]);
        if (c == '\n' && keep_newlines) {
            out += '\n';
        } else if (c < 0x20 || c == 0x7f) {
            out += ' ';
        } else if (c == 0xC2 && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) < 0xA0) {
            out += ' ';  // C1 controls (U+0080..U+009F) are two bytes in UTF-8
            ++i;
        } else {
            out += static_cast<char>(c);
        }
    }
    return out;
}

std::string one_line(const std::string& text) { return printable(text, false); }

std::string fit(const std::string& raw, size_t width) {
    // Counts code points, a fair stand-in for terminal columns in the common cases.
    std::string text = one_line(raw);
    std::string out;
    size_t chars = 0, i = 0;
    while (i < text.size()) {
        size_t len = 1;
        unsigned char c = static_cast<unsigned char>(text[i]);
        if (c >= 0xF0) len = 4;
        else if (c >= 0xE0) len = 3;
        else if (c >= 0xC0) len = 2;
        if (chars + 1 == width && i + len < text.size()) {
            out += "…";
            ++chars;
            break;
        }
        out.append(text, i, len);
        ++chars;
        i += len;
        if (chars == width) break;
    }
    if (chars < width) out.append(width - chars, ' ');
    return out;
}

std::string human_size(std::int64_t bytes) {
    if (bytes < 1024) return fmt::format("{} B", bytes);
    if (bytes < 1024 * 1024) return fmt::format("{:.1f} kB", static_cast<double>(bytes) / 1024);
    if (bytes < 1024LL * 1024 * 1024) return fmt::format("{:.1f} MB", static_cast<double>(bytes) / (1024 * 1024));
    return fmt::format("{:.2f} GB", static_cast<double>(bytes) / (1024.0 * 1024 * 1024));
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
