// POST /recordings: a video as the request body, written to a file in the library as it arrives
// (never held in memory), then imported as `walkthrough import` does, by the person signed in.
#include "serve/api_upload.hpp"

#include <unistd.h>

#include <charconv>
#include <cstring>

#include <fmt/format.h>

#include "catalog/json_shapes.hpp"
#include "serve/upload_files.hpp"

namespace wt::serve {

namespace fs = std::filesystem;

std::variant<std::int64_t, Reply> upload_limit(Call& call) {
    auto stats = call.lib.stats();
    if (!stats) return from_error(stats.error());
    return stats->max_upload_bytes;
}

Reply too_large(std::int64_t limit) {
    return error_reply(413, "too_large",
                       fmt::format("a video is limited to {} bytes on this server; an admin can raise the limit "
                                   "(walkthrough settings --max-upload)",
                                   limit));
}

std::optional<std::int64_t> announced_length(const Request& req) {
    auto text = req.header(MHD_HTTP_HEADER_CONTENT_LENGTH);
    if (!text) return std::nullopt;
    std::int64_t n = -1;
    auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), n);
    if (ec != std::errc() || end != text->data() + text->size() || n < 0) return std::nullopt;
    return n;
}

namespace {

// The body of one POST: a temporary file, removed unless it became the recording.
class WholeUpload final : public BodySink {
public:
    WholeUpload(fs::path file, UniqueFd fd, std::int64_t limit, std::string person_id, uploads::Details details)
        : file_(std::move(file)),
          fd_(std::move(fd)),
          limit_(limit),
          person_id_(std::move(person_id)),
          details_(std::move(details)) {}
    ~WholeUpload() override { ::unlink(file_.c_str()); }

    std::optional<Reply> take(std::string_view bytes) override {
        received_ += static_cast<std::int64_t>(bytes.size());
        if (received_ > limit_) return too_large(limit_);  // a body without a length that grew too large
        if (auto r = uploads::write_all(fd_.get(), bytes); !r) return from_error(r.error());
        return std::nullopt;
    }

    Reply finish(catalog::Library& lib) override {
        if (::fdatasync(fd_.get()) != 0) {
            return error_reply(500, "io",
                               fmt::format("the server could not store the upload ({})", std::strerror(errno)));
        }
        auto rec = uploads::import_upload(lib, person_id_, file_, details_);
        if (!rec) return from_error(rec.error());  // a damaged video: 422 with the probe's message
        return json_reply(201, catalog::to_json(*rec));
    }

private:
    fs::path file_;
    UniqueFd fd_;  // holds the file's lock: the sweeper leaves it alone while this request lives
    std::int64_t limit_;
    std::int64_t received_ = 0;
    std::string person_id_;
    uploads::Details details_;
};

MHD_Result collect_tag(void* cls, MHD_ValueKind, const char* key, const char* value) {
    if (key && value && std::strcmp(key, "tag") == 0 && *value)
        static_cast<std::vector<std::string>*>(cls)->push_back(value);
    return MHD_YES;
}

Reply post_recording(Call& call) {
    uploads::Details details;
    if (auto title = call.req.query("title")) details.title = std::string(*title);
    details.description = std::string(call.req.query("description").value_or(""));
    if (auto kind = call.req.query("kind"); kind && !kind->empty()) {
        auto k = catalog::parse_kind(*kind);
        if (!k) return from_error(k.error());
        details.kind = *k;
    }
    MHD_get_connection_values(call.req.conn_, MHD_GET_ARGUMENT_KIND, collect_tag, &details.tags);

    auto limit = upload_limit(call);
    if (auto* bad = std::get_if<Reply>(&limit)) return std::move(*bad);
    const std::int64_t max = std::get<std::int64_t>(limit);
    if (auto length = announced_length(call.req); length && *length > max) return too_large(max);

    auto dir = uploads::folder(call.site.library);
    if (!dir) return from_error(dir.error());
    auto id = uploads::new_upload_id();
    if (!id) return from_error(id.error());
    const fs::path file = *dir / ("post-" + *id + ".part");
    auto opened = uploads::open_locked(file, true);
    if (opened.fd.get() < 0) {
        return error_reply(500, "io", fmt::format("the server could not start the upload ({})", std::strerror(errno)));
    }
    call.sink = std::make_unique<WholeUpload>(file, std::move(opened.fd), max, call.person->id, std::move(details));
    return Reply{};
}

}  // namespace

std::vector<Route> upload_routes() {
    std::vector<Route> routes = {{Method::post, "/api/v1/recordings", true, post_recording}};
    for (auto& r : tus_routes()) routes.push_back(r);
    return routes;
}

}  // namespace wt::serve
