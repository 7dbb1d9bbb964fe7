// What the views say about team libraries: which library the app is on, whether its server
// answers, and how far each recording on its way there got.
#include <fmt/format.h>

#include "app/desktop/model/view_logic.hpp"
#include "common/text.hpp"
#include "common/timefmt.hpp"

namespace wt::ui {

std::string library_label(const LibraryChoice& c) {
    if (!c.team) return "This computer";
    return fmt::format("Team: {}", c.location);
}

std::string library_detail(const LibraryChoice& c) {
    if (!c.team) return c.location;
    std::string out = c.url;
    if (!c.person.empty()) out += fmt::format(" · as {}", c.person);
    if (!c.access.empty()) out += fmt::format(" ({})", c.access);
    return out;
}

bool is_current_library(const AppState& s, const LibraryChoice& c) {
    if (c.team) return s.connection.team == c.location;
    return s.connection.team.empty() && !s.root.empty() && s.root == std::filesystem::path(c.location);
}

ConnectionLine connection_line(const ConnectionData& c, bool opened, EpochMs now) {
    using Tone = ConnectionLine::Tone;
    if (c.team.empty()) return {Tone::none, "On this computer", "on this computer"};
    if (c.offline_since) {
        // "10:42" today; with the date when it began on another day.
        std::string at = format_local_time(*c.offline_since);
        if (local_date(*c.offline_since) == local_date(now) && at.size() > 11) at = at.substr(11);
        return {Tone::offline,
                fmt::format("offline since {} — recordings wait and are sent when the server is back", at),
                fmt::format("offline since {}", at)};
    }
    if (!c.problem.empty()) return {Tone::offline, c.problem, "not signed in"};
    if (c.live) return {Tone::online, "online — changes arrive as they happen", "online"};
    return {Tone::connecting, opened ? "online — connecting to live changes…" : "connecting…", "connecting…"};
}

std::string upload_text(const UploadRow& u, EpochMs now) {
    if (u.state == "published") return "published";
    if (u.state == "refused") return fmt::format("refused by the server: {}", u.last_error);
    if (u.state == "sending") {
        const int percent = u.size_bytes > 0 ? static_cast<int>(u.sent_bytes * 100 / u.size_bytes) : 0;
        if (u.bytes_per_second <= 0) return fmt::format("uploading {} %", percent);
        return fmt::format("uploading {} % · {}/s", percent, human_size(static_cast<std::int64_t>(u.bytes_per_second)));
    }
    if (u.retry_at > 0) {
        const std::int64_t left = (u.retry_at - now + 999) / 1000;
        if (left > 0) return fmt::format("waiting for the server — retrying in {} s", left);
        return "waiting for the server — retrying now";
    }
    return "waiting to be sent";
}

}  // namespace wt::ui
