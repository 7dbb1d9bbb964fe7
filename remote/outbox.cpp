// The outbox: recordings on their way to a team server, each in a folder of its own
//   <outbox>/<id>/video       the recording (a hard link to the original when it can be, else a copy)
//   <outbox>/<id>/entry.json  what travels with it and how far it got (replaced whole, atomically)
//   <outbox>/<id>/lock        held (flock) by the process sending it
// Sending speaks tus 1.0 (docs/api.md): POST /uploads once (its id is written down before any byte
// goes), then HEAD for the server's offset and PATCH from there, as often as it takes.
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <random>
#include <sstream>
#include <thread>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "remote/http_client.hpp"
#include "remote/private_files.hpp"
#include "remote/remote.hpp"

namespace wt::remote {

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr const char* k_tus = "Tus-Resumable: 1.0.0";

struct Fd {
    int fd = -1;
    explicit Fd(int f) : fd(f) {}
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    ~Fd() {
        if (fd >= 0) ::close(fd);
    }
};

std::string new_id() {
    static const char* k_chars = "0123456789abcdefghjkmnpqrstvwxyz";
    std::random_device rd;
    std::string id;
    for (int i = 0; i < 10; ++i) id += k_chars[rd() % 32];
    return id;
}

bool valid_id(std::string_view id) {
    return id.size() == 10 && std::all_of(id.begin(), id.end(), [](char c) {
               return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z');
           });
}

std::string base64(std::string_view in) {
    static const char* k_alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    size_t i = 0;
    for (; i + 2 < in.size(); i += 3) {
        const unsigned v = (static_cast<unsigned char>(in[i]) << 16) | (static_cast<unsigned char>(in[i + 1]) << 8) |
                           static_cast<unsigned char>(in[i + 2]);
        out += {k_alphabet[(v >> 18) & 63], k_alphabet[(v >> 12) & 63], k_alphabet[(v >> 6) & 63], k_alphabet[v & 63]};
    }
    if (i + 1 == in.size()) {
        const unsigned v = static_cast<unsigned char>(in[i]) << 16;
        out += {k_alphabet[(v >> 18) & 63], k_alphabet[(v >> 12) & 63], '=', '='};
    } else if (i + 2 == in.size()) {
        const unsigned v = (static_cast<unsigned char>(in[i]) << 16) | (static_cast<unsigned char>(in[i + 1]) << 8);
        out += {k_alphabet[(v >> 18) & 63], k_alphabet[(v >> 12) & 63], k_alphabet[(v >> 6) & 63], '='};
    }
    return out;
}

json to_entry_json(const Outgoing& o) {
    json chapters = json::array();
    for (const auto& c : o.chapters) chapters.push_back({{"at_ms", c.at_ms}, {"title", c.title}});
    return {{"server", o.server},
            {"title", o.details.title ? json(*o.details.title) : json()},
            {"description", o.details.description},
            {"kind", catalog::to_string(o.details.kind)},
            {"tags", o.details.tags},
            {"chapters", chapters},
            {"source", o.source},
            {"size_bytes", o.size_bytes},
            {"upload", o.upload},
            {"sent_bytes", o.sent_bytes},
            {"resumed_from", o.resumed_from},
            {"state", to_string(o.state)},
            {"recording_id", o.recording_id},
            {"last_error", o.last_error},
            {"queued_at", o.queued_at},
            {"last_try_at", o.last_try_at},
            {"published_at", o.published_at}};
}

Result<Outgoing> from_entry_json(const fs::path& dir) {
    std::ifstream in(dir / "entry.json");
    std::stringstream text;
    text << in.rdbuf();
    auto j = json::parse(text.str(), nullptr, false);
    auto bad = [&] {
        return fail(ErrorCode::io, fmt::format("'{}' is damaged: it is not an outbox entry", (dir / "entry.json").string()));
    };
    if (!in || !j.is_object()) return bad();
    try {
        Outgoing o;
        o.id = dir.filename().string();
        o.server = j.at("server").get<std::string>();
        if (!j.at("title").is_null()) o.details.title = j.at("title").get<std::string>();
        o.details.description = j.at("description").get<std::string>();
        auto kind = catalog::parse_kind(j.at("kind").get<std::string>());
        if (!kind) return bad();
        o.details.kind = *kind;
        o.details.tags = j.at("tags").get<std::vector<std::string>>();
        for (const auto& c : j.at("chapters")) {
            o.chapters.push_back({"", c.at("at_ms").get<std::int64_t>(), c.at("title").get<std::string>(), 0});
        }
        o.source = j.at("source").get<std::string>();
        o.size_bytes = j.at("size_bytes").get<std::int64_t>();
        o.upload = j.at("upload").get<std::string>();
        o.sent_bytes = j.at("sent_bytes").get<std::int64_t>();
        o.resumed_from = j.at("resumed_from").get<std::int64_t>();
        const std::string state = j.at("state").get<std::string>();
        for (auto s : {Outgoing::State::waiting, Outgoing::State::sending, Outgoing::State::published,
                       Outgoing::State::refused}) {
            if (state == to_string(s)) o.state = s;
        }
        o.recording_id = j.at("recording_id").get<std::string>();
        o.last_error = j.at("last_error").get<std::string>();
        o.queued_at = j.at("queued_at").get<EpochMs>();
        o.last_try_at = j.at("last_try_at").get<EpochMs>();
        o.published_at = j.at("published_at").get<EpochMs>();
        o.file = dir / "video";
        return o;
    } catch (const json::exception&) {
        return bad();
    }
}

Result<void> save(const Outgoing& o) {
    return write_private_file(outbox_dir() / o.id / "entry.json", to_entry_json(o).dump(2) + "\n");
}

// Links `from` in as `to`, or copies it when it is on another file system.
Result<void> link_or_copy(const fs::path& from, const fs::path& to) {
    if (::link(from.c_str(), to.c_str()) == 0) return {};
    std::error_code ec;
    fs::copy_file(from, to, ec);
    if (ec) return std::unexpected(io_failure(to, "copy the recording to", ec.value()));
    const int fd = ::open(to.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
        ::fsync(fd);
        ::close(fd);
    }
    return {};
}

// The upload's id from a tus Location: its last path segment, hex only. The URL itself is not
// followed: the token goes only to the server the connection names.
std::optional<std::string> upload_id_of(const std::string& location) {
    const std::string uid = location.substr(location.rfind('/') + 1);
    const bool ok = !uid.empty() && uid.size() <= 64 &&
                    std::all_of(uid.begin(), uid.end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); });
    if (!ok) return std::nullopt;
    return uid;
}

