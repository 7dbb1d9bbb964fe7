// catalog::Library over the team server's API (docs/api.md): each operation is one or a few
// requests, the answers read with the shapes the server writes them with (catalog/json_shapes).
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <limits>
#include <cstring>

#include <fmt/format.h>

#include "catalog/json_shapes.hpp"
#include "remote/download.hpp"
#include "remote/http_client.hpp"

namespace wt::remote {

namespace {

using nlohmann::json;
namespace fs = std::filesystem;

constexpr int k_list_page = 500;        // the API's largest page of recordings
constexpr int k_search_limit = 200;     // the API's largest search
constexpr size_t k_stretches_per = 100;  // stretches in one progress request

template <typename T>
Result<std::vector<T>> list_of(const Result<json>& j, Result<T> (*read)(const json&)) {
    if (!j) return std::unexpected(j.error());
    if (!j->is_array()) return fail(ErrorCode::internal, "the team server's answer is not a list");
    std::vector<T> out;
    out.reserve(j->size());
    for (const auto& item : *j) {
        auto v = read(item);
        if (!v) return std::unexpected(v.error());
        out.push_back(std::move(*v));
    }
    return out;
}

template <typename T>
Result<T> one(const Result<json>& j, Result<T> (*read)(const json&)) {
    if (!j) return std::unexpected(j.error());
    return read(*j);
}

// "?a=1&b=2" from the pairs whose value is set.
std::string query(const std::vector<std::pair<std::string, std::optional<std::string>>>& params) {
    std::string q;
    for (const auto& [key, value] : params) {
        if (!value) continue;
        q += (q.empty() ? "?" : "&") + key + "=" + url_encode(*value);
    }
    return q;
}

std::string recording_path(const catalog::Ref& id) { return "/api/v1/recordings/" + url_encode(id); }

class RemoteLibrary final : public catalog::Library {
public:
    RemoteLibrary(ServerOptions options, catalog::Person me) : http_(std::move(options)), me_(std::move(me)) {}

    const catalog::Person& me() const override { return me_; }

    Result<catalog::LibraryStats> stats() override {
        catalog::LibraryStats s;
        s.root = http_.options().url;
        s.schema_version = 0;  // the server's own; the API does not tell it
        s.public_url = http_.options().url;
        catalog::ListFilter all;
        all.limit = std::numeric_limits<int>::max();
        auto recordings = list(all);
        if (!recordings) return std::unexpected(recordings.error());
        s.recordings = static_cast<std::int64_t>(recordings->size());
        for (const auto& r : *recordings) {
            s.comments += r.comment_count;
            s.media_bytes += r.size_bytes;
        }
        auto everyone = people();
        if (!everyone) return std::unexpected(everyone.error());
        s.people = static_cast<std::int64_t>(everyone->size());
        auto waiting = inbox();
        if (!waiting) return std::unexpected(waiting.error());
        s.response_window_hours = waiting->response_window_hours;
        HttpRequest options = make_request("OPTIONS", "/api/v1/uploads");
        options.no_body_expected = true;
        if (auto r = http_.call(options)) {
            const std::string max = r->header("tus-max-size");
            std::int64_t bytes = 0;
            auto [end, ec] = std::from_chars(max.data(), max.data() + max.size(), bytes);
            if (!max.empty() && ec == std::errc() && end == max.data() + max.size()) s.max_upload_bytes = bytes;
        }
        return s;
    }

    void release_memory() override {}

