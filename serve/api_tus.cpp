// Resumable uploads with the tus protocol (1.0.0, core and creation; tus.io/protocols/resumable-upload):
// POST /uploads makes an upload of a known length, PATCH appends at the offset the server has, HEAD
// says that offset. A PATCH cut off keeps what arrived; the last byte imports the video as
// `walkthrough import` does and answers with its id in Walkthrough-Recording.
//
// An upload belongs to whoever made it (anyone else is told it does not exist) and lives in
// <library>/uploads as <uid>.part (the bytes) and <uid>.json (its length, owner and details); the
// part's lock is held by the PATCH writing it.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <utility>

#include <fmt/format.h>

#include "serve/api_upload.hpp"
#include "serve/upload_files.hpp"

namespace wt::serve {

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr const char* k_tus_version = "1.0.0";

Reply with_tus(Reply r) {
    r.headers.emplace_back("Tus-Resumable", k_tus_version);
    return r;
}

Reply tus_error(unsigned status, std::string_view code, std::string_view message) {
    return with_tus(error_reply(status, code, message));
}

Reply empty(unsigned status) {
    Reply r;
    r.status = status;
    r.content_type.clear();
    return with_tus(std::move(r));
}

// Every tus request but OPTIONS says which version of the protocol it speaks.
std::optional<Reply> wrong_version(const Request& req) {
    auto v = req.header("Tus-Resumable");
    if (v && *v == k_tus_version) return std::nullopt;
    Reply r = tus_error(412, "tus_version",
                        "this server speaks tus 1.0.0: send Tus-Resumable: 1.0.0 with every upload request");
    r.headers.emplace_back("Tus-Version", k_tus_version);
    return r;
}

std::optional<std::int64_t> whole_number(std::string_view text) {
    std::int64_t n = -1;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
    if (ec != std::errc() || end != text.data() + text.size() || n < 0) return std::nullopt;
    return n;
}

std::optional<std::string> base64_decoded(std::string_view text) {
    auto value = [](char c) -> int {
        if (c >= 'A' && c <= 'Z') return c - 'A';
        if (c >= 'a' && c <= 'z') return c - 'a' + 26;
        if (c >= '0' && c <= '9') return c - '0' + 52;
        if (c == '+') return 62;
        if (c == '/') return 63;
        return -1;
    };
    while (!text.empty() && text.back() == '=') text.remove_suffix(1);
    std::string out;
    std::uint32_t acc = 0;
    int bits = 0;
    for (char c : text) {
        const int v = value(c);
        if (v < 0) return std::nullopt;
        acc = (acc << 6) | static_cast<std::uint32_t>(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out += static_cast<char>((acc >> bits) & 0xff);
        }
    }
    return out;
}

// Upload-Metadata: "key base64,key base64,..." with the keys filename, title, kind, tag (several
// separated by commas) and description; others (such as a client's filetype) are ignored.
std::variant<uploads::Details, Reply> details_from_metadata(std::string_view header) {
    uploads::Details d;
    auto bad = [](std::string_view why) { return tus_error(400, "invalid_input", why); };
    while (!header.empty()) {
        const auto comma = header.find(',');
        std::string_view pair = header.substr(0, comma);
        header = comma == std::string_view::npos ? std::string_view() : header.substr(comma + 1);
        while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
        while (!pair.empty() && pair.back() == ' ') pair.remove_suffix(1);
        if (pair.empty()) continue;
        const auto space = pair.find(' ');
        const std::string_view key = pair.substr(0, space);
        auto value = base64_decoded(space == std::string_view::npos ? std::string_view() : pair.substr(space + 1));
        if (!value) return bad(fmt::format("Upload-Metadata: the value of '{}' is not base64", key.substr(0, 40)));
        if (key == "filename") {
            d.filename = *value;
        } else if (key == "title") {
            d.title = *value;
        } else if (key == "description") {
            d.description = *value;
        } else if (key == "kind") {
            auto k = catalog::parse_kind(*value);
            if (!k) return tus_error(400, "invalid_input", k.error().message);
            d.kind = *k;
        } else if (key == "tag") {
            std::string_view tags = *value;
            while (!tags.empty()) {
                const auto c = tags.find(',');
                if (auto tag = tags.substr(0, c); !tag.empty()) d.tags.emplace_back(tag);
                tags = c == std::string_view::npos ? std::string_view() : tags.substr(c + 1);
            }
        }
    }
    return d;
}

// <uid>.json: what an upload is for, and its recording once imported.
struct State {
    std::string owner;  // the person's id
    std::int64_t length = 0;
    uploads::Details details;
    std::string recording;  // set once imported
};

json to_json(const State& s) {
    json j{{"owner", s.owner},
           {"length", s.length},
           {"filename", s.details.filename},
           {"description", s.details.description},
           {"kind", catalog::to_string(s.details.kind)},
           {"tags", s.details.tags},
           {"recording", s.recording}};
    j["title"] = s.details.title ? json(*s.details.title) : json();
    return j;
}

std::optional<State> read_state(const fs::path& file) {
    std::string text;
    {
        UniqueFd fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
        if (fd.get() < 0) return std::nullopt;
        char buf[4096];
        for (ssize_t n; (n = ::read(fd.get(), buf, sizeof buf)) > 0 && text.size() < (1 << 20);) text.append(buf, n);
    }
    auto j = json::parse(text, nullptr, false);
    if (!j.is_object()) return std::nullopt;
    try {
        State s;
        s.owner = j.at("owner").get<std::string>();
        s.length = j.at("length").get<std::int64_t>();
        s.details.filename = j.at("filename").get<std::string>();
        s.details.description = j.at("description").get<std::string>();
        auto kind = catalog::parse_kind(j.at("kind").get<std::string>());
        if (!kind) return std::nullopt;
        s.details.kind = *kind;
        s.details.tags = j.at("tags").get<std::vector<std::string>>();
        if (!j.at("title").is_null()) s.details.title = j.at("title").get<std::string>();
        s.recording = j.at("recording").get<std::string>();
        return s;
    } catch (const json::exception&) {
        return std::nullopt;  // not ours, or damaged: no such upload
    }
}

// Written whole to a new name, then renamed over the old one.
Result<void> write_state(const fs::path& file, const State& s) {
    const fs::path fresh = fs::path(file) += ".new";
    {
        UniqueFd fd(::open(fresh.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600));
        if (fd.get() < 0) {
            return fail(ErrorCode::io,
                        fmt::format("the server could not record the upload ({})", std::strerror(errno)));
        }
        const std::string text = to_json(s).dump(-1, ' ', false, json::error_handler_t::replace);
        if (auto r = uploads::write_all(fd.get(), text); !r) return r;
        if (::fdatasync(fd.get()) != 0) {
            return fail(ErrorCode::io,
                        fmt::format("the server could not record the upload ({})", std::strerror(errno)));
        }
    }
    if (::rename(fresh.c_str(), file.c_str()) != 0) {
        return fail(ErrorCode::io, fmt::format("the server could not record the upload ({})", std::strerror(errno)));
    }
    return {};
}

struct Found {
    fs::path dir;
    std::string uid;
    State state;
    fs::path part() const { return dir / (uid + ".part"); }
    fs::path state_file() const { return dir / (uid + ".json"); }
};

Reply no_such_upload() {
    return tus_error(404, "not_found",
                     "no such upload (it was refused, abandoned for a day, or is not yours); "
                     "start a new one with POST /api/v1/uploads");
}

// The caller's upload named in the path; someone else's is as unknown as one that never was.
std::variant<Found, Reply> find_upload(Call& call) {
    auto none = no_such_upload;
    const std::string& uid = call.req.params.at("uid");
    if (!uploads::valid_upload_id(uid)) return none();
    const fs::path dir = call.site.library / "uploads";
    auto state = read_state(dir / (uid + ".json"));
    if (!state || state->owner != call.person->id) return none();
    return Found{dir, uid, std::move(*state)};
}

Reply offset_reply(unsigned status, std::int64_t offset, const State& s) {
    Reply r = empty(status);
    r.headers.emplace_back("Upload-Offset", std::to_string(offset));
    if (!s.recording.empty()) r.headers.emplace_back("Walkthrough-Recording", s.recording);
    return r;
}

Reply options(Call& call) {
    auto limit = upload_limit(call);
    if (auto* bad = std::get_if<Reply>(&limit)) return std::move(*bad);
    Reply r = empty(204);
    r.headers.emplace_back("Tus-Version", k_tus_version);
    r.headers.emplace_back("Tus-Extension", "creation");
    r.headers.emplace_back("Tus-Max-Size", std::to_string(std::get<std::int64_t>(limit)));
    return r;
}

Reply create(Call& call) {
    if (auto refusal = wrong_version(call.req)) return std::move(*refusal);
    auto length_text = call.req.header("Upload-Length");
    if (!length_text) {
        return tus_error(400, "invalid_input",
                         "send the video's size in bytes as Upload-Length (Upload-Defer-Length is not supported)");
    }
    auto length = whole_number(*length_text);
    if (!length) return tus_error(400, "invalid_input", "Upload-Length is the video's size: a whole number of bytes");
    auto limit = upload_limit(call);
    if (auto* bad = std::get_if<Reply>(&limit)) return std::move(*bad);
    if (*length > std::get<std::int64_t>(limit)) return with_tus(too_large(std::get<std::int64_t>(limit)));
    auto details = details_from_metadata(call.req.header("Upload-Metadata").value_or(""));
    if (auto* bad = std::get_if<Reply>(&details)) return std::move(*bad);

    auto dir = uploads::folder(call.site.library);
    if (!dir) return with_tus(from_error(dir.error()));
    auto uid = uploads::new_upload_id();
    if (!uid) return with_tus(from_error(uid.error()));
    Found up{*dir, *uid, State{call.person->id, *length, std::get<uploads::Details>(std::move(details)), ""}};
    if (auto part = uploads::open_locked(up.part(), true); part.fd.get() < 0) {
        return tus_error(500, "io", fmt::format("the server could not start the upload ({})", std::strerror(errno)));
    }
    if (auto r = write_state(up.state_file(), up.state); !r) {
        ::unlink(up.part().c_str());
        return with_tus(from_error(r.error()));
    }
    Reply r = empty(201);
    r.headers.emplace_back("Location", call.site.public_url + "/api/v1/uploads/" + up.uid);
    return r;
}

Reply head(Call& call) {
    if (auto refusal = wrong_version(call.req)) return std::move(*refusal);
    auto found = find_upload(call);
    if (auto* bad = std::get_if<Reply>(&found)) return std::move(*bad);
    const auto& up = std::get<Found>(found);
    struct stat st {};
    // Without its part, an upload is complete: imported, or being imported right now.
    const std::int64_t offset =
        up.state.recording.empty() && ::lstat(up.part().c_str(), &st) == 0 ? st.st_size : up.state.length;
    Reply r = offset_reply(200, offset, up.state);
    r.headers.emplace_back("Upload-Length", std::to_string(up.state.length));
    r.headers.emplace_back("Cache-Control", "no-store");
    return r;
}

// Marks a connection, to the watchdog, as the one receiving a PATCH of an upload, until reset.
class Sending {
public:
    Sending(Watchdog* watchdog, Watchdog::Connection* connection, const std::string& uid)
        : watchdog_(watchdog), connection_(connection) {
        if (watchdog_) watchdog_->set_upload(connection_, uid);
    }
    Sending(const Sending&) = delete;
    Sending& operator=(const Sending&) = delete;
    ~Sending() { reset(); }
    void reset() {
        if (auto* w = std::exchange(watchdog_, nullptr)) w->set_upload(connection_, {});
    }

private:
    Watchdog* watchdog_;
    Watchdog::Connection* connection_;
};

// One PATCH: appends what arrives to the part; the last byte imports it.
class Append final : public BodySink {
public:
    Append(Call& call, Found up, UniqueFd part, std::int64_t offset)
        : sending_(call.watchdog, call.connection, up.uid),
          up_(std::move(up)),
          part_(std::move(part)),
          start_(offset) {}
    // A PATCH cut off keeps what arrived: the next HEAD says where to go on from.
    ~Append() override {
        if (part_.get() >= 0) (void)::fdatasync(part_.get());
    }