std::optional<std::int64_t> whole_header(const HttpResponse& r, std::string_view name) {
    const std::string v = r.header(name);
    std::int64_t n = -1;
    auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
    if (v.empty() || ec != std::errc() || end != v.data() + v.size() || n < 0) return std::nullopt;
    return n;
}

// One try at sending an entry, its lock held; the entry is updated as it goes.
class Sender {
public:
    Sender(Outgoing& o, const ServerOptions& server, const SendOptions& options)
        : o_(o), http_(server), options_(options) {}

    Result<void> run() {
        Fd video(::open(o_.file.c_str(), O_RDONLY | O_CLOEXEC));
        if (video.fd < 0) {
            return fail(ErrorCode::io,
                        fmt::format("the outbox's copy of '{}' is gone ({}): it cannot be sent",
                                    o_.details.title.value_or(o_.id), std::strerror(errno)));
        }
        bool made_anew = false;
        for (int round = 0; round < 8; ++round) {
            if (o_.upload.empty()) {
                if (auto made = create(); !made) return made;
                made_anew = true;
            }
            auto where = http_.send(tus_request("HEAD"));
            if (!where) return std::unexpected(where.error());
            if (where->status == 404 && !made_anew) {
                // Abandoned at the server (a day without bytes): start it again.
                o_.upload.clear();
                o_.sent_bytes = 0;
                continue;
            }
            if (where->status != 200) return std::unexpected(http_.error_of(*where));
            if (auto rec = where->header("walkthrough-recording"); !rec.empty()) {
                o_.recording_id = rec;
                return {};
            }
            auto offset = whole_header(*where, "upload-offset");
            if (!offset || *offset > o_.size_bytes) {
                return fail(ErrorCode::internal, "the server's Upload-Offset is not one of this upload");
            }
            o_.sent_bytes = *offset;
            (void)save(o_);
            auto patched = patch(video.fd);
            if (!patched) return patched;
            if (!o_.recording_id.empty()) return {};
            std::this_thread::sleep_for(std::chrono::milliseconds(200 * (round + 1)));  // busy, or moved on
        }
        return fail(ErrorCode::busy, "the server kept the upload busy; it is tried again next time");
    }

private:
    HttpRequest tus_request(const char* method) const {
        HttpRequest r = make_request(method, "/api/v1/uploads/" + o_.upload);
        r.headers.push_back(k_tus);
        if (std::string_view(method) == "HEAD") r.no_body_expected = true;
        return r;
    }

