// record, recover
#include <signal.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <thread>

#include <fmt/format.h>

#include "app/cli/commands.hpp"
#include "app/core/finishing.hpp"
#include "app/core/publishing.hpp"
#include "app/core/team_spool.hpp"
#include "catalog/json_shapes.hpp"
#include "recorder/recorder.hpp"

namespace wt::app {

namespace {

std::atomic<int> g_stop_signal{0};
std::atomic<int> g_pause_toggles{0};

void on_stop_signal(int sig) { g_stop_signal.store(sig); }
void on_pause_signal(int) { g_pause_toggles.fetch_add(1); }

// SIGINT, SIGTERM and SIGHUP (a closed terminal, a dropped SSH session) end a recording cleanly
// (the file is finished and added to the library); SIGUSR1 pauses and resumes. A SIGHUP ignored when
// we started stays ignored: `nohup walkthrough record` asked to outlive its terminal.
void catch_record_signals() {
    struct sigaction sa {};
    sigemptyset(&sa.sa_mask);
    sa.sa_handler = on_stop_signal;
    sigaction(SIGINT, &sa, nullptr);
    sigaction(SIGTERM, &sa, nullptr);
    struct sigaction hangup {};
    if (sigaction(SIGHUP, nullptr, &hangup) != 0 || hangup.sa_handler != SIG_IGN) sigaction(SIGHUP, &sa, nullptr);
    sa.sa_handler = on_pause_signal;
    sigaction(SIGUSR1, &sa, nullptr);
}

// The options bind straight into the recorder's own; only --quality and --window are parsed.
struct RecordCommandOptions {
    EntryOptions entry;
    recorder::RecordOptions record;
    std::optional<std::string> window;
    std::string quality = "compact";
};

// --duration: a positive number of seconds. 0 would mean "no limit" to the recorder: a typo would
// record until killed.
CLI::Validator positive_seconds() {
    return CLI::Validator(
        [](std::string& text) -> std::string {
            char* end = nullptr;
            const double seconds = std::strtod(text.c_str(), &end);
            if (end == text.c_str() || *end != '\0' || !std::isfinite(seconds))
                return "'" + text + "' is not a number of seconds";
            if (!(seconds > 0)) return "must be more than 0 seconds; leave it out to record until Ctrl+C";
            return {};
        },
        "SECONDS>0");
}

// Records until a stop signal or the recorder's own end (length limit, a screen gone), pausing and
// resuming on SIGUSR1; on a terminal, the countdown or the time and size so far.
void record_until_stopped(recorder::Recorder& rec, bool talk) {
    if (talk) std::fprintf(stderr, "recording… press Ctrl+C to stop\n");
    int toggles_seen = 0;
    while (!g_stop_signal.load() && !rec.finished()) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        for (int t = g_pause_toggles.load(); toggles_seen < t; ++toggles_seen) {
            if (rec.stats().paused)
                rec.resume();
            else
                rec.pause();
        }
        if (!talk) continue;
        auto s = rec.stats();
        if (s.countdown_ms > 0) {
            std::fprintf(stderr, "\r\033[Kstarting in %lld…", static_cast<long long>(s.countdown_ms / 1000 + 1));
            continue;
        }
        std::fprintf(stderr, "\r\033[K%s  %s%s", format_moment(s.elapsed_ms).c_str(),
                     human_size(s.bytes_written).c_str(), s.paused ? "  paused (kill -USR1 to resume)" : "");
    }
}

// Files the stopped recording in the library. The person is waiting for it: a busy library is waited
// for, and said so; a failure says where the file is kept.
Result<catalog::Recording> file_recording(catalog::Library& lib, const recorder::FinishedRecording& done,
                                          catalog::NewRecording details) {
    details.note = fmt::format("{}", fmt::join(done.warnings, "; "));
    BusyWait wait{k_finish_wait, [next_word = std::chrono::seconds(0)](std::chrono::seconds waited) mutable {
                      if (waited < next_word) return;
                      next_word = waited + std::chrono::seconds(15);
                      std::cerr << fmt::format(
                          "walkthrough: the library is busy (another program is writing to it); "
                          "waiting to add the recording… {} s\n",
                          waited.count());
                  }};
    auto added = finish_recording(lib, *done.claim, std::move(details), wait);
    if (!added) {
        return fail(added.error().code,
                    fmt::format("{}; the recording is kept at {} and `walkthrough recover` will add it",
                                added.error().message, done.file.string()));
    }
    return added;
}

// A recording made and filed in a library, and how it went.
struct Filed {
    catalog::Recording added;
    recorder::RecordStats stats;
    std::vector<std::string> warnings;
    std::int64_t finish_ms = 0;  // stop -> in the library
};

nlohmann::json recorded_json(const Filed& f) {
    const auto& s = f.stats;
    nlohmann::json j = to_json(f.added);
    j.update({{"frames_captured", s.frames_captured},
              {"frames_encoded", s.frames_encoded},
              {"frames_skipped_unchanged", s.frames_skipped_unchanged},
              {"frames_dropped", s.frames_dropped},
              {"frames_over_fps", s.frames_over_fps},
              {"frames_duplicated", s.frames_duplicated},
              {"paused_ms", s.paused_ms},
              {"audio_drift_ms", s.audio_drift_ms},
              {"finish_ms", f.finish_ms},
              {"warnings", f.warnings}});
    return j;
}

std::string recorded_text(const Filed& f) {
    const auto& a = f.added;
    return fmt::format("{}  recorded '{}' ({} · {}x{} · {} · {} frames, {} unchanged skipped, {} dropped)", a.id,
                       one_line(a.title), format_moment(a.duration_ms), a.width, a.height, human_size(a.size_bytes),
                       f.stats.frames_captured, f.stats.frames_skipped_unchanged, f.stats.frames_dropped);
}

// Records with the library at `root` open (its recovery done, the author known), then files the
// recording in it.
Result<Filed> record_into(CliContext& ctx, catalog::Library& lib, const std::filesystem::path& root,
                          const RecordCommandOptions& o, catalog::NewRecording details,
                          recorder::RecordOptions options) {
    options.incoming_dir = incoming_dir(root);
    options.details = details_at_start(details, lib.me().name);
    if (o.window) {
        auto id = recorder::parse_window_id(*o.window);
        if (!id) return std::unexpected(id.error());
        options.window = *id;
    }
    catch_record_signals();
    auto rec = recorder::Recorder::start(options);
    if (!rec) return std::unexpected(rec.error());
    const bool talk = ctx.shows_progress();
    record_until_stopped(**rec, talk);
    auto done = (*rec)->stop();
    ctx.end_progress_line();
    if (!done) return std::unexpected(done.error());
    for (const auto& w : done->warnings) warn(w);

    const auto finish_start = std::chrono::steady_clock::now();
    auto added = file_recording(lib, *done, std::move(details));
    if (!added) return std::unexpected(added.error());
    const auto finish_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - finish_start).count();
    return Filed{std::move(*added), done->stats, done->warnings, finish_ms};
}

