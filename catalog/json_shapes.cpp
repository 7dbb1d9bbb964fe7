#include "catalog/json_shapes.hpp"

#include "common/timefmt.hpp"

namespace wt::catalog {
namespace {
nlohmann::json opt_time(const std::optional<EpochMs>& t) {
    return t ? nlohmann::json(format_iso_utc(*t)) : nlohmann::json();
}
nlohmann::json opt_text(const std::string& s) { return s.empty() ? nlohmann::json() : nlohmann::json(s); }
}  // namespace

// "guest" only for someone who came by a share link: what they may see, and the name they typed.
nlohmann::json to_json(const catalog::Person& p) {
    nlohmann::json out = {{"id", p.id},
                          {"name", p.name},
                          {"email", p.email},
                          {"role", p.role},
                          {"created_at", format_iso_utc(p.created_at)},
                          {"access", p.access},
                          {"last_seen_at", opt_time(p.last_seen_at)}};
    if (p.guest) {
        out["name"] = p.guest->name;
        out["guest"] = {{"share_id", p.guest->share_id},
                        {"recording_id", p.guest->recording_id},
                        {"mode", p.guest->mode},
                        {"name", p.guest->name}};
    }
    return out;
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
            {"author_guest", c.author_guest},
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
            {"guest", v.guest},
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

std::string share_url(const std::string& public_url, const std::string& code) { return public_url + "/s#" + code; }

nlohmann::json to_json(const catalog::Share& share, const std::string& public_url) {
    nlohmann::json out = {{"id", share.id},
                          {"recording_id", share.recording_id},
                          {"mode", share.mode},
                          {"created_by", share.created_by},
                          {"created_at", format_iso_utc(share.created_at)},
                          {"expires_at", format_iso_utc(share.expires_at)},
                          {"revoked_at", opt_time(share.revoked_at)},
                          {"guests", share.guests}};
    if (!share.code.empty()) {
        out["code"] = share.code;
        out["url"] = share_url(public_url, share.code);
    }
    return out;
}

}  // namespace wt::catalog

// Reading the shapes back. nlohmann's accessors throw on a missing key or a wrong type; that stays
// in this file: each reader returns the problem as a value.
namespace wt::catalog {
namespace {

using nlohmann::json;

struct ShapeError {
    std::string what;
};

const json& field(const json& j, const char* key) {
    if (!j.is_object()) throw ShapeError{"an object was expected"};
    auto it = j.find(key);
    if (it == j.end()) throw ShapeError{std::string("'") + key + "' is missing"};
    return *it;
}

std::string text(const json& j, const char* key) {
    const json& v = field(j, key);
    if (v.is_null()) return {};
    if (!v.is_string()) throw ShapeError{std::string("'") + key + "' is not text"};
    return v.get<std::string>();
}

std::int64_t whole(const json& j, const char* key) {
    const json& v = field(j, key);
    if (!v.is_number_integer()) throw ShapeError{std::string("'") + key + "' is not a whole number"};
    return v.get<std::int64_t>();
}

std::optional<std::int64_t> opt_whole(const json& j, const char* key) {
    auto it = j.find(key);
    if (it == j.end() || it->is_null()) return std::nullopt;
    return whole(j, key);
}

double number(const json& j, const char* key) {
    const json& v = field(j, key);
    if (!v.is_number()) throw ShapeError{std::string("'") + key + "' is not a number"};
    return v.get<double>();
}

bool flag(const json& j, const char* key) {
    const json& v = field(j, key);
    if (!v.is_boolean()) throw ShapeError{std::string("'") + key + "' is not true or false"};
    return v.get<bool>();
}

// A flag a server before share links did not send: absent is false.
bool opt_flag(const json& j, const char* key) { return j.is_object() && j.contains(key) && flag(j, key); }

EpochMs instant(const json& j, const char* key) {
    auto t = parse_iso_utc(text(j, key));
    if (!t) throw ShapeError{std::string("'") + key + "': " + t.error().message};
    return *t;
}

std::optional<EpochMs> opt_instant(const json& j, const char* key) {
    auto it = j.find(key);
    if (it == j.end() || it->is_null()) return std::nullopt;
    return instant(j, key);
}

const json& array(const json& j, const char* key) {
    const json& v = field(j, key);
    if (!v.is_array()) throw ShapeError{std::string("'") + key + "' is not a list"};
    return v;
}

Kind kind_of(const json& j) {
    auto k = parse_kind(text(j, "kind"));
    if (!k) throw ShapeError{k.error().message};
    return *k;
}

Status status_of(const json& j) {
    const std::string s = text(j, "status");
    for (Status st : {Status::recording, Status::ready, Status::recovered, Status::failed}) {
        if (s == to_string(st)) return st;
    }
    throw ShapeError{"'status' is not one this client knows: " + s};
}

Person read_person(const json& j) {
    Person p;
    p.id = text(j, "id");
    p.name = text(j, "name");
    p.email = text(j, "email");
    p.role = text(j, "role");
    p.created_at = instant(j, "created_at");
    p.access = text(j, "access");
    p.last_seen_at = opt_instant(j, "last_seen_at");
    if (auto g = j.find("guest"); g != j.end() && !g->is_null()) {
        p.guest = GuestPass{text(*g, "share_id"), text(*g, "recording_id"), text(*g, "mode"), text(*g, "name")};
    }
    return p;
}

Recording read_recording(const json& j) {
    Recording r;
    r.id = text(j, "id");
    r.title = text(j, "title");
    r.description = text(j, "description");
    r.kind = kind_of(j);
    r.author = text(j, "author");
    r.created_at = instant(j, "created_at");
    r.duration_ms = whole(j, "duration_ms");
    r.width = static_cast<int>(whole(j, "width"));
    r.height = static_cast<int>(whole(j, "height"));
    r.size_bytes = whole(j, "size_bytes");
    r.video_codec = text(j, "video_codec");
    r.audio_codec = text(j, "audio_codec");
    r.media_path = text(j, "media_path");
    r.thumbnail_path = text(j, "thumbnail_path");
    r.status = status_of(j);
    r.note = text(j, "note");
    for (const auto& t : array(j, "tags")) {
        if (!t.is_string()) throw ShapeError{"'tags' holds something that is not text"};
        r.tags.push_back(t.get<std::string>());
    }
    r.comment_count = static_cast<int>(whole(j, "comment_count"));
    r.open_comment_count = static_cast<int>(whole(j, "open_comment_count"));
    return r;
}

Comment read_comment(const json& j) {
    Comment c;
    c.id = text(j, "id");
    c.recording_id = text(j, "recording_id");
    c.author = text(j, "author");
    c.author_guest = opt_flag(j, "author_guest");
    c.parent_id = text(j, "parent_id");
    c.thread_id = text(j, "thread_id");
    c.at_ms = opt_whole(j, "at_ms");
    c.body = text(j, "body");
    c.created_at = instant(j, "created_at");
    c.edited_at = opt_instant(j, "edited_at");
    c.resolved_at = opt_instant(j, "resolved_at");
    c.resolved_by = text(j, "resolved_by");
    return c;
}

Chapter read_chapter(const json& j) {
    return {text(j, "recording_id"), whole(j, "at_ms"), text(j, "title"), instant(j, "created_at")};
}

View read_view(const json& j) {
    View v;
    v.recording_id = text(j, "recording_id");
    v.person = text(j, "person");
    v.guest = opt_flag(j, "guest");
    for (const auto& i : array(j, "intervals")) v.intervals.push_back({whole(i, "start_ms"), whole(i, "end_ms")});
    v.covered_ms = whole(j, "covered_ms");
    v.coverage = number(j, "coverage");
    v.last_position_ms = whole(j, "last_position_ms");
    v.watched_at = opt_instant(j, "watched_at");
    const std::string how = text(j, "how");
    if (how == to_string(WatchedHow::coverage))
        v.how = WatchedHow::coverage;
    else if (how == to_string(WatchedHow::explicit_mark))
        v.how = WatchedHow::explicit_mark;
    else if (!how.empty())
        throw ShapeError{"'how' is not one this client knows: " + how};
    v.updated_at = instant(j, "updated_at");
    return v;
}

Assignment read_assignment(const json& j) {
    Assignment a;
    a.id = text(j, "id");
    a.recording_id = text(j, "recording_id");
    a.recording_title = text(j, "recording_title");
    a.assignee = text(j, "assignee");
    a.assigned_by = text(j, "assigned_by");
    a.assigned_at = instant(j, "assigned_at");
    const std::string due = text(j, "due");
    if (!due.empty()) a.due = due;
    a.completed_at = opt_instant(j, "completed_at");
    a.coverage = number(j, "coverage");
    const std::string state = text(j, "state");
    bool known = false;
    for (AssignmentState s :
         {AssignmentState::not_started, AssignmentState::in_progress, AssignmentState::done, AssignmentState::overdue}) {
        if (state == to_string(s)) {
            a.state = s;
            known = true;
        }
    }
    if (!known) throw ShapeError{"'state' is not one this client knows: " + state};
    return a;
}

SearchHit read_search_hit(const json& j) {
    SearchHit h;
    h.recording_id = text(j, "recording_id");
    h.recording_title = text(j, "recording_title");
    h.kind = kind_of(j);
    h.matched_in = text(j, "matched_in");
    h.comment_id = text(j, "comment_id");
    h.at_ms = opt_whole(j, "at_ms");
    h.excerpt = text(j, "excerpt");
    h.score = number(j, "score");
    return h;
}

Inbox read_inbox(const json& j) {
    Inbox inbox;
    for (const auto& i : array(j, "items")) {
        inbox.items.push_back({read_comment(field(i, "comment")), text(i, "recording_title"), text(i, "reason"),
                               whole(i, "age_ms"), flag(i, "overdue")});
    }
    inbox.total = whole(j, "total");
    inbox.response_window_hours = static_cast<int>(whole(j, "response_window_hours"));
    return inbox;
}

RecordingOverview read_overview(const json& j) {
    RecordingOverview o;
    o.recording = read_recording(j);
    for (const auto& c : array(j, "chapters")) o.chapters.push_back(read_chapter(c));
    for (const auto& v : array(j, "views")) o.views.push_back(read_view(v));
    for (const auto& a : array(j, "assignments")) o.assignments.push_back(read_assignment(a));
    return o;
}

Invite read_invite(const json& j) {
    Invite inv;
    inv.person.name = text(j, "person");
    inv.person.access = text(j, "role");
    inv.code = text(j, "code");
    inv.expires_at = instant(j, "expires_at");
    return inv;
}

template <typename T>
Result<T> read(const json& j, T (*reader)(const json&), const char* what) {
    try {
        return reader(j);
    } catch (const ShapeError& e) {
        return fail(ErrorCode::internal,
                    std::string("the server's answer is not ") + what + " as this version reads it: " + e.what);
    } catch (const json::exception& e) {
        return fail(ErrorCode::internal, std::string("the server's answer is not ") + what + ": " + e.what());
    }
}

}  // namespace

Result<Person> person_from_json(const json& j) { return read(j, read_person, "a person"); }
Result<Recording> recording_from_json(const json& j) { return read(j, read_recording, "a recording"); }
Result<Comment> comment_from_json(const json& j) { return read(j, read_comment, "a comment"); }
Result<Chapter> chapter_from_json(const json& j) { return read(j, read_chapter, "a chapter"); }
Result<View> view_from_json(const json& j) { return read(j, read_view, "a view"); }
Result<Assignment> assignment_from_json(const json& j) { return read(j, read_assignment, "an assignment"); }
Result<SearchHit> search_hit_from_json(const json& j) { return read(j, read_search_hit, "a search hit"); }
Result<Inbox> inbox_from_json(const json& j) { return read(j, read_inbox, "an inbox"); }
Result<RecordingOverview> overview_from_json(const json& j) { return read(j, read_overview, "a recording"); }
Result<Invite> invite_from_json(const json& j) { return read(j, read_invite, "an invite"); }

}  // namespace wt::catalog