    Result<void> create() {
        std::string metadata = "filename " + base64(o_.details.title.value_or("recording") + ".mp4");
        if (o_.details.title) metadata += ",title " + base64(*o_.details.title);
        metadata += ",kind " + base64(catalog::to_string(o_.details.kind));
        if (!o_.details.description.empty()) metadata += ",description " + base64(o_.details.description);
        if (!o_.details.tags.empty()) {
            std::string tags;
            for (const auto& t : o_.details.tags) tags += (tags.empty() ? "" : ",") + t;
            metadata += ",tag " + base64(tags);
        }
        HttpRequest r = make_request("POST", "/api/v1/uploads");
        r.headers = {k_tus, fmt::format("Upload-Length: {}", o_.size_bytes), "Upload-Metadata: " + metadata};
        auto made = http_.call(r);
        if (!made) return std::unexpected(made.error());
        auto uid = upload_id_of(made->header("location"));
        if (made->status != 201 || !uid) {
            return fail(ErrorCode::internal, "the server made the upload without saying where it is (Location)");
        }
        o_.upload = *uid;
        o_.sent_bytes = 0;
        return save(o_);  // written down before any byte goes: the next try resumes it
    }

    // Sends the rest from the server's offset; at the end the server answers with the recording.
    Result<void> patch(int fd) {
        const std::int64_t from = o_.sent_bytes;
        o_.resumed_from = from;
        if (::lseek(fd, from, SEEK_SET) != from) {
            return std::unexpected(io_failure(o_.file, "read", errno));
        }
        HttpRequest r = tus_request("PATCH");
        r.headers.push_back("Content-Type: application/offset+octet-stream");
        r.headers.push_back(fmt::format("Upload-Offset: {}", from));
        r.body_fd = fd;
        r.body_size = o_.size_bytes - from;
        r.max_bytes_per_second = options_.max_bytes_per_second;
        if (options_.progress) {
            r.progress = [this, from](std::int64_t sent, std::int64_t) {
                return options_.progress(o_, from + sent, o_.size_bytes);
            };
        }
        auto answer = http_.send(r);
        if (!answer) return std::unexpected(answer.error());
        if (answer->status == 409) return {};  // another offset or busy: ask again
        if (answer->status != 204) return std::unexpected(http_.error_of(*answer));
        if (auto offset = whole_header(*answer, "upload-offset")) o_.sent_bytes = *offset;
        o_.recording_id = answer->header("walkthrough-recording");
        return {};
    }

    Outgoing& o_;
    HttpClient http_;
    const SendOptions& options_;
};

// Names the moments the recording came with; a chapter already there is renamed, so doing it
// again after a crash changes nothing.
Result<void> set_chapters(const Outgoing& o, const ServerOptions& server) {
    HttpClient http(server);
    for (const auto& c : o.chapters) {
        auto r = http.call_json("PUT",
                                "/api/v1/recordings/" + url_encode(o.recording_id) + "/chapters/" +
                                    std::to_string(c.at_ms),
                                json{{"title", c.title}});
        if (!r) return std::unexpected(r.error());
    }
    return {};
}

}  // namespace

const char* to_string(Outgoing::State s) {
    switch (s) {
    case Outgoing::State::waiting: return "waiting";
    case Outgoing::State::sending: return "sending";
    case Outgoing::State::published: return "published";
    case Outgoing::State::refused: return "refused";
    }
    return "waiting";
}

json to_json(const Outgoing& o) {
    auto instant = [](EpochMs t) { return t ? json(format_iso_utc(t)) : json(); };
    json chapters = json::array();
    for (const auto& c : o.chapters) chapters.push_back({{"at_ms", c.at_ms}, {"title", c.title}});
    return {{"id", o.id},
            {"server", o.server},
            {"title", o.details.title ? json(*o.details.title) : json()},
            {"kind", catalog::to_string(o.details.kind)},
            {"tags", o.details.tags},
            {"description", o.details.description},
            {"chapters", chapters},
            {"state", to_string(o.state)},
            {"size_bytes", o.size_bytes},
            {"sent_bytes", o.sent_bytes},
            {"resumed_from", o.resumed_from},
            {"recording_id", o.recording_id.empty() ? json() : json(o.recording_id)},
            {"last_error", o.last_error.empty() ? json() : json(o.last_error)},
            {"queued_at", instant(o.queued_at)},
            {"last_try_at", instant(o.last_try_at)},
            {"published_at", instant(o.published_at)}};
}

fs::path outbox_dir() {
    const char* xdg = std::getenv("XDG_DATA_HOME");
    const char* home = std::getenv("HOME");
    const fs::path data = xdg && *xdg && fs::path(xdg).is_absolute() ? fs::path(xdg)
                                                                      : fs::path(home && *home ? home : "/") / ".local" /
                                                                            "share";
    return data / "walkthrough-remote" / "outbox";
}