    Result<catalog::Recording> import_recording(const catalog::NewRecording& in,
                                                const catalog::Progress& progress) override {
        if (in.author && *in.author != me_.name) {
            return fail(ErrorCode::forbidden,
                        fmt::format("a recording sent to the team server {} is always by whoever signed in ({}), "
                                    "not {}",
                                    http_.options().url, me_.name, *in.author));
        }
        const int fd = ::open(in.file.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
            return fail(errno == ENOENT ? ErrorCode::not_found : ErrorCode::io,
                        fmt::format("cannot open '{}': {}", in.file.string(), std::strerror(errno)));
        }
        struct Closer {
            int fd;
            ~Closer() { ::close(fd); }
        } closer{fd};
        struct stat st{};
        if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
            return fail(ErrorCode::invalid_input, fmt::format("'{}' is not a regular file", in.file.string()));
        }
        const std::string title = in.title ? *in.title : in.file.stem().string();
        std::vector<std::pair<std::string, std::optional<std::string>>> params{
            {"title", title},
            {"kind", std::string(catalog::to_string(in.kind))},
            {"description", in.description.empty() ? std::nullopt : std::optional(in.description)}};
        for (const auto& t : in.tags) params.emplace_back("tag", t);
        HttpRequest req = make_request("POST", "/api/v1/recordings" + query(params));
        req.headers.push_back("Content-Type: application/octet-stream");
        req.body_fd = fd;
        req.body_size = st.st_size;
        if (progress) {
            req.progress = [&](std::int64_t sent, std::int64_t total) {
                return progress(total > 0 ? static_cast<double>(sent) / static_cast<double>(total) : 0.0,
                                "sending to the team server");
            };
        }
        auto r = http_.call(req);
        if (!r) return std::unexpected(r.error());
        auto j = json::parse(r->body, nullptr, false);
        return catalog::recording_from_json(j);
    }

    Result<std::vector<catalog::Recording>> list(const catalog::ListFilter& f) override {
        std::vector<catalog::Recording> out;
        int offset = f.offset;
        while (static_cast<int>(out.size()) < f.limit) {
            const int page = std::min(k_list_page, f.limit - static_cast<int>(out.size()));
            const std::string q =
                query({{"kind", f.kind ? std::optional<std::string>(catalog::to_string(*f.kind)) : std::nullopt},
                       {"tag", f.tag},
                       {"author", f.author},
                       {"unwatched", f.unwatched ? std::optional<std::string>("1") : std::nullopt},
                       {"assigned_to", f.assigned_to},
                       {"limit", std::to_string(page)},
                       {"offset", std::to_string(offset)}});
            auto rows = list_of(http_.call_json("GET", "/api/v1/recordings" + q), catalog::recording_from_json);
            if (!rows) return std::unexpected(rows.error());
            const int got = static_cast<int>(rows->size());
            for (auto& r : *rows) out.push_back(std::move(r));
            if (got < page) break;
            offset += got;
        }
        return out;
    }

    Result<catalog::Recording> get(const catalog::Ref& id) override {
        return one(http_.call_json("GET", recording_path(id)), catalog::recording_from_json);
    }

    Result<catalog::Recording> edit(const catalog::Ref& id, const catalog::RecordingEdit& e) override {
        json body = json::object();
        if (e.title) body["title"] = *e.title;
        if (e.description) body["description"] = *e.description;
        if (e.kind) body["kind"] = catalog::to_string(*e.kind);
        if (!e.add_tags.empty()) body["add_tags"] = e.add_tags;
        if (!e.remove_tags.empty()) body["remove_tags"] = e.remove_tags;
        return one(http_.call_json("PATCH", recording_path(id), body), catalog::recording_from_json);
    }

    Result<catalog::Removal> remove(const catalog::Ref& id) override {
        auto j = http_.call_json("DELETE", recording_path(id));
        if (!j) return std::unexpected(j.error());
        if (!j->is_object() || !j->contains("deleted")) {
            return fail(ErrorCode::internal, "the team server's answer to a delete has no \"deleted\"");
        }
        auto rec = catalog::recording_from_json((*j)["deleted"]);
        if (!rec) return std::unexpected(rec.error());
        return catalog::Removal{std::move(*rec), {}};
    }

    Result<catalog::ExportResult> export_to(const catalog::Ref& id, const fs::path& dest,
                                            const catalog::Progress& progress) override {
        return export_download(http_, *this, id, dest, progress);
    }

