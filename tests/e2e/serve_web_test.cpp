// The web viewer's files from `walkthrough serve`: its page at / and the page paths with the strict
// Content-Security-Policy, its scripts and styles with their types and validators, and what is
// refused: paths outside the list built at start (traversal, encoded dots and slashes, hidden files,
// links, unknown types), other methods, and a missing viewer (the API is served all the same).
#include <doctest/doctest.h>

#include <filesystem>

#include "tests/serve_support.hpp"

using namespace wt::test;

namespace {

const std::filesystem::path k_web = std::filesystem::path(WT_SOURCE_DIR) / "web";

Http raw_get(const Served& server, const std::string& path, std::vector<std::string> headers = {}) {
    return server.call({"GET", path, std::move(headers), std::nullopt});
}

void check_page(const Http& r) {
    CHECK(r.status == 200);
    CHECK(r.header("content-type") == "text/html; charset=utf-8");
    const std::string csp = r.header("content-security-policy");
    CHECK(csp.starts_with("default-src 'self';"));
    CHECK(contains(csp, "script-src 'self';"));
    CHECK(contains(csp, "style-src 'self';"));
    CHECK(contains(csp, "frame-ancestors 'none'"));
    CHECK(!contains(csp, "unsafe-inline"));
    CHECK(!contains(csp, "unsafe-eval"));
    CHECK(r.header("x-content-type-options") == "nosniff");
    CHECK(r.header("x-frame-options") == "DENY");
    CHECK(r.header("cache-control") == "no-cache");
    CHECK(r.body == read_file(k_web / "index.html"));
}

}  // namespace

TEST_CASE("the viewer's page at / and its page paths; its files with their types; 304 by ETag") {
    CliLibrary lib;
    lib.ok({"people"});
    Served server(lib);
    for (const char* path : {"/", "/join", "/s", "/training", "/inbox", "/team", "/people", "/r/4ckd6t8a4r"}) {
        INFO(path);
        check_page(raw_get(server, path));
    }
    const std::map<std::string, std::string> files{{"/static/app.js", "text/javascript; charset=utf-8"},
                                                   {"/static/watch.js", "text/javascript; charset=utf-8"},
                                                   {"/static/app.css", "text/css; charset=utf-8"},
                                                   {"/static/icon.svg", "image/svg+xml"}};
    for (const auto& [path, type] : files) {
        INFO(path);
        auto r = raw_get(server, path);
        CHECK(r.status == 200);
        CHECK(r.header("content-type") == type);
        CHECK(r.body == read_file(k_web / path.substr(std::string("/static/").size())));
        CHECK(r.header("x-content-type-options") == "nosniff");
        const std::string etag = r.header("etag");
        REQUIRE(etag.size() > 2);
        auto again = raw_get(server, path, {"If-None-Match: " + etag});
        CHECK(again.status == 304);
        CHECK(again.body.empty());
        CHECK(raw_get(server, path, {"If-None-Match: \"other\""}).status == 200);
    }
    auto head = server.call({"HEAD", "/static/app.js", {}, std::nullopt});
    CHECK(head.status == 200);
    CHECK(head.body.empty());
    // The API keeps its own policy and answers: the viewer does not shadow it.
    auto api = raw_get(server, "/api/v1/me");
    CHECK(api.status == 401);
    CHECK(api.header("content-security-policy") == "default-src 'none'; frame-ancestors 'none'");
    if (std::filesystem::exists(std::filesystem::path(WT_SOURCE_DIR) / "node_modules/tus-js-client/dist/tus.min.js")) {
        CHECK(raw_get(server, "/static/vendor/tus.min.js").status == 200);
    }
}

TEST_CASE("paths off the list are 404: traversal, encoded dots and slashes, hidden files, other folders") {
    CliLibrary lib;
    lib.ok({"people"});
    Served server(lib);
    for (const char* path : {"/static/../CMakeLists.txt",
                             "/static/..%2fCMakeLists.txt",
                             "/static/%2e%2e/CMakeLists.txt",
                             "/static/./app.js",
                             "/static//app.js",
                             "/static/app.js/",
                             "/static/APP.JS",
                             "/static/",
                             "/static",
                             "/app.js",
                             "/index.html",
                             "/etc/passwd",
                             "/r/..",
                             "/r/%2e%2e",
                             "/r/ABC",
                             "/r/",
                             "/r/a/b",
                             "/join/x",
                             "/static/vendor/",
                             "/static/vendor/tus.js",
                             "/static/vendor/../app.js",
                             "/static/.git",
                             "/%2e%2e/%2e%2e/etc/passwd",
                             "/library"}) {
        INFO(path);
        auto r = raw_get(server, path);
        CHECK(r.status == 404);
        CHECK(!contains(r.body, "<html"));
    }
    // Only GET and HEAD.
    for (const char* method : {"POST", "PUT", "DELETE", "PATCH"}) {
        INFO(method);
        auto r = server.call({method, "/", {}, std::string("x")});
        CHECK(r.status == 405);
        CHECK(r.header("allow") == "GET, HEAD");
    }
}

TEST_CASE("--web DIR: only plain files of known types are served, never links, hidden or deeper files") {
    CliLibrary lib;
    lib.ok({"people"});
    TempDir web;
    write_file(web / "index.html", "<!doctype html><title>t</title>");
    write_file(web / "page.js", "export {};");
    write_file(web / "notes.txt", "not a web file");
    write_file(web / ".secret.js", "hidden");
    write_file(web / "Upper.js", "upper case");
    write_file(web.path.parent_path() / "outside.js", "outside");
    std::filesystem::create_symlink(web.path.parent_path() / "outside.js", web / "link.js");
    std::filesystem::create_directories(web / "pages/deeper");
    write_file(web / "pages/one.js", "one");
    write_file(web / "pages/deeper/two.js", "two");
    Served server(lib, {"--web", web.path.string()});
    CHECK(raw_get(server, "/").body == "<!doctype html><title>t</title>");
    CHECK(raw_get(server, "/static/page.js").body == "export {};");
    CHECK(raw_get(server, "/static/pages/one.js").body == "one");
    for (const char* path : {"/static/notes.txt", "/static/.secret.js", "/static/Upper.js", "/static/link.js",
                             "/static/pages/deeper/two.js", "/static/outside.js"}) {
        INFO(path);
        CHECK(raw_get(server, path).status == 404);
    }
    std::filesystem::remove(web.path.parent_path() / "outside.js");
}

TEST_CASE("without the viewer's files the page paths say so (503) and the API is served") {
    CliLibrary lib;
    lib.ok({"people"});
    TempDir empty;
    Served server(lib, {"--web", (empty / "nothing-here").string()});
    auto r = raw_get(server, "/");
    CHECK(r.status == 503);
    CHECK(contains(r.body, "--web"));
    CHECK(raw_get(server, "/static/app.js").status == 404);
    CHECK(contains(server.log(), "the browser viewer is not"));
    const std::string token = server.sign_in("bob");
    CHECK(server.get("/api/v1/me", token).status == 200);
}