Result<Outgoing> enqueue(const std::string& server, const fs::path& file, const catalog::NewRecording& details,
                         const std::vector<catalog::Chapter>& chapters, const std::string& source) {
    if (auto name = check_server_name(server); !name) return std::unexpected(name.error());
    struct stat st{};
    if (::stat(file.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
        return fail(ErrorCode::not_found, fmt::format("'{}' is not a video file that can be sent", file.string()));
    }
    if (auto made = private_dir(outbox_dir()); !made) return std::unexpected(made.error());
    Outgoing o;
    o.id = new_id();
    const fs::path dir = outbox_dir() / o.id;
    if (::mkdir(dir.c_str(), 0700) != 0) return std::unexpected(io_failure(dir, "create the folder", errno));
    o.server = server;
    o.details = details;
    o.chapters = chapters;
    o.source = source;
    o.size_bytes = st.st_size;
    o.queued_at = now_ms();
    o.file = dir / "video";
    auto linked = link_or_copy(file, o.file);
    if (linked) linked = save(o);
    if (!linked) {
        std::error_code ec;
        fs::remove_all(dir, ec);
        return std::unexpected(linked.error());
    }
    return o;
}

std::vector<Outgoing> outbox(std::vector<std::string>* problems) {
    std::vector<Outgoing> out;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(outbox_dir(), ec)) {
        if (!valid_id(e.path().filename().string()) || !e.is_directory()) continue;
        if (!fs::exists(e.path() / "entry.json")) continue;  // being made
        auto o = from_entry_json(e.path());
        if (o) {
            out.push_back(std::move(*o));
        } else if (problems) {
            problems->push_back(o.error().message);
        }
    }
    std::sort(out.begin(), out.end(), [](const Outgoing& a, const Outgoing& b) {
        return a.queued_at != b.queued_at ? a.queued_at < b.queued_at : a.id < b.id;
    });
    return out;
}

bool outbox_waiting(std::chrono::seconds retry_after) {
    const EpochMs now = now_ms();
    for (const auto& o : outbox()) {
        if (o.state == Outgoing::State::published || o.state == Outgoing::State::refused) continue;
        const bool failed = !o.last_error.empty();
        if (failed && now - o.last_try_at < std::chrono::duration_cast<std::chrono::milliseconds>(retry_after).count()) {
            continue;
        }
        Fd lock(::open((outbox_dir() / o.id / "lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600));
        if (lock.fd >= 0 && ::flock(lock.fd, LOCK_EX | LOCK_NB) == 0) return true;  // nobody is on it
    }
    return false;
}

Result<Outgoing> send(const std::string& id, const SendOptions& options) {
    if (!valid_id(id)) return fail(ErrorCode::not_found, fmt::format("'{}' is not in the outbox", id));
    const fs::path dir = outbox_dir() / id;
    Fd lock(::open((dir / "lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600));
    if (lock.fd < 0) return fail(ErrorCode::not_found, fmt::format("'{}' is not in the outbox", id));
    if (::flock(lock.fd, LOCK_EX | LOCK_NB) != 0) {
        return fail(ErrorCode::busy, fmt::format("'{}' is being sent by another process", id));
    }
    auto o = from_entry_json(dir);
    if (!o) return o;
    if (o->state == Outgoing::State::published || o->state == Outgoing::State::refused) return o;
    auto saved = find_server(o->server);
    if (!saved) {
        o->last_error = fmt::format("not connected to '{}' any more; connect again with `walkthrough connect URL "
                                    "CODE --name {}` and it is sent",
                                    o->server, o->server);
        (void)save(*o);
        return fail(ErrorCode::unauthorized, o->last_error);
    }
    const ServerOptions server = server_options(*saved);
    o->state = Outgoing::State::sending;
    o->last_try_at = now_ms();
    (void)save(*o);
    Sender sender(*o, server, options);
    auto sent = sender.run();
    if (sent && !o->recording_id.empty()) sent = set_chapters(*o, server);
    if (!sent) {
        o->state = sent.error().code == ErrorCode::bad_media ? Outgoing::State::refused : Outgoing::State::waiting;
        o->last_error = sent.error().message;
        (void)save(*o);
        return std::unexpected(sent.error());
    }
    o->state = Outgoing::State::published;
    o->sent_bytes = o->size_bytes;
    o->published_at = now_ms();
    o->last_error.clear();
    if (auto r = save(*o); !r) return std::unexpected(r.error());
    ::unlink(o->file.c_str());  // the server has it; the original stays where it came from
    return o;
}

}  // namespace wt::remote