    fs::path absolute(const std::string&) const override { return {}; }  // no file of it is here

    // Streamed from the server with byte ranges, with this library's token.
    MediaSource media_source(const catalog::Recording& recording) const override {
        const ServerOptions& o = http_.options();
        MediaSource m;
        m.url = o.url + recording_path(recording.id) + "/media";
        m.authorization = "Bearer " + o.token;
        m.verify_tls = !o.insecure;
        m.ca_file = o.ca_file;
        return m;
    }

    Result<catalog::FilesReport> check_files() override {
        return not_here("checking the library's files", "`walkthrough --library FOLDER doctor` on the server");
    }

    Result<std::vector<catalog::Person>> people() override {
        return list_of(http_.call_json("GET", "/api/v1/people"), catalog::person_from_json);
    }

    Result<catalog::Person> add_person(const std::string& name, const std::string& email,
                                       const std::string& role) override {
        json body{{"name", name}};
        if (!email.empty()) body["email"] = email;
        if (!role.empty()) body["role"] = role;
        return one(http_.call_json("POST", "/api/v1/people", body), catalog::person_from_json);
    }

    // The API has no route for one person: found in the list by name (ignoring case, as names are
    // unique) or by id.
    Result<catalog::Person> person(const catalog::Ref& name_or_id) override {
        auto all = people();
        if (!all) return std::unexpected(all.error());
        auto lower = [](std::string s) {
            for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            return s;
        };
        for (const auto& p : *all) {
            if (p.id == name_or_id || lower(p.name) == lower(name_or_id)) return p;
        }
        return fail(ErrorCode::not_found,
                    fmt::format("nobody called '{}' is in the team library; `walkthrough people` lists who is",
                                name_or_id));
    }

