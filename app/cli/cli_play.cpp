// play: a recording of the library (watch tracking, chapters, comment markers, resume) or any video file;
// with --snapshot, one exact frame to a PNG instead of a window.
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <mutex>
#include <thread>

#include <fmt/format.h>

#include "app/cli/commands.hpp"
#include "app/player_window/play_window.hpp"
#include "player/snapshot.hpp"

namespace wt::app {
namespace {

namespace fs = std::filesystem;

// Writes played stretches to the catalog on a thread of its own, so the window never waits on the
// database. It owns the library connection while the window is open.
class WatchReporter {
public:
    WatchReporter(std::unique_ptr<catalog::Library> library, std::string recording)
        : library_(std::move(library)), recording_(std::move(recording)), thread_([this] { run(); }) {}
    ~WatchReporter() { finish(); }

    void add(const std::vector<player::PlayedInterval>& played) {
        std::lock_guard lock(queue_lock_);
        for (const auto& i : played) {
            if (queue_.size() >= 1024) queue_.pop_front();  // cannot happen at 1 report / 2 s; bounded anyway
            queue_.push_back(i);
        }
        wake_.notify_one();
    }
    // Writes what is queued and stops; the last view written (empty if nothing played) and any error.
    std::optional<catalog::View> finish() {
        {
            std::lock_guard lock(queue_lock_);
            done_ = true;
            wake_.notify_one();
        }
        if (thread_.joinable()) thread_.join();
        return last_view_;
    }
    const std::string& error() const { return error_; }

private:
    void run() {
        for (;;) {
            player::PlayedInterval next;
            {
                std::unique_lock lock(queue_lock_);
                wake_.wait(lock, [&] { return done_ || !queue_.empty(); });
                if (queue_.empty()) return;
                next = queue_.front();
                queue_.pop_front();
            }
            if (next.to_ms <= next.from_ms) continue;
            auto view = library_->record_progress(recording_, next.from_ms, next.to_ms);
            if (view)
                last_view_ = std::move(*view);
            else
                error_ = view.error().message;  // kept for the summary; playing goes on
        }
    }

