#include "catalog/json_shapes.hpp"

#include "common/timefmt.hpp"

namespace wt::catalog {
namespace {
nlohmann::json opt_time(const std::optional<EpochMs>& t) {
    return t ? nlohmann::json(format_iso_utc(*t)) : nlohmann::json();
}
nlohmann::json opt_text(const std::string& s) { return s.empty() ? nlohmann::json() : nlohmann::json(s); }
}  // namespace

nlohmann::json to_json(const catalog::Person& p) {
    return {{"id", p.id},
            {"name", p.name},
            {"email", p.email},
            {"role", p.role},
            {"created_at", format_iso_utc(p.created_at)},
            {"access", p.access},
            {"last_seen_at", opt_time(p.last_seen_at)}};
}

nlohmann::json to_json(const catalog::Recording& r) {
    return {{"id", r.id},
            {"title", r.title},
            {"description", r.description},
            {"kind", catalog::to_string(r.kind)},
            {"author", r.author},
            {"created_at", format_iso_utc(r.created_at)},
            {"duration_ms", r.duration_ms},
            {"width", r.width},
            {"height", r.height},
            {"size_bytes", r.size_bytes},
            {"video_codec", r.video_codec},
            {"audio_codec", opt_text(r.audio_codec)},
            {"media_path", r.media_path},
            {"thumbnail_path", opt_text(r.thumbnail_path)},
            {"status", catalog::to_string(r.status)},
            {"note", opt_text(r.note)},
            {"tags", r.tags},
            {"comment_count", r.comment_count},
            {"open_comment_count", r.open_comment_count}};
}

nlohmann::json to_json(const catalog::Comment& c) {
    return {{"id", c.id},
            {"recording_id", c.recording_id},
            {"author", c.author},
            {"parent_id", opt_text(c.parent_id)},
            {"thread_id", c.thread_id},
            {"at_ms", c.at_ms ? nlohmann::json(*c.at_ms) : nlohmann::json()},
            {"body", c.body},
            {"created_at", format_iso_utc(c.created_at)},
            {"edited_at", opt_time(c.edited_at)},
            {"resolved_at", opt_time(c.resolved_at)},
            {"resolved_by", opt_text(c.resolved_by)}};
}

// "at" is the moment as people type it (parse_moment reads it back exactly).
nlohmann::json to_json(const catalog::Chapter& c) {
    return {{"recording_id", c.recording_id},
            {"at_ms", c.at_ms},
            {"at", format_moment_exact(c.at_ms)},
            {"title", c.title},
            {"created_at", format_iso_utc(c.created_at)}};
}

nlohmann::json to_json(const catalog::View& v) {
    nlohmann::json intervals = nlohmann::json::array();
    for (const auto& i : v.intervals) intervals.push_back({{"start_ms", i.start_ms}, {"end_ms", i.end_ms}});
    return {{"recording_id", v.recording_id},
            {"person", v.person},
            {"intervals", intervals},
            {"covered_ms", v.covered_ms},
            {"coverage", v.coverage},
            {"last_position_ms", v.last_position_ms},
            {"watched", v.watched_at.has_value()},
            {"watched_at", opt_time(v.watched_at)},
            {"how", v.how ? nlohmann::json(catalog::to_string(*v.how)) : nlohmann::json()},
            {"updated_at", format_iso_utc(v.updated_at)}};
}

nlohmann::json to_json(const catalog::Assignment& a) {
    return {{"id", a.id},
            {"recording_id", a.recording_id},
            {"recording_title", a.recording_title},
            {"assignee", a.assignee},
            {"assigned_by", a.assigned_by},
            {"assigned_at", format_iso_utc(a.assigned_at)},
            {"due", a.due ? nlohmann::json(*a.due) : nlohmann::json()},
            {"completed_at", opt_time(a.completed_at)},
            {"coverage", a.coverage},
            {"state", catalog::to_string(a.state)},
            {"overdue", a.state == catalog::AssignmentState::overdue}};
}

nlohmann::json to_json(const catalog::InboxItem& i) {
    return {{"comment", to_json(i.comment)},
            {"recording_title", i.recording_title},
            {"reason", i.reason},
            {"age_ms", i.age_ms},
            {"overdue", i.overdue}};
}

nlohmann::json to_json(const catalog::SearchHit& h) {
    return {{"recording_id", h.recording_id},
            {"recording_title", h.recording_title},
            {"kind", catalog::to_string(h.kind)},
            {"matched_in", h.matched_in},
            {"comment_id", opt_text(h.comment_id)},
            {"at_ms", h.at_ms ? nlohmann::json(*h.at_ms) : nlohmann::json()},
            {"excerpt", h.excerpt},
            {"score", h.score}};
}

nlohmann::json to_json(const av::MediaInfo& m) {
    nlohmann::json streams = nlohmann::json::array();
    for (const auto& s : m.streams) {
        nlohmann::json js{{"index", s.index},
                          {"type", s.type},
                          {"codec", s.codec},
                          {"decodable", s.decodable},
                          {"bit_rate", s.bit_rate}};
        if (s.type == "video") {
            js["width"] = s.width;
            js["height"] = s.height;
            js["frame_rate"] = s.frame_rate;
            js["pixel_format"] = s.pixel_format;
            js["rotation"] = s.rotation;  // width and height are the upright size
            js["mirrored"] = s.mirrored;
        } else if (s.type == "audio") {
            js["sample_rate"] = s.sample_rate;
            js["channels"] = s.channels;
        }
        streams.push_back(std::move(js));
    }
    return {{"container", m.container},
            {"duration_ms", m.duration_ms},
            {"size_bytes", m.size_bytes},
            {"width", m.width},
            {"height", m.height},
            {"video_codec", opt_text(m.video_codec)},
            {"audio_codec", opt_text(m.audio_codec)},
            {"has_decodable_video", m.has_decodable_video},
            {"streams", streams}};
}

nlohmann::json to_json(const catalog::Change& c) {
    // Ids only: a client fetches what it shows, as the person it is, so an event never carries more
    // than the routes would give.
    nlohmann::json j{{"seq", c.seq}, {"kind", c.kind}, {"at", format_iso_utc(c.at)}, {"recording_id", c.recording_id}};
    if (c.kind.starts_with("comment."))
        j["comment_id"] = c.subject_id ? nlohmann::json(*c.subject_id) : nlohmann::json();
    if (c.kind.starts_with("assignment.")) {
        j["assignment_id"] = c.subject_id ? nlohmann::json(*c.subject_id) : nlohmann::json();
    }
    j["person"] = c.person ? nlohmann::json(*c.person) : nlohmann::json();
    return j;
}

nlohmann::json to_json(const catalog::Inbox& inbox) {
    nlohmann::json items = nlohmann::json::array();
    for (const auto& i : inbox.items) items.push_back(to_json(i));
    return {{"items", items}, {"total", inbox.total}, {"response_window_hours", inbox.response_window_hours}};
}

nlohmann::json to_json(const catalog::RecordingOverview& o) {
    nlohmann::json j = to_json(o.recording);
    j["chapters"] = nlohmann::json::array();
    for (const auto& c : o.chapters) j["chapters"].push_back(to_json(c));
    j["views"] = nlohmann::json::array();
    for (const auto& v : o.views) j["views"].push_back(to_json(v));
    j["assignments"] = nlohmann::json::array();
    for (const auto& a : o.assignments) j["assignments"].push_back(to_json(a));
    return j;
}

std::string invite_url(const std::string& public_url, const std::string& code) { return public_url + "/join#" + code; }

// "role" is the person's access (admin or member), as `people invite --role` takes it.
nlohmann::json to_json(const catalog::Invite& invite, const std::string& public_url) {
    return {{"person", invite.person.name},
            {"role", invite.person.access},
            {"invite_url", invite_url(public_url, invite.code)},
            {"code", invite.code},
            {"expires_at", format_iso_utc(invite.expires_at)}};
}

}  // namespace wt::catalog