    Result<catalog::Invite> invite(const std::string& name, std::optional<std::string> access, int days) override {
        // A path carries a name of 0-9a-z only; anyone else is invited by id.
        std::string who = name;
        const bool plain = !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
            return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z');
        });
        if (!plain) {
            auto p = person(name);
            if (!p && p.error().code != ErrorCode::not_found) return std::unexpected(p.error());
            if (!p) {
                auto added = add_person(name, "", "");
                if (!added) return std::unexpected(added.error());
                p = std::move(added);
            }
            who = p->id;
        }
        json body{{"days", days}};
        if (access) body["access"] = *access;
        return one(http_.call_json("POST", "/api/v1/people/" + url_encode(who) + "/invites", body),
                   catalog::invite_from_json);
    }

    Result<int> revoke(const catalog::Ref& name) override {
        auto p = person(name);
        if (!p) return std::unexpected(p.error());
        auto answer = http_.call_json("POST", "/api/v1/people/" + url_encode(p->id) + "/revoke");
        if (!answer) return std::unexpected(answer.error());
        auto ended = answer->find("revoked");
        if (ended == answer->end() || !ended->is_number_integer()) {
            return fail(ErrorCode::internal, "the server's answer to a revoke has no \"revoked\" count");
        }
        return ended->get<int>();
    }

    Result<void> act_as(const catalog::Ref& person) override {
        if (person == me_.name || person == me_.id) return {};
        return fail(ErrorCode::forbidden,
                    fmt::format("on the team server {} you act as whoever signed in ({}); to act as {}, connect with "
                                "their invite under another name",
                                http_.options().url, me_.name, person));
    }

    Result<catalog::Comment> comment(const catalog::NewComment& in) override {
        json body{{"body", in.body}};
        if (in.at_ms) body["at_ms"] = *in.at_ms;
        if (in.reply_to) body["reply_to"] = *in.reply_to;
        return one(http_.call_json("POST", recording_path(in.recording) + "/comments", body),
                   catalog::comment_from_json);
    }

    Result<std::vector<catalog::Comment>> comments(const catalog::Ref& recording) override {
        return list_of(http_.call_json("GET", recording_path(recording) + "/comments"), catalog::comment_from_json);
    }

    Result<catalog::Comment> get_comment(const catalog::Ref&) override {
        return not_here("finding a comment by its id alone",
                        "`walkthrough comments RECORDING` (the API finds comments by their recording)");
    }

    Result<catalog::Comment> resolve(const catalog::Ref& comment) override {
        return one(http_.call_json("POST", "/api/v1/comments/" + url_encode(comment) + "/resolve"),
                   catalog::comment_from_json);
    }

    Result<catalog::Chapter> set_chapter(const catalog::Ref& recording, std::int64_t at_ms,
                                         const std::string& title) override {
        if (at_ms < 0) return fail(ErrorCode::invalid_input, "a chapter's moment cannot be before the start");
        return one(http_.call_json("PUT", recording_path(recording) + "/chapters/" + std::to_string(at_ms),
                                   json{{"title", title}}),
                   catalog::chapter_from_json);
    }

    Result<std::vector<catalog::Chapter>> chapters(const catalog::Ref& recording) override {
        return list_of(http_.call_json("GET", recording_path(recording) + "/chapters"), catalog::chapter_from_json);
    }

    Result<catalog::Chapter> remove_chapter(const catalog::Ref& recording, std::int64_t at_ms) override {
        if (at_ms < 0) return fail(ErrorCode::invalid_input, "a chapter's moment cannot be before the start");
        return one(http_.call_json("DELETE", recording_path(recording) + "/chapters/" + std::to_string(at_ms)),
                   catalog::chapter_from_json);
    }

    Result<catalog::View> record_progress(const catalog::Ref& recording, std::int64_t from_ms,
                                          std::int64_t to_ms) override {
        return one(http_.call_json("POST", recording_path(recording) + "/progress",
                                   json{{"from_ms", from_ms}, {"to_ms", to_ms}}),
                   catalog::view_from_json);
    }

    Result<catalog::View> record_progress(const catalog::Ref& recording,
                                          const std::vector<catalog::Interval>& stretches) override {
        if (stretches.empty()) return fail(ErrorCode::invalid_input, "no watched stretches to record");
        Result<catalog::View> last = fail(ErrorCode::internal, "no stretches sent");
        for (size_t start = 0; start < stretches.size(); start += k_stretches_per) {
            json intervals = json::array();
            for (size_t i = start; i < std::min(stretches.size(), start + k_stretches_per); ++i) {
                intervals.push_back({stretches[i].start_ms, stretches[i].end_ms});
            }
            last = one(http_.call_json("POST", recording_path(recording) + "/progress", json{{"intervals", intervals}}),
                       catalog::view_from_json);
            if (!last) return last;
        }
        return last;
    }

    Result<catalog::View> mark_watched(const catalog::Ref& recording) override {
        return one(http_.call_json("POST", recording_path(recording) + "/watched"), catalog::view_from_json);
    }

    Result<std::vector<catalog::View>> views(const catalog::Ref& recording) override {
        return list_of(http_.call_json("GET", recording_path(recording) + "/views"), catalog::view_from_json);
    }

    Result<catalog::Assignment> assign(const catalog::Ref& recording, const catalog::Ref& person,
                                       std::optional<std::string> due) override {
        json body{{"recording", recording}, {"person", person}};
        if (due) body["due"] = *due;
        return one(http_.call_json("POST", "/api/v1/assignments", body), catalog::assignment_from_json);
    }

    Result<std::vector<catalog::Assignment>> assignments(const catalog::AssignmentFilter& f) override {
        const std::string q = query({{"person", f.person},
                                     {"recording", f.recording},
                                     {"overdue", f.overdue_only ? std::optional<std::string>("1") : std::nullopt}});
        return list_of(http_.call_json("GET", "/api/v1/assignments" + q), catalog::assignment_from_json);
    }

    Result<catalog::Inbox> inbox() override {
        return one(http_.call_json("GET", "/api/v1/inbox"), catalog::inbox_from_json);
    }

    Result<std::vector<catalog::SearchHit>> search(const std::string& text, int limit) override {
        const std::string q = query({{"q", text}, {"limit", std::to_string(std::clamp(limit, 1, k_search_limit))}});
        return list_of(http_.call_json("GET", "/api/v1/search" + q), catalog::search_hit_from_json);
    }

    Result<void> set_response_window_hours(int) override {
        return not_here("changing the response window",
                        "`walkthrough --library FOLDER settings --response-window H` on the server");
    }
    Result<void> set_public_url(const std::string&) override {
        return not_here("changing the public URL", "`walkthrough serve --public-url URL` on the server");
    }
    Result<void> set_max_upload_bytes(std::int64_t) override {
        return not_here("changing the upload limit",
                        "`walkthrough --library FOLDER settings --max-upload SIZE` on the server");
    }

