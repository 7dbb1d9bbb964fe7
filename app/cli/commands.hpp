#pragma once
// What the command line's parts share. Each cli_*.cpp registers the subcommands of one area;
// a subcommand's callback only records what to run, and run_cli runs it once parsing is done.
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "app/core/finishing.hpp"
#include "catalog/catalog.hpp"
#include "catalog/json_shapes.hpp"
#include "remote/remote.hpp"
#include "common/text.hpp"  // printable, one_line, fit, human_size: every text printed goes through them

namespace wt::app {

struct CliContext {
    std::string library;          // --library
    std::string as;               // --as
    bool json = false;            // --json
    Recovered recovered;          // what open() recovered from interrupted recordings
    bool recovery_notice = true;  // open() tells stderr what it recovered (`recover` reports it itself)

    // Opens the library named by --library / WALKTHROUGH_LIBRARY / XDG, acting as --as /
    // WALKTHROUGH_USER / the library's default person, and recovers interrupted recordings
    // (every start does, so a crash is recovered by whatever opens the library next), telling stderr what it found.
    // A team library (--library NAME of a connection, or its https://… URL) is opened over its API,
    // acting as whoever signed in.
    Result<std::unique_ptr<catalog::Library>> open();
    // The library's folder; for a team library, what a folder named like it would be (see folder()).
    std::filesystem::path library_root() const;
    // Whether --library / WALKTHROUGH_LIBRARY names a team library rather than a folder.
    bool on_team_library() const;
    // The connection --library names, when it names a team library.
    Result<remote::SavedServer> team_connection() const;
    // The folder, for a command that works on files of the library (`what` it does, for the message);
    // a team library is refused with what to do instead.
    Result<std::filesystem::path> folder(const std::string& what) const;
    // Prints a result: JSON on stdout with --json, else the human text (control characters made
    // harmless by printable).
    void emit(const nlohmann::json& j, const std::string& human) const;
    // Whether long work shows a live line on stderr ("importing: copying  42 %"): on a terminal and
    // without --json only, so scripts get clean output.
    bool shows_progress() const;
    // Clears that line (when one was shown).
    void end_progress_line() const;
};

// "walkthrough: warning: TEXT" on stderr, TEXT made printable.
void warn(const std::string& text);

using Action = std::function<Result<void>(CliContext&)>;

// What parsing `cmd` leads to: `run(ctx, *options)`, with the options CLI11 filled in. Each subcommand
// is a struct of its options, one function that registers them and one that runs.
template <typename Options>
void run_when_parsed(CLI::App* cmd, Action& action, std::shared_ptr<Options> options,
                     Result<void> (*run)(CliContext&, const Options&)) {
    cmd->callback([&action, options, run] { action = [options, run](CliContext& ctx) { return run(ctx, *options); }; });
}

// The options of a subcommand that has none, or only the id of what it acts on.
struct NoOptions {};
struct IdOption {
    std::string id;
};

// The steps every command that uses the library shares: open it as CliContext::open() does (an error
// opening it is the command's error), then run `body` with it.
template <typename Body>
Result<void> with_library(CliContext& ctx, Body&& body) {
    auto lib = ctx.open();
    if (!lib) return std::unexpected(lib.error());
    return std::forward<Body>(body)(**lib);
}

// Prints what a catalog operation returned, its JSON shape with --json and else `human(value)`; or
// returns the operation's error.
template <typename T, typename Human>
Result<void> emit_result(const CliContext& ctx, const Result<T>& result, Human&& human) {
    if (!result) return std::unexpected(result.error());
    ctx.emit(catalog::to_json(*result), std::forward<Human>(human)(*result));
    return {};
}

// The same for a list: a JSON array of the items' shapes, or the text `human(items)`.
template <typename T, typename Human>
Result<void> emit_list(const CliContext& ctx, const Result<std::vector<T>>& result, Human&& human) {
    if (!result) return std::unexpected(result.error());
    nlohmann::json j = nlohmann::json::array();
    for (const auto& item : *result) j.push_back(catalog::to_json(item));
    ctx.emit(j, std::forward<Human>(human)(*result));
    return {};
}

// --title, --kind, --description, --tag: how a new recording (imported or recorded) is filed.
struct EntryOptions {
    std::optional<std::string> title;
    std::string kind = "walkthrough";
    std::string description;
    std::vector<std::string> tags;

    void add_to(CLI::App* cmd, const char* title_help);
    // Those fields of a NewRecording; fails on an unknown kind.
    Result<catalog::NewRecording> to_new_recording() const;
};

void add_recording_commands(CLI::App& app, Action& action);
void add_media_commands(CLI::App& app, Action& action);
void add_comment_commands(CLI::App& app, Action& action);
void add_chapter_commands(CLI::App& app, Action& action);
void add_people_commands(CLI::App& app, Action& action);
void add_serve_commands(CLI::App& app, Action& action);
void add_record_commands(CLI::App& app, Action& action);
void add_play_commands(CLI::App& app, Action& action);
void add_connect_commands(CLI::App& app, Action& action);
void add_upload_commands(CLI::App& app, Action& action);
// After any command but `uploads` and `publish`: when a recording waits in the outbox with nobody
// sending it (a killed sender, a reboot, a failed try over 30 s ago), starts `walkthrough uploads
// --send` on its own, detached, its messages appended to <outbox>/sender.log.
void resume_uploads_in_background(const std::optional<std::string>& command);

// Text helpers for the human output (the general ones are in common/text.hpp).
// Text of several lines made printable, each line after the first starting with `indent`.
std::string indented(const std::string& text, const std::string& indent);
// One line per chapter ("1:05.5     Setup"), each after `indent`: what `chapters` and `show` print.
std::string chapter_lines(const std::vector<catalog::Chapter>& chapters, const std::string& indent);
// A check for an option that counts something and cannot be negative; its refusal says so and gives
// `advice` (what to give, with an example), where CLI11's NonNegativeNumber prints a 309-digit bound.
CLI::Validator not_negative(const std::string& advice);
// The moment given to `option` ("2:13", "1:02:13" or seconds) in milliseconds; an empty or malformed
// one is refused naming the option, with an example.
Result<std::int64_t> parse_moment_option(const std::string& text, const std::string& option);

}  // namespace wt::app