// For a team library: recorded exactly as into a folder, into this computer's spool for it, then
// handed to the outbox and sent in the background. Nothing waits on the network, and a crash, a
// lost network or a server that is down only delays it.
Result<void> record_for_team(CliContext& ctx, const RecordCommandOptions& o, const catalog::NewRecording& details,
                             const recorder::RecordOptions& options) {
    auto server = ctx.team_connection();
    if (!server) return std::unexpected(server.error());
    if (!ctx.as.empty()) {
        return fail(ErrorCode::forbidden, fmt::format("on a team library you record as who signed in ({}); leave "
                                                      "out --as",
                                                      server->person));
    }
    Recovered recovered;
    auto spool = open_spool(*server, recovered);
    if (!spool) return std::unexpected(spool.error());
    for (const auto& p : recovered.problems) warn(p);
    auto filed = record_into(ctx, **spool, spool_root(server->name), o, details, options);
    if (!filed) return std::unexpected(filed.error());
    auto queued = queue_spooled(**spool, server->name);
    nlohmann::json j = recorded_json(*filed);
    std::string human = recorded_text(*filed);
    if (!queued) {
        // Still safe in the spool: the next command moves it on.
        warn(fmt::format("the recording waits on this computer ({}): {}", spool_root(server->name).string(),
                         queued.error().message));
    } else {
        for (const auto& q : *queued)
            if (q.source == outbox_source(spool_root(server->name).string(), filed->added.id))
                j["upload"] = remote::to_json(q);
        human += fmt::format("\nIt is being sent to '{}' in the background; `walkthrough uploads` shows how far it got.",
                             server->name);
    }
    ctx.emit(j, human);
    return {};  // the command's end starts the sender (resume_uploads_in_background)
}

Result<void> run_record(CliContext& ctx, const RecordCommandOptions& o) {
    auto details = o.entry.to_new_recording();
    if (!details) return std::unexpected(details.error());
    if (!details->title) details->title = "";  // no --title: a dated one, not the file's name
    recorder::RecordOptions options = o.record;
    auto quality = recorder::parse_quality(o.quality);
    if (!quality) return std::unexpected(quality.error());
    options.quality = *quality;
    if (options.no_mic && (options.mic || options.audio_input)) {
        return fail(ErrorCode::invalid_input, "--no-mic cannot go with --mic or --audio-input");
    }
    if (ctx.on_team_library()) return record_for_team(ctx, o, *details, options);
    return with_library(ctx, [&](catalog::Library& lib) -> Result<void> {
        auto filed = record_into(ctx, lib, ctx.library_root(), o, *details, options);
        if (!filed) return std::unexpected(filed.error());
        ctx.emit(recorded_json(*filed), recorded_text(*filed));
        return {};
    });
}