private:
    std::unexpected<Error> not_here(const std::string& what, const std::string& where) const {
        return fail(ErrorCode::invalid_input,
                    fmt::format("{} is not offered by the team server's API ({}); do it with {}", what,
                                http_.options().url, where));
    }

    HttpClient http_;
    catalog::Person me_;
};

}  // namespace

Result<std::unique_ptr<catalog::Library>> open_remote(const ServerOptions& server) {
    if (server.token.empty()) {
        return fail(ErrorCode::unauthorized,
                    fmt::format("no token for the team server {}; sign in with `walkthrough connect {} CODE`",
                                server.url, server.url));
    }
    HttpClient http(server);
    auto me = one(http.call_json("GET", "/api/v1/me"), catalog::person_from_json);
    if (!me) return std::unexpected(me.error());
    return std::make_unique<RemoteLibrary>(server, std::move(*me));
}

Result<SignedIn> sign_in(const ServerOptions& server, const std::string& code_or_token) {
    ServerOptions anonymous = server;
    anonymous.token.clear();
    HttpClient http(anonymous);
    auto r = http.send(make_request("POST", "/api/v1/session", json{{"invite", code_or_token}}));
    if (!r) return std::unexpected(r.error());
    if (r->status == 200) {
        auto j = json::parse(r->body, nullptr, false);
        if (!j.is_object() || !j.contains("person") || !j.contains("token") || !j["token"].is_string()) {
            return fail(ErrorCode::internal,
                        fmt::format("{} answered the sign-in without a token; is it a walkthrough server?", server.url));
        }
        auto person = catalog::person_from_json(j["person"]);
        if (!person) return std::unexpected(person.error());
        SignedIn in{std::move(*person), j["token"].get<std::string>(), std::nullopt};
        if (j.contains("token_expires_at") && j["token_expires_at"].is_string()) {
            if (auto t = parse_iso_utc(j["token_expires_at"].get<std::string>())) in.token_expires_at = *t;
        }
        return in;
    }
    if (r->status != 401) return std::unexpected(http.error_of(*r));
    // Not an invite the server knows: perhaps a token.
    ServerOptions with_token = server;
    with_token.token = code_or_token;
    HttpClient as_token(with_token);
    auto me = as_token.send(make_request("GET", "/api/v1/me"));
    if (!me) return std::unexpected(me.error());
    if (me->status == 401) {
        return fail(ErrorCode::unauthorized,
                    fmt::format("{} takes this neither as an invite code (unknown, used or expired) nor as a "
                                "token; ask an admin for a new invite (`walkthrough people invite NAME`)",
                                server.url));
    }
    if (me->status != 200) return std::unexpected(as_token.error_of(*me));
    auto person = catalog::person_from_json(json::parse(me->body, nullptr, false));
    if (!person) return std::unexpected(person.error());
    return SignedIn{std::move(*person), code_or_token, std::nullopt};
}

Result<void> sign_out(const ServerOptions& server) {
    HttpClient http(server);
    auto r = http.call(make_request("DELETE", "/api/v1/session"));
    if (!r) return std::unexpected(r.error());
    return {};
}

}  // namespace wt::remote
