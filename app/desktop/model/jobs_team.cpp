// Recordings for a team library: made into this computer's spool for it (app/core/team_spool.hpp),
// handed to the outbox, and sent from there (remote::send: tus, resumed from what the server has),
// with the state of each for the Record view.
#include <fmt/format.h>

#include "app/core/library_location.hpp"
#include "app/core/publishing.hpp"
#include "app/core/team_spool.hpp"
#include "app/desktop/model/jobs.hpp"
#include "common/clock.hpp"

namespace wt::ui::jobs {

namespace {

UploadRow row_of(const remote::Outgoing& o) {
    UploadRow r;
    r.id = o.id;
    r.title = o.details.title.value_or("");
    r.server = o.server;
    r.state = remote::to_string(o.state);
    r.size_bytes = o.size_bytes;
    r.sent_bytes = o.sent_bytes;
    r.last_error = o.last_error;
    if (o.state == remote::Outgoing::State::waiting && !o.last_error.empty())
        r.retry_at =
            o.last_try_at + std::chrono::duration_cast<std::chrono::milliseconds>(remote::k_retry_after).count();
    return r;
}

std::vector<UploadRow> rows(std::vector<std::string>* problems) {
    std::vector<UploadRow> out;
    for (const auto& o : remote::outbox(problems)) out.push_back(row_of(o));
    return out;
}

}  // namespace

void list_uploads(Env& env) { env.post(results::UploadsListed{rows(nullptr)}); }

void send_uploads(Env& env) {
    for (const auto& p : app::drain_spools()) env.post(results::Notice{Level::warning, p, {}});
    std::vector<std::string> problems;
    const auto waiting = remote::outbox(&problems);
    for (const auto& p : problems) env.post(results::Notice{Level::warning, p, {}});
    std::vector<UploadRow> listed;
    for (const auto& o : waiting) listed.push_back(row_of(o));
    env.post(results::UploadsListed{std::move(listed)});
    for (const auto& entry : waiting) {
        if (entry.state == remote::Outgoing::State::published || entry.state == remote::Outgoing::State::refused)
            continue;
        // The rate over the last second or so, for "42 % · 1.2 MB/s".
        std::int64_t window_bytes = 0, window_start_us = monotonic_us(), last_post_us = 0;
        double rate = 0;
        remote::SendOptions so;
        so.progress = [&](const remote::Outgoing& o, std::int64_t sent, std::int64_t total) {
            const std::int64_t now = monotonic_us();
            if (now - window_start_us >= 1'000'000) {
                rate = static_cast<double>(sent - window_bytes) * 1e6 / static_cast<double>(now - window_start_us);
                window_bytes = sent;
                window_start_us = now;
            }
            if (now - last_post_us >= 250'000) {
                last_post_us = now;
                UploadRow r = row_of(o);
                r.state = "sending";
                r.sent_bytes = sent;
                r.size_bytes = total;
                r.bytes_per_second = rate;
                env.post(results::UploadProgress{std::move(r)});
            }
            return true;
        };
        auto sent = remote::send(entry.id, so);
        if (!sent && sent.error().code == ErrorCode::unreachable)
            env.post(results::ServerReachable{entry.server, false, false, sent.error()});
        env.post(results::UploadsListed{rows(nullptr)});
    }
}

void publish(Env& env, const std::string& id, const std::string& connection, const std::string& root) {
    if (!env.library()) return;
    auto queued = app::queue_for_team(*env.library(), root, id, connection);
    if (!queued) return env.post(results::Failed{queued.error(), {}});
    const std::string title = queued->details.title.value_or("");
    env.post(results::Notice{Level::info,
                             fmt::format("'{}' is on its way to the team library '{}'.", title, connection),
                             "Record shows how far it got; if the server is away, it is sent when it is back."});
    list_uploads(env);
    send_uploads(env);
}

Result<catalog::Recording> file_for_team(Env& env, const std::string& team, recorder::FinishedRecording& done,
                                         const catalog::NewRecording& details, const app::BusyWait& wait) {
    auto saved = app::find_connection(team);
    if (!saved) return std::unexpected(saved.error());
    app::Recovered recovered;
    auto spool = app::open_spool(*saved, recovered);
    if (!spool) return std::unexpected(spool.error());
    for (const auto& p : recovered.problems) env.post(results::Notice{Level::warning, p, {}});
    auto added = app::finish_recording(**spool, *done.claim, details, wait);
    if (!added) return added;
    // Safe in the spool now; a failure to hand it on is only a delay (the next start does it).
    if (auto queued = app::queue_spooled(**spool, saved->name); !queued) {
        env.post(results::Notice{Level::warning,
                                 fmt::format("The recording waits on this computer ({}): {}",
                                             app::spool_root(saved->name).string(), queued.error().message),
                                 "It is sent at the next start."});
    }
    list_uploads(env);
    return added;
}

}  // namespace wt::ui::jobs