    std::unique_ptr<catalog::Library> library_;
    std::string recording_;
    std::mutex queue_lock_;
    std::condition_variable wake_;
    std::deque<player::PlayedInterval> queue_;
    bool done_ = false;
    std::optional<catalog::View> last_view_;
    std::string error_;
    std::thread thread_;
};

struct PlayArgs {
    std::string target;
    std::optional<std::string> start;  // a moment: "2:13" or seconds
    double speed = 1.0;
    std::optional<std::string> snapshot;  // the same
    std::string out;
    bool exit_at_end = false;
    bool silent = false;
};

Result<void> snapshot_to_png(CliContext& ctx, const MediaSource& file, double at, const std::string& out) {
    auto info = player::write_snapshot(file, at, out);
    if (!info) return std::unexpected(info.error());
    nlohmann::json j{{"file", out},
                     {"seconds", info->seconds},
                     {"width", info->width},
                     {"height", info->height},
                     {"matrix", std::string(player::name(info->colour.matrix))},
                     {"range", std::string(player::name(info->colour.range))},
                     {"corrupt_frames", info->corrupt_frames}};
    ctx.emit(
        j, fmt::format("wrote {} (the frame at {:.3f} s, {}x{}, {} {} range)\n", one_line(out), info->seconds,
                       info->width, info->height, player::name(info->colour.matrix), player::name(info->colour.range)));
    return {};
}

// Where the acting person left off, unless that was (almost) the end: a finished video starts over.
std::optional<double> resume_seconds(catalog::Library& lib, const catalog::Recording& rec) {
    auto views = lib.views(rec.id);
    if (!views) return std::nullopt;
    for (const auto& v : *views)
        if (v.person == lib.me().name && !v.guest) return catalog::resume_position_ms(v, rec.duration_ms) / 1000.0;
    return std::nullopt;
}

// "2:13", "1:02:13" or "133.5" as seconds, as `comment --at` reads moments.
Result<std::optional<double>> moment_option(const std::optional<std::string>& text, const char* option) {
    if (!text) return std::optional<double>{};
    auto ms = parse_moment_option(*text, option);
    if (!ms) return std::unexpected(ms.error());
    return std::optional<double>(static_cast<double>(*ms) / 1000.0);
}

// What `play` plays: the window's session and, for a recording of the library, its id and the
// reporter that records what is watched.
struct Playing {
    PlaySession session;
    std::string recording_id;
    std::unique_ptr<WatchReporter> reporter;
};

// A recording of the library: its file and title; to watch it (not for a snapshot: one frame is not
// watching), its comment markers, chapters, where to resume and the reporter. The library is opened
// here rather than through with_library because the connection goes on to the reporter's thread.
Result<void> find_recording(CliContext& ctx, const std::string& target, bool snapshot, bool start_given, Playing& p) {
    auto lib = ctx.open();
    if (!lib) return std::unexpected(lib.error());
    auto rec = (*lib)->get(target);
    if (!rec) {
        if (rec.error().code == ErrorCode::not_found)
            return fail(ErrorCode::not_found, fmt::format("'{}' is neither a file nor a recording of the library; "
                                                          "`walkthrough list` shows the recordings",
                                                          target));
        return std::unexpected(rec.error());
    }
    p.session.file = (*lib)->media_source(*rec);
    p.session.title = rec->title;
    p.recording_id = rec->id;
    if (snapshot) return {};
    if (auto comments = (*lib)->comments(rec->id)) p.session.markers = comment_markers(*comments);
    if (auto chapters = (*lib)->chapters(rec->id)) p.session.chapters = timeline_chapters(*chapters);
    if (!start_given) p.session.options.start_seconds = resume_seconds(**lib, *rec).value_or(0);
    p.reporter = std::make_unique<WatchReporter>(std::move(*lib), rec->id);
    p.session.on_played = [r = p.reporter.get()](const std::vector<player::PlayedInterval>& played) { r->add(played); };
    return {};
}

// Where playing stopped and, for a recording, how much of it the acting person has now watched.
void emit_played(const CliContext& ctx, const Playing& p, const player::Snapshot& s,
                 const std::optional<catalog::View>& view) {
    nlohmann::json j{{"file", p.session.file.name()},    {"position_ms", s.position_ms},
                     {"duration_ms", s.duration_ms},       {"frames_shown", s.frames_shown},
                     {"frames_dropped", s.frames_dropped}, {"frames_corrupt", s.frames_corrupt},
                     {"audio_device", s.audio_device}};
    std::string human = fmt::format("stopped at {} of {}", format_moment(s.position_ms), format_moment(s.duration_ms));
    if (!p.recording_id.empty()) {
        j["id"] = p.recording_id;
        if (view) {
            j["coverage"] = view->coverage;
            j["watched"] = view->watched_at.has_value();
            human += fmt::format(" · you have watched {:.0f} %{}", view->coverage * 100,
                                 view->watched_at ? " (marked watched)" : "");
        }
        if (!p.reporter->error().empty()) human += " · progress not saved: " + one_line(p.reporter->error());
    }
    ctx.emit(j, human + "\n");
}

Result<void> run_play(CliContext& ctx, const PlayArgs& a) {
    auto start = moment_option(a.start, "--start");
    if (!start) return std::unexpected(start.error());
    auto snapshot = moment_option(a.snapshot, "--snapshot");
    if (!snapshot) return std::unexpected(snapshot.error());
    if (a.speed < 0.5 || a.speed > 2.0)
        return fail(ErrorCode::invalid_input, fmt::format("--speed {} is out of range; use 0.5 to 2", a.speed));
    if (*snapshot && a.out.empty())
        return fail(ErrorCode::invalid_input, "--snapshot needs --out FILE.png, where the frame is written");

    Playing p;
    p.session.options.speed = a.speed;
    p.session.options.audio = a.silent ? player::AudioOutput::silent : player::AudioOutput::automatic;
    p.session.exit_at_end = a.exit_at_end;
    std::error_code ec;
    if (fs::is_regular_file(a.target, ec)) {
        // A file anywhere: played as it is, nothing recorded in the library.
        p.session.file = fs::path(a.target);
        p.session.title = fs::path(a.target).filename().string();
    } else if (auto found = find_recording(ctx, a.target, snapshot->has_value(), start->has_value(), p); !found) {
        return found;
    }
    if (*snapshot) return snapshot_to_png(ctx, p.session.file, **snapshot, a.out);
    if (*start) p.session.options.start_seconds = **start;

    auto final_state = run_play_window(p.session);
    std::optional<catalog::View> view = p.reporter ? p.reporter->finish() : std::nullopt;
    if (!final_state) return std::unexpected(final_state.error());
    emit_played(ctx, p, *final_state, view);
    return {};
}

}  // namespace

void add_play_commands(CLI::App& app, Action& action) {
    auto a = std::make_shared<PlayArgs>();
    auto* cmd = app.add_subcommand("play", "Play a recording (ID) or a video file in a window");
    cmd->add_option("target", a->target, "Recording ID (or unique prefix) or a video file")->required();
    cmd->add_option("--start", a->start, "Start at a moment, M:SS or SECONDS (default: where you left off)");
    cmd->add_option("--speed", a->speed, "Speed, 0.5 to 2 (pitch is kept)");
    cmd->add_option("--snapshot", a->snapshot, "Write the frame at a moment (M:SS or SECONDS) to --out as a PNG");
    cmd->add_option("--out", a->out, "PNG file for --snapshot");
    cmd->add_flag("--exit-at-end", a->exit_at_end, "Close the window when playback ends");
    cmd->add_flag("--silent", a->silent, "Do not use the audio device (the sound is paced but not heard)");
    run_when_parsed(cmd, action, a, run_play);
}

}  // namespace wt::app