    std::optional<Reply> take(std::string_view bytes) override {
        if (start_ + written_ + static_cast<std::int64_t>(bytes.size()) > up_.state.length) {
            // A body past the announced length is not this video: the part goes back to where this PATCH began.
            written_ = 0;
            if (::ftruncate(part_.get(), start_) != 0) {
                return tus_error(500, "io",
                                 fmt::format("the server could not store the upload ({})", std::strerror(errno)));
            }
            return tus_error(413, "too_large",
                             fmt::format("this PATCH goes past the upload's length ({} bytes)", up_.state.length));
        }
        if (auto r = uploads::write_all(part_.get(), bytes); !r) return with_tus(from_error(r.error()));
        written_ += static_cast<std::int64_t>(bytes.size());
        return std::nullopt;
    }

    Reply finish(catalog::Library& lib) override {
        Reply r = answer(lib);
        // Let go of the part now: the client may send its next PATCH as soon as it has the answer,
        // before this request's end is noticed; and that PATCH finds no sender to stop.
        part_.reset();
        sending_.reset();
        return r;
    }

private:
    Sending sending_;  // reset after part_'s lock is let go (declared before it, destroyed after)

    Reply answer(catalog::Library& lib) {
        const std::int64_t offset = start_ + written_;
        if (::fdatasync(part_.get()) != 0) {
            return tus_error(500, "io",
                             fmt::format("the server could not store the upload ({})", std::strerror(errno)));
        }
        if (offset < up_.state.length) return offset_reply(204, offset, up_.state);
        auto rec = uploads::import_upload(lib, up_.state.owner, up_.part(), up_.state.details);
        if (!rec) {
            // A refused video leaves nothing behind; a busy library keeps it for another PATCH.
            if (rec.error().code != ErrorCode::busy) ::unlink(up_.state_file().c_str());
            return with_tus(from_error(rec.error()));
        }
        up_.state.recording = rec->id;
        // The recording is in; should this note fail, the upload is gone as if it had never been.
        if (!write_state(up_.state_file(), up_.state)) ::unlink(up_.state_file().c_str());
        return offset_reply(204, offset, up_.state);
    }

