// publish, uploads: recordings on their way to a team library (remote/'s outbox).
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>

#include <fmt/format.h>

#include "app/cli/commands.hpp"
#include "app/core/publishing.hpp"
#include "app/core/team_spool.hpp"
#include "remote/remote.hpp"

namespace wt::app {

namespace {

std::string outgoing_line(const remote::Outgoing& o) {
    const std::string title = one_line(o.details.title.value_or("(untitled)"));
    std::string state;
    switch (o.state) {
    case remote::Outgoing::State::published:
        state = fmt::format("published as {}", o.recording_id);
        break;
    case remote::Outgoing::State::refused: state = "refused by the server"; break;
    default:
        state = fmt::format("{} {:.0f} % ({} of {})", remote::to_string(o.state),
                            o.size_bytes ? 100.0 * static_cast<double>(o.sent_bytes) / static_cast<double>(o.size_bytes)
                                         : 0.0,
                            human_size(o.sent_bytes), human_size(o.size_bytes));
    }
    std::string line = fmt::format("{}  {}  {}  {}", o.id, fit(o.server, 10), fit(title, 32), state);
    if (!o.last_error.empty() && o.state != remote::Outgoing::State::published) {
        line += "\n            " + one_line(o.last_error);
    }
    return line + "\n";
}

// Progress on a terminal: "sending 'Title' 42 % · 1.2 MB/s".
remote::SendOptions send_options(const CliContext& ctx, std::int64_t rate) {
    remote::SendOptions options;
    options.max_bytes_per_second = rate;
    if (!ctx.shows_progress()) return options;
    auto start = std::make_shared<std::chrono::steady_clock::time_point>(std::chrono::steady_clock::now());
    auto first = std::make_shared<std::int64_t>(-1);
    options.progress = [start, first](const remote::Outgoing& o, std::int64_t sent, std::int64_t total) {
        if (*first < 0) *first = sent;
        const double seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - *start).count();
        const double rate = seconds > 0.2 ? static_cast<double>(sent - *first) / seconds : 0;
        std::fprintf(stderr, "\r\033[Ksending '%s' %3d %% · %s/s",
                     one_line(o.details.title.value_or(o.id)).c_str(),
                     total ? static_cast<int>(100 * sent / total) : 0,
                     human_size(static_cast<std::int64_t>(rate)).c_str());
        return true;
    };
    return options;
}

struct PublishOptions {
    std::string id;
    std::string to;
    bool later = false;
    std::int64_t rate = 0;
};

// A recording of a local library goes to the outbox with its metadata and chapters, then is sent.
// A server that cannot take it now leaves it waiting in the outbox: nothing is lost, and the
// command says how it will go on.
Result<void> run_publish(CliContext& ctx, const PublishOptions& o) {
    auto saved = remote::find_server(o.to);
    if (!saved) {
        return fail(ErrorCode::not_found, fmt::format("no connection is called '{}'; connect it first with "
                                                      "`walkthrough connect URL CODE --name {}`",
                                                      o.to, o.to));
    }
    if (auto folder = ctx.folder("`publish` (it sends a recording of a local library)"); !folder) {
        return std::unexpected(folder.error());
    }
    return with_library(ctx, [&](catalog::Library& lib) -> Result<void> {
        auto queued = queue_for_team(lib, ctx.library_root().string(), o.id, saved->name);
        if (!queued) return std::unexpected(queued.error());
        const std::string title = queued->details.title.value_or("");
        if (o.later) {
            ctx.emit(remote::to_json(*queued),
                     fmt::format("{}  '{}' waits in the outbox for {}; `walkthrough uploads --send` sends it",
                                 queued->id, one_line(title), saved->name));
            return {};
        }
        auto sent = remote::send(queued->id, send_options(ctx, o.rate));
        ctx.end_progress_line();
        if (!sent) {
            if (sent.error().code == ErrorCode::bad_media || sent.error().code == ErrorCode::forbidden ||
                sent.error().code == ErrorCode::invalid_input) {
                return std::unexpected(sent.error());
            }
            // Passing trouble (network, server down, busy, signed out): it waits, safely.
            auto waiting = remote::outbox();
            for (const auto& w : waiting) {
                if (w.id != queued->id) continue;
                ctx.emit(remote::to_json(w),
                         fmt::format("{}  '{}' waits in the outbox: {}\nIt is sent by `walkthrough uploads --send` "
                                     "(from where it stopped).",
                                     w.id, one_line(title), one_line(sent.error().message)));
            }
            return {};
        }
        ctx.emit(remote::to_json(*sent), fmt::format("{}  published '{}' to {} as {}", sent->id, one_line(title),
                                                     saved->name, sent->recording_id));
        return {};
    });
}

void add_publish(CLI::App& app, Action& action) {
    auto o = std::make_shared<PublishOptions>();
    auto* cmd = app.add_subcommand("publish", "Send a recording of this library to a team library");
    cmd->add_option("id", o->id, "Recording id or a unique start of it")->required();
    cmd->add_option("--to", o->to, "The team library: a connection's name (see `walkthrough connections`)")
        ->required();
    cmd->add_flag("--later", o->later, "Only put it in the outbox; `uploads --send` sends it");
    cmd->add_option("--limit-rate", o->rate, "Send at most this many bytes a second")
        ->check(not_negative("give bytes a second, e.g. --limit-rate 500000"));
    run_when_parsed(cmd, action, o, run_publish);
}

struct UploadsOptions {
    bool send = false;
    std::int64_t rate = 0;
};

// Lists the outbox; with --send, first sends what waits, oldest first, each from where it stopped.
// Recordings made for a team library that are still in its spool (a crash before they were
// handed on) are moved to the outbox first.
Result<void> run_uploads(CliContext& ctx, const UploadsOptions& o) {
    std::vector<std::string> problems = drain_spools();
    auto all = remote::outbox(&problems);
    for (const auto& p : problems) warn(p);
    std::optional<Error> first_error;
    if (o.send) {
        const auto options = send_options(ctx, o.rate);
        for (auto& entry : all) {
            if (entry.state == remote::Outgoing::State::published || entry.state == remote::Outgoing::State::refused) {
                continue;
            }
            auto sent = remote::send(entry.id, options);
            ctx.end_progress_line();
            if (!sent && sent.error().code == ErrorCode::busy) continue;  // another process sends it
            if (!sent && !first_error) first_error = sent.error();
        }
        all = remote::outbox();
    }
    nlohmann::json j = nlohmann::json::array();
    std::string h;
    for (const auto& entry : all) {
        j.push_back(remote::to_json(entry));
        h += outgoing_line(entry);
    }
    ctx.emit(j, h.empty() ? "The outbox is empty: nothing waits to be sent to a team library." : h);
    if (first_error) return std::unexpected(*first_error);
    return {};
}

void add_uploads(CLI::App& app, Action& action) {
    auto o = std::make_shared<UploadsOptions>();
    auto* cmd = app.add_subcommand("uploads", "Recordings on their way to a team library (the outbox)");
    cmd->add_flag("--send", o->send, "Send what waits now, each from where it stopped");
    cmd->add_option("--limit-rate", o->rate, "Send at most this many bytes a second")
        ->check(not_negative("give bytes a second, e.g. --limit-rate 500000"));
    run_when_parsed(cmd, action, o, run_uploads);
}

}  // namespace

void resume_uploads_in_background(const std::optional<std::string>& command) {
    if (command && (*command == "uploads" || *command == "publish")) return;
    if (!remote::outbox_waiting() && !spools_waiting()) return;
    char self[4096];
    const ssize_t n = ::readlink("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0) return;
    self[n] = '\0';
    const std::string log = (remote::outbox_dir() / "sender.log").string();
    // Twice forked and in a session of its own: it outlives this command and its terminal, and
    // nobody has to wait for it.
    const pid_t child = ::fork();
    if (child < 0) return;
    if (child == 0) {
        ::setsid();
        if (::fork() != 0) ::_exit(0);
        const int null = ::open("/dev/null", O_RDWR);
        const int out = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
        if (null >= 0) {
            ::dup2(null, 0);
            ::dup2(null, 1);
        }
        if (out >= 0) ::dup2(out, 2);
        ::execl(self, self, "uploads", "--send", static_cast<char*>(nullptr));
        ::_exit(127);
    }
    ::waitpid(child, nullptr, 0);
}

void add_upload_commands(CLI::App& app, Action& action) {
    add_publish(app, action);
    add_uploads(app, action);
}

}  // namespace wt::app
