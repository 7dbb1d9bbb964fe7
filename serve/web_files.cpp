#include "serve/web_files.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>

#include <fmt/format.h>

#include "serve/range.hpp"

namespace wt::serve {

namespace fs = std::filesystem;

namespace {

// The only kinds of file served, and their types.
const char* type_of(std::string_view name) {
    static constexpr std::array<std::pair<std::string_view, const char*>, 8> types{{
        {".html", "text/html; charset=utf-8"},
        {".css", "text/css; charset=utf-8"},
        {".js", "text/javascript; charset=utf-8"},
        {".mjs", "text/javascript; charset=utf-8"},
        {".svg", "image/svg+xml"},
        {".png", "image/png"},
        {".json", "application/json"},
        {".woff2", "font/woff2"},
    }};
    const auto dot = name.rfind('.');
    if (dot == std::string_view::npos) return nullptr;
    for (const auto& [ext, type] : types) {
        if (name.substr(dot) == ext) return type;
    }
    return nullptr;
}

// A name fit for the list: lower-case letters, digits, '-', '_' and inner dots; no hidden files.
bool plain_name(std::string_view name) {
    if (name.empty() || name.size() > 100 || name.front() == '.') return false;
    return std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
    });
}

// A regular file's bytes, read without following a link (at most 8 MB: the viewer's files are small).
std::optional<std::string> read_plain_file(const fs::path& file) {
    const int fd = ::open(file.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) return std::nullopt;
    struct stat st {};
    std::optional<std::string> out;
    if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size <= (8 << 20)) {
        std::string bytes(static_cast<std::size_t>(st.st_size), '\0');
        std::size_t got = 0;
        while (got < bytes.size()) {
            const ssize_t n = ::read(fd, bytes.data() + got, bytes.size() - got);
            if (n <= 0) break;
            got += static_cast<std::size_t>(n);
        }
        if (got == bytes.size()) out = std::move(bytes);
    }
    ::close(fd);
    return out;
}

// A strong validator from the content (FNV-1a, 64 bits): the same bytes always get the same tag.
std::string content_etag(std::string_view bytes) {
    std::uint64_t h = 1469598103934665603ULL;
    for (unsigned char c : bytes) {
        h ^= c;
        h *= 1099511628211ULL;
    }
    return fmt::format("\"{:x}-{:016x}\"", bytes.size(), h);
}

// The viewer's page paths: each gets index.html.
bool is_page(std::string_view path) {
    static constexpr std::array<std::string_view, 7> pages{"/",      "/join", "/s",     "/training",
                                                           "/inbox", "/team", "/people"};
    if (std::find(pages.begin(), pages.end(), path) != pages.end()) return true;
    if (path.starts_with("/r/")) return valid_id(path.substr(3));
    return false;
}

Reply text_reply(unsigned status, std::string text) {
    Reply r;
    r.status = status;
    r.content_type = "text/plain; charset=utf-8";
    r.body = std::move(text);
    r.headers.emplace_back("Cache-Control", "no-store");
    return r;
}

}  // namespace

std::optional<fs::path> WebFiles::find_root(const fs::path& configured, std::vector<fs::path>* looked_in) {
    std::vector<fs::path> candidates;
    if (!configured.empty()) {
        candidates.push_back(configured);
    } else {
        std::error_code ec;
        const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
        if (!ec) candidates.push_back(exe.parent_path().parent_path() / "share/walkthrough/web");
#ifdef WT_WEB_SOURCE_DIR
        candidates.emplace_back(WT_WEB_SOURCE_DIR);
#endif
    }
    for (const auto& c : candidates) {
        if (looked_in) looked_in->push_back(c);
        std::error_code ec;
        if (fs::is_regular_file(c / "index.html", ec)) return c;
    }
    return std::nullopt;
}

WebFiles WebFiles::load(const fs::path& root) {
    WebFiles out;
    auto add = [&](const std::string& url, const fs::path& file) {
        const char* type = type_of(url);
        if (!type) return;
        if (auto bytes = read_plain_file(file)) {
            std::string etag = content_etag(*bytes);
            out.files_.emplace(url, File{std::move(*bytes), type, std::move(etag)});
        }
    };
    std::error_code ec;
    // The root and one level of folders below it (web/pages/...): enough for a small viewer.
    for (const auto& entry : fs::directory_iterator(root, ec)) {
        const std::string name = entry.path().filename().string();
        if (!plain_name(name)) continue;
        if (entry.is_symlink(ec)) continue;
        if (entry.is_directory(ec)) {
            if (name == "vendor") continue;  // only what `vendor` names goes there
            for (const auto& inner : fs::directory_iterator(entry.path(), ec)) {
                const std::string inner_name = inner.path().filename().string();
                if (!plain_name(inner_name) || inner.is_symlink(ec) || !inner.is_regular_file(ec)) continue;
                add("/static/" + name + "/" + inner_name, inner.path());
            }
        } else if (entry.is_regular_file(ec)) {
            add("/static/" + name, entry.path());
        }
    }
    for (const fs::path& tus : {root / "vendor/tus.min.js", root / "../node_modules/tus-js-client/dist/tus.min.js"}) {
        if (fs::is_regular_file(tus, ec)) {
            add("/static/vendor/tus.min.js", tus);
            break;
        }
    }
    if (!out.files_.contains("/static/index.html")) {
        out.files_.clear();
        out.missing_reason = fmt::format("the web viewer's files are incomplete in {} (no index.html)", root.string());
    }
    return out;
}

bool WebFiles::is_web_path(std::string_view path) { return path != "/api" && !path.starts_with("/api/"); }

Reply WebFiles::answer(Method method, std::string_view path, std::string_view if_none_match) const {
    const bool page = is_page(path);
    const auto found = files_.find(page ? std::string_view("/static/index.html") : path);
    if (!page && found == files_.end()) return text_reply(404, "Not found. The library is at /.\n");
    if (method != Method::get && method != Method::head) {
        Reply r = text_reply(405, "Only GET and HEAD are answered here.\n");
        r.headers.emplace_back("Allow", "GET, HEAD");
        return r;
    }
    if (found == files_.end()) {
        return text_reply(503,
                          (missing_reason.empty() ? std::string("the web viewer is not installed") : missing_reason) +
                              "; give its folder with `walkthrough serve --web DIR`.\n");
    }
    const File& f = found->second;
    Reply r;
    r.content_type = f.content_type;
    // Always revalidated (no-cache) and cheap to revalidate (304 by the ETag): a new version of the
    // viewer is never mixed with an old one held in a cache.
    r.headers = {{"ETag", f.etag}, {"Cache-Control", "no-cache"}};
    if (page) r.headers.emplace_back("Content-Security-Policy", k_page_csp);
    if (none_match_hits(if_none_match, f.etag)) {
        r.status = 304;
        r.content_type.clear();
        return r;
    }
    r.status = 200;
    r.body = f.bytes;
    return r;
}

}  // namespace wt::serve
