// A recording's video (or its copy with AAC sound) and thumbnail: found by id through the catalog,
// opened without following links, and sent from the file descriptor (byte ranges, validators,
// conditional requests).
#include <fcntl.h>
#include <sys/stat.h>

#include <system_error>

#include <fmt/format.h>

#include "serve/aac_copies.hpp"
#include "serve/api.hpp"
#include "serve/range.hpp"

namespace wt::serve {

namespace {

namespace fs = std::filesystem;

const char* content_type_of(const fs::path& file) {
    const std::string ext = file.extension().string();
    if (ext == ".mp4" || ext == ".m4v") return "video/mp4";
    if (ext == ".mkv") return "video/x-matroska";
    if (ext == ".webm") return "video/webm";
    if (ext == ".mov") return "video/quicktime";
    if (ext == ".jpg" || ext == ".jpeg") return "image/jpeg";
    if (ext == ".png") return "image/png";
    return "application/octet-stream";
}

// Opens a recording's file for reading: absolute() turns nothing but media/<name> into a path (empty
// for anything else), and the file itself is opened without following a symbolic link.
std::variant<UniqueFd, Reply> open_media(const catalog::Library& lib, const std::string& relative) {
    auto gone = [] { return error_reply(404, "not_found", "this recording's file is missing from the library"); };
    const fs::path file = lib.absolute(relative);
    if (file.empty()) return gone();
    UniqueFd fd(::open(file.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
    if (fd.get() < 0) return gone();
    return fd;
}

Reply send_file(Call& call, const std::string& relative) {
    auto opened = open_media(call.lib, relative);
    if (auto* bad = std::get_if<Reply>(&opened)) return std::move(*bad);
    UniqueFd fd = std::move(std::get<UniqueFd>(opened));
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode)) {
        return error_reply(404, "not_found", "this recording's file is missing from the library");
    }
    const std::int64_t size = st.st_size;
    const std::string etag = file_etag(size, st.st_mtim.tv_sec * 1'000'000'000LL + st.st_mtim.tv_nsec);
    const std::string modified = http_date(st.st_mtim.tv_sec);

    Reply r;
    r.content_type = content_type_of(relative);
    r.headers = {{"ETag", etag},
                 {"Last-Modified", modified},
                 {"Accept-Ranges", "bytes"},
                 {"Cache-Control", "private, no-cache"}};
    if (none_match_hits(call.req.header("If-None-Match").value_or(""), etag)) {
        r.status = 304;
        r.content_type.clear();
        return r;
    }
    RangeDecision d;
    if (auto range = call.req.header("Range");
        range && if_range_holds(call.req.header("If-Range").value_or(""), etag, modified)) {
        d = decide_range(*range, size);
    }
    switch (d.kind) {
    case RangeDecision::Kind::unsatisfiable: {
        Reply bad = error_reply(416, "range_not_satisfiable",
                                fmt::format("the range asked for lies outside the file ({} bytes)", size));
        bad.headers.emplace_back("Content-Range", fmt::format("bytes */{}", size));
        bad.headers.emplace_back("Accept-Ranges", "bytes");
        return bad;
    }
    case RangeDecision::Kind::partial:
        r.status = 206;
        r.offset = d.range.first;
        r.length = d.range.length();
        r.headers.emplace_back("Content-Range", content_range(d.range, size));
        break;
    case RangeDecision::Kind::whole:
        r.status = 200;
        r.offset = 0;
        r.length = size;
        break;
    }
    r.file = std::move(fd);
    return r;
}

// Asked again after this many seconds while the AAC copy is made (only the sound is encoded: a
// matter of seconds for most recordings), and when too many copies wait to be made.
constexpr int k_making_retry_s = 2;
constexpr int k_full_retry_s = 15;

Reply not_yet(std::string_view message, int retry_after_s) {
    Reply r = error_reply(503, "preparing", message);
    r.headers.emplace_back("Retry-After", std::to_string(retry_after_s));
    return r;
}

// The recording with AAC sound, for browsers that cannot play Opus in MP4: made once, on the
// copies' own thread, into a file named after the recording's id; served like the recording.
Reply aac_media(Call& call, const catalog::Recording& rec) {
    // Sound that is AAC already, or none: the recording itself plays wherever MP4 does.
    if (rec.audio_codec.empty() || rec.audio_codec == "aac") return send_file(call, rec.media_path);
    if (rec.status != catalog::Status::ready && rec.status != catalog::Status::recovered) {
        return error_reply(409, "conflict", "this recording is not finished yet; ask for its AAC copy once it is");
    }
    const std::string copy = catalog::aac_copy_path(rec);
    const fs::path source = call.lib.absolute(rec.media_path), target = call.lib.absolute(copy);
    if (source.empty() || target.empty() || !call.aac_copies) {
        return error_reply(404, "not_found", "this recording's file is missing from the library");
    }
    switch (call.aac_copies->ask(rec.id, source, target)) {
    case AacCopies::State::ready: return send_file(call, copy);
    case AacCopies::State::making:
        return not_yet("this recording's copy with AAC sound is being made; ask again after Retry-After seconds",
                       k_making_retry_s);
    case AacCopies::State::full:
        return not_yet("the server is busy making other copies with AAC sound; ask again after Retry-After seconds",
                       k_full_retry_s);
    case AacCopies::State::failed: break;
    }
    return error_reply(422, "bad_media",
                       "this recording's sound cannot be converted for this browser; play it in Chrome or Firefox, "
                       "or ask its author to record it again");
}

Reply media(Call& call) {
    auto rec = call.lib.get(call.req.params.at("id"));
    if (!rec) return from_error(rec.error());
    auto audio = query_text(call.req, "audio");
    if (!audio) return send_file(call, rec->media_path);
    if (*audio != "aac") {
        return error_reply(400, "invalid_input",
                           "audio is 'aac' (the copy with AAC sound) or left out (the recording as it is)");
    }
    return aac_media(call, *rec);
}

Reply thumbnail(Call& call) {
    auto rec = call.lib.get(call.req.params.at("id"));
    if (!rec) return from_error(rec.error());
    if (rec->thumbnail_path.empty()) return error_reply(404, "not_found", "this recording has no thumbnail");
    return send_file(call, rec->thumbnail_path);
}

}  // namespace

std::vector<Route> media_routes() {
    return {
        {Method::get, "/api/v1/recordings/{id}/media", true, media},
        {Method::get, "/api/v1/recordings/{id}/thumbnail", true, thumbnail},
    };
}

}  // namespace wt::serve