void add_record(CLI::App& app, Action& action) {
    auto o = std::make_shared<RecordCommandOptions>();
    recorder::RecordOptions& ro = o->record;
    auto* cmd = app.add_subcommand("record", "Record the screen and microphone until --duration or Ctrl+C");
    o->entry.add_to(cmd, "Title (default: a dated title)");
    cmd->add_option("--display", ro.display, "X display to record (default: $DISPLAY)");
    cmd->add_option("--region", ro.region, "Only this rectangle: X,Y,WxH");
    cmd->add_option("--fps", ro.fps, "Frames per second, 1-60")->capture_default_str()->check(CLI::Range(1, 60));
    cmd->add_option("--mic", ro.mic, "PulseAudio source (default: the default source)");
    cmd->add_flag("--no-mic", ro.no_mic, "Record without sound");
    cmd->add_flag("--denoise", ro.denoise, "Reduce background noise in the voice");
    cmd->add_option("--window", o->window, "Record one X window, by id (e.g. 0x3a00007, from xwininfo)");
    cmd->add_option("--duration", ro.max_seconds, "Stop after this many seconds (more than 0)")
        ->check(positive_seconds());
    cmd->add_option("--quality", o->quality, "compact, balanced or high")->capture_default_str();
    cmd->add_option("--countdown", ro.countdown_seconds, "Start after this many seconds (3-2-1)")
        ->check(CLI::Range(0.0, 60.0));
    cmd->add_option("--video-input", ro.video_input, "Any libavdevice input instead of the screen, FMT:URL");
    cmd->add_option("--audio-input", ro.audio_input, "Any libavdevice input instead of the microphone, FMT:URL");
    run_when_parsed(cmd, action, o, run_record);
}

struct RecoverOptions {
    bool list = false;
};

// `recover --list` is read-only: the library is not opened, so nothing is recovered (or set aside)
// by looking.
Result<void> list_set_aside(CliContext& ctx) {
    if (auto folder = ctx.folder("`recover`"); !folder) return std::unexpected(folder.error());
    nlohmann::json j = nlohmann::json::array();
    std::string h;
    for (const auto& s : set_aside_recordings(ctx.library_root())) {
        j.push_back({{"file", s.file.string()}, {"size_bytes", s.size_bytes}, {"title", s.title}});
        h += fmt::format("{}  {}{}\n", s.file.string(), human_size(s.size_bytes),
                         s.title.empty() ? "" : "  '" + one_line(s.title) + "'");
    }
    ctx.emit(j, h.empty() ? "No recordings are set aside."
                          : h + "These could not be decoded; they are kept for you to inspect or delete.");
    return {};
}

Result<void> run_recover(CliContext& ctx, const RecoverOptions& o) {
    if (o.list) return list_set_aside(ctx);
    if (auto folder = ctx.folder("`recover`"); !folder) return std::unexpected(folder.error());
    ctx.recovery_notice = false;  // said once, below, not also as open()'s notice
    // Opening already recovers; this reports what it found.
    return with_library(ctx, [&](catalog::Library&) -> Result<void> {
        nlohmann::json j = nlohmann::json::array();
        std::string h;
        for (const auto& r : ctx.recovered.recordings) {
            j.push_back(to_json(r));
            h += fmt::format("{}  recovered '{}' ({})\n", r.id, one_line(r.title), format_moment(r.duration_ms));
        }
        // Said once: what was recovered, else what could not be, else that there was nothing.
        const bool troubles = !ctx.recovered.problems.empty();
        ctx.emit(j, !h.empty() || troubles ? h : "Nothing to recover.");
        if (troubles) {
            // A file left to retry (busy, no space, permissions) says why with its own code.
            const auto code = ctx.recovered.retry ? ctx.recovered.retry->code : ErrorCode::bad_media;
            return fail(code, fmt::format("{}", fmt::join(ctx.recovered.problems, "\n")));
        }
        return {};
    });
}

void add_recover(CLI::App& app, Action& action) {
    auto o = std::make_shared<RecoverOptions>();
    auto* cmd = app.add_subcommand("recover", "Turn interrupted recordings into playable ones in the library");
    cmd->add_flag("--list", o->list, "Only show the recordings set aside because they could not be decoded");
    run_when_parsed(cmd, action, o, run_recover);
}

}  // namespace

void add_record_commands(CLI::App& app, Action& action) {
    add_record(app, action);
    add_recover(app, action);
}

}  // namespace wt::app
