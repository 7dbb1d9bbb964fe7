#pragma once
// The browser viewer's files (web/): HTML, CSS and JavaScript modules, served at /static/NAME, and
// the viewer's page paths (/, /join, /r/ID, ...), which all get its one page (index.html; the page's
// script shows what the path asks for). The files are found once, when the server starts, and read
// into memory: a request picks one from that fixed list by its exact path, so nothing in a request
// becomes a file path.
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "serve/http.hpp"

namespace wt::serve {

// The Content-Security-Policy of the viewer's page: its own scripts, styles, images and media only;
// no inline script or style, no framing, no plug-ins.
inline constexpr const char* k_page_csp =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; media-src 'self'; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'";

class WebFiles {
public:
    struct File {
        std::string bytes;
        std::string content_type;
        std::string etag;
    };

    // Reads the viewer's files under `root` (which must hold index.html). Anything else in `root`
    // (hidden files, links, names or types not on the list, deeper folders) is left out. The npm
    // library the viewer uses (tus-js-client, for resumable uploads) is /static/vendor/tus.min.js:
    // from root/vendor/ when installed, from the source tree's node_modules/ (npm ci) when not.
    static WebFiles load(const std::filesystem::path& root);
    // Where the viewer's files are: `configured` if given, else installed beside the binary
    // (<prefix>/share/walkthrough/web), else the source tree's web/ the binary was built from.
    static std::optional<std::filesystem::path> find_root(const std::filesystem::path& configured,
                                                          std::vector<std::filesystem::path>* looked_in = nullptr);

    // Whether `path` is the viewer's (anything outside /api/), and then its answer to GET or HEAD.
    static bool is_web_path(std::string_view path);
    Reply answer(Method method, std::string_view path, std::string_view if_none_match) const;

    bool empty() const { return files_.empty(); }
    std::size_t size() const { return files_.size(); }
    std::string missing_reason;  // why there are no files (shown instead of the page)

private:
    std::map<std::string, File, std::less<>> files_;  // "/static/app.js" -> the file
};

}  // namespace wt::serve
