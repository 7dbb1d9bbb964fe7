// A recording's video and thumbnail: found by id through the catalog, opened without following
// links, and sent from the file descriptor (byte ranges, validators, conditional requests).
#include <fcntl.h>
#include <sys/stat.h>

#include <system_error>

#include <fmt/format.h>

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

Reply media(Call& call) {
    auto rec = call.lib.get(call.req.params.at("id"));
    if (!rec) return from_error(rec.error());
    return send_file(call, rec->media_path);
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