    Found up_;
    UniqueFd part_;  // locked: one PATCH at a time, and the sweeper keeps away
    std::int64_t start_;
    std::int64_t written_ = 0;
};

Reply patch(Call& call) {
    if (auto refusal = wrong_version(call.req)) return std::move(*refusal);
    auto type = call.req.header(MHD_HTTP_HEADER_CONTENT_TYPE).value_or("");
    if (type.substr(0, type.find(';')) != "application/offset+octet-stream") {
        return tus_error(415, "unsupported_media_type",
                         "send the bytes as Content-Type: application/offset+octet-stream");
    }
    auto found = find_upload(call);
    if (auto* bad = std::get_if<Reply>(&found)) return std::move(*bad);
    auto& up = std::get<Found>(found);
    auto offset = whole_number(call.req.header("Upload-Offset").value_or(""));
    if (!offset) return tus_error(400, "invalid_input", "send Upload-Offset: the offset the server has (HEAD says it)");
    auto mismatch = [&](std::int64_t have) {
        Reply r = tus_error(409, "offset_mismatch",
                            fmt::format("the server has {} bytes of this upload, not {}; ask HEAD and go on from there",
                                        have, *offset));
        r.headers.emplace_back("Upload-Offset", std::to_string(have));
        return r;
    };
    if (!up.state.recording.empty()) {  // complete: only the last answer again
        return *offset == up.state.length ? offset_reply(204, *offset, up.state) : mismatch(up.state.length);
    }
    auto part = uploads::open_locked(up.part(), false);
    if (part.busy) {
        // The owner's new PATCH while one is open: that one is dead to them (Watchdog::cut_upload_sender).
        if (call.watchdog && call.watchdog->cut_upload_sender(up.uid)) {
            return tus_error(409, "busy",
                             "an earlier request was still sending this upload and has been stopped; ask HEAD "
                             "and go on from there");
        }
        return tus_error(409, "busy", "another request is sending this upload now; wait for it, then ask HEAD");
    }
    if (part.fd.get() < 0) return no_such_upload();  // removed meanwhile
    struct stat st {};
    if (::fstat(part.fd.get(), &st) != 0) return tus_error(500, "io", "the server could not read the upload");
    if (*offset != st.st_size) return mismatch(st.st_size);
    if (auto length = announced_length(call.req); length && *offset + *length > up.state.length) {
        return tus_error(413, "too_large",
                         fmt::format("this PATCH goes past the upload's length ({} bytes)", up.state.length));
    }
    if (::lseek(part.fd.get(), 0, SEEK_END) < 0) return tus_error(500, "io", "the server could not read the upload");
    call.sink = std::make_unique<Append>(call, std::move(up), std::move(part.fd), *offset);
    return Reply{};
}

}  // namespace

std::vector<Route> tus_routes() {
    return {
        {Method::options, "/api/v1/uploads", true, options},
        {Method::post, "/api/v1/uploads", true, create},
        {Method::head, "/api/v1/uploads/{uid}", true, head},
        {Method::patch, "/api/v1/uploads/{uid}", true, patch},
    };
}

}  // namespace wt::serve
