// What the team server refuses, each time asserting the status and that nothing in the library
// changed: missing, unknown, revoked and expired credentials, a used invite, a cookie-only
// cross-origin POST, traversal ids, malformed JSON, a 12 MB body, a 100 kB header, a client that
// sends a byte a second (others are served meanwhile), and repeated failed sign-ins (429).
#include <doctest/doctest.h>

#include <thread>

#include "catalog/sqlite_ptr.hpp"
#include "tests/serve_support.hpp"

using nlohmann::json;
using namespace wt::test;

namespace {

struct Fixture {
    CliLibrary lib;
    std::string id;
    std::string media;
    Fixture() {
        const auto clip = make_clip(lib.dir.path, "clip.mp4", 1, "160x120", false);
        json rec = lib.ok({"import", clip.string(), "--title", "Payroll"}, "ann");
        id = rec.at("id");
        media = read_file(lib.root() / rec.at("media_path").get<std::string>());
    }
    std::int64_t comments() const { return count_rows(lib, "SELECT count(*) FROM comments"); }
    std::string comments_path() const { return "/api/v1/recordings/" + id + "/comments"; }
};

const std::string k_comment = R"({"body": "should not land"})";

}  // namespace

TEST_CASE("no, unknown, revoked and expired credentials get 401 and change nothing; a used invite too") {
    Fixture f;
    Served server(f.lib);
    const std::string code = server.invite_code("bob");
    auto first = server.post("/api/v1/session", "", json{{"invite", code}}.dump());
    REQUIRE(first.status == 200);
    const std::string token = first.json().at("token");
    const auto credentials = count_rows(f.lib, "SELECT count(*) FROM credentials");

    auto used = server.post("/api/v1/session", "", json{{"invite", code}}.dump());
    CHECK(used.status == 401);
    CHECK(used.json().at("error").at("code") == "unauthorized");
    CHECK(count_rows(f.lib, "SELECT count(*) FROM credentials") == credentials);
    CHECK(server.post("/api/v1/session", "", json{{"invite", "made-up"}}.dump()).status == 401);
    CHECK(server.post("/api/v1/session", "", R"({"code": "x"})").status == 400);

    for (const std::string& path :
         {std::string("/api/v1/me"), std::string("/api/v1/recordings"), "/api/v1/recordings/" + f.id,
          "/api/v1/recordings/" + f.id + "/media", std::string("/api/v1/search?q=payroll")}) {
        INFO(path);
        auto none = server.get(path, "");
        CHECK(none.status == 401);
        CHECK(none.header("www-authenticate") == "Bearer");
        CHECK(none.json().at("error").at("code") == "unauthorized");
        CHECK(server.get(path, "not-a-token").status == 401);
        CHECK(server.call({"GET", path, {"Authorization: Basic Ym9iOmJvYg=="}, std::nullopt}).status == 401);
    }
    CHECK(server.post(f.comments_path(), "", k_comment).status == 401);
    CHECK(server.post(f.comments_path(), "wrong", k_comment).status == 401);
    // A token in the query string identifies nobody.
    CHECK(server.get("/api/v1/me?token=" + token + "&access_token=" + token, "").status == 401);

    // Expired: its expiry moved into the past (as time would).
    REQUIRE(server.get("/api/v1/me", token).status == 200);
    {
        auto db = wt::sql::Database::open(f.lib.root() / "catalog.db", 2000);
        REQUIRE(db.has_value());
        REQUIRE(db->exec("UPDATE credentials SET expires_at = 0 WHERE kind = 'token'").has_value());
    }
    CHECK(server.get("/api/v1/me", token).status == 401);
    CHECK(server.post(f.comments_path(), token, k_comment).status == 401);

    // Revoked: every token and session of the person ends at once.
    const std::string token2 = server.sign_in("bob");
    REQUIRE(server.get("/api/v1/me", token2).status == 200);
    auto revoked = f.lib.ok({"people", "revoke", "bob"});
    CHECK(revoked.at("revoked").get<int>() >= 2);  // the token and the session of the second sign-in
    CHECK(server.get("/api/v1/me", token2).status == 401);
    CHECK(server.post(f.comments_path(), token2, k_comment).status == 401);
    CHECK(f.comments() == 0);
}

TEST_CASE("a cookie alone cannot change anything from another origin; with the CSRF header from ours it can") {
    Fixture f;
    Served server(f.lib);
    auto in = server.post("/api/v1/session", "", json{{"invite", server.invite_code("bob")}}.dump());
    REQUIRE(in.status == 200);
    const std::string set_cookie = in.header("set-cookie");
    const std::string cookie = "Cookie: " + set_cookie.substr(0, set_cookie.find(';'));

    // Reading with the cookie works (a <video> element sends only the cookie).
    CHECK(server.call({"GET", "/api/v1/me", {cookie}, std::nullopt}).status == 200);
    CHECK(server.call({"GET", "/api/v1/recordings/" + f.id + "/media", {cookie}, std::nullopt}).status == 200);

    auto plain = server.call({"POST", f.comments_path(), {cookie}, k_comment});
    CHECK(plain.status == 403);
    CHECK(plain.json().at("error").at("code") == "csrf");
    auto cross = server.call(
        {"POST", f.comments_path(), {cookie, "X-Walkthrough-CSRF: 1", "Origin: https://evil.example"}, k_comment});
    CHECK(cross.status == 403);
    auto cross_site = server.call(
        {"POST", f.comments_path(), {cookie, "X-Walkthrough-CSRF: 1", "Sec-Fetch-Site: cross-site"}, k_comment});
    CHECK(cross_site.status == 403);
    auto form = server.call(
        {"POST", f.comments_path(), {cookie, "Origin: https://evil.example", "Content-Type: text/plain"}, k_comment});
    CHECK(form.status == 403);
    CHECK(server.call({"DELETE", "/api/v1/session", {cookie}, std::nullopt}).status == 403);
    CHECK(f.comments() == 0);
    // A sign-in from another site is refused too, and spends no invite.
    const std::string code = server.invite_code("carl");
    auto foreign =
        server.call({"POST", "/api/v1/session", {"Origin: https://evil.example"}, json{{"invite", code}}.dump()});
    CHECK(foreign.status == 403);
    CHECK(count_rows(f.lib, "SELECT count(*) FROM invites WHERE used_at IS NULL") == 1);

    auto ours = server.call({"POST",
                             f.comments_path(),
                             {cookie, "X-Walkthrough-CSRF: 1", "Origin: " + server.url, "Sec-Fetch-Site: same-origin"},
                             R"({"body": "from the browser"})"});
    CHECK(ours.status == 201);
    CHECK(f.comments() == 1);
}

TEST_CASE("traversal ids, malformed JSON, a 12 MB body and a 100 kB header are refused and change nothing") {
    Fixture f;
    Served server(f.lib);
    const std::string token = server.sign_in("bob");
    const std::string bearer = "Authorization: Bearer " + token;
    for (const std::string& path :
         {std::string("/api/v1/recordings/../catalog.db"), std::string("/api/v1/recordings/%2e%2e/media"),
          std::string("/api/v1/recordings/..%2f..%2fcatalog.db/media"),
          std::string("/api/v1/recordings/%2e%2e%2fcatalog.db"),
          std::string("/api/v1/recordings/" + f.id + "%2f..%2f..%2fcatalog.db/media"),
          std::string("/api/v1/recordings/media%2f" + f.id + ".mp4/media"), std::string("/api/v1/../../catalog.db"),
          std::string("/catalog.db"), std::string("/media/" + f.id + ".mp4")}) {
        INFO(path);
        auto r = server.call({"GET", path, {bearer}, std::nullopt});
        CHECK(r.status == 404);
        CHECK_FALSE(contains(r.body, "SQLite format"));
        CHECK(r.body != f.media);
    }
    // A symbolic link in media/ leads nowhere either.
    const auto media_file = f.lib.root() / "media" / (f.id + ".mp4");
    std::filesystem::rename(media_file, f.lib.root() / "elsewhere.mp4");
    std::filesystem::create_symlink(f.lib.root() / "catalog.db", media_file);
    auto linked = server.get("/api/v1/recordings/" + f.id + "/media", token);
    CHECK(linked.status == 404);
    CHECK_FALSE(contains(linked.body, "SQLite format"));

    for (const std::string& body :
         {std::string("{"), std::string("not json"), std::string("[1,2]"), std::string("{\"body\": 5}"),
          std::string(""), std::string("{\"body\": \"x\", \"at_ms\": -5}")}) {
        INFO(body);
        auto r = server.post(f.comments_path(), token, body);
        CHECK(r.status == 400);
        CHECK(r.json().at("error").contains("message"));
    }
    CHECK(server.post(f.comments_path(), token, "{").json().at("error").at("code") == "bad_json");

    const std::string huge = "{\"body\": \"" + std::string(12 * 1024 * 1024, 'x') + "\"}";
    auto too_big = server.post(f.comments_path(), token, huge);
    CHECK(too_big.status == 413);
    // The same without a length (chunked) is read, dropped and refused too.
    auto chunked = server.call({"POST", f.comments_path(), {bearer, "Transfer-Encoding: chunked"}, huge});
    CHECK(chunked.status == 413);
    CHECK(f.comments() == 0);

    auto big_header =
        server.call({"GET", "/api/v1/me", {bearer, "X-Padding: " + std::string(100 * 1024, 'a')}, std::nullopt});
    CHECK(big_header.status == 431);
    CHECK(server.get("/api/v1/me", token).status == 200);  // and the server is fine
}

TEST_CASE("a client sending a byte a second is cut off while others are served") {
    Fixture f;
    Served server(f.lib, {"--client-timeout", "3"});
    const std::string token = server.sign_in("bob");
    RawClient slow(server.url);
    const std::string request = "GET /api/v1/me HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token + "\r\n\r\n";
    const auto start = std::chrono::steady_clock::now();
    bool cut = false;
    int served_meanwhile = 0;
    for (size_t i = 0; i < request.size() && !cut; ++i) {
        if (!slow.send(request.substr(i, 1))) {
            cut = true;
            break;
        }
        const auto t = std::chrono::steady_clock::now();
        if (server.get("/api/v1/me", token).status == 200) ++served_meanwhile;
        CHECK(std::chrono::steady_clock::now() - t < std::chrono::seconds(1));
        const auto spent = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t);
        cut = slow.closed_by_peer(std::max(std::chrono::milliseconds(1), std::chrono::milliseconds(1000) - spent));
    }
    const auto took = std::chrono::steady_clock::now() - start;
    CHECK(cut);
    CHECK(took >= std::chrono::seconds(2));
    CHECK(took < std::chrono::seconds(7));
    CHECK(served_meanwhile >= 2);
}

TEST_CASE("failed sign-ins from one address are limited: 429 with Retry-After, and the invite stays unused") {
    Fixture f;
    Served server(f.lib);
    const std::string token = server.sign_in("bob");
    const std::string code = server.invite_code("carl");
    int refused = 0;
    for (int i = 0; i < 20; ++i) {
        refused +=
            server.post("/api/v1/session", "", json{{"invite", "guess-" + std::to_string(i)}}.dump()).status == 401;
    }
    CHECK(refused == 20);  // the limit: 20 failures in 5 minutes
    CHECK(server.get("/api/v1/me", "guessed-token").status == 429);
    auto limited = server.post("/api/v1/session", "", json{{"invite", code}}.dump());
    CHECK(limited.status == 429);
    CHECK(limited.json().at("error").at("code") == "rate_limited");
    const int retry = std::stoi(limited.header("retry-after"));
    CHECK(retry > 0);
    CHECK(retry <= 300);
    CHECK(server.get("/api/v1/me", token).status == 429);  // credentials are not even tried meanwhile
    CHECK(count_rows(f.lib, "SELECT count(*) FROM invites WHERE used_at IS NULL") == 1);
}

namespace {
Http sign_in_from(const Served& server, const std::string& forwarded_for, const std::string& code) {
    return server.call(
        {"POST", "/api/v1/session", {"X-Forwarded-For: " + forwarded_for}, json{{"invite", code}}.dump()});
}
}  // namespace

TEST_CASE("behind a trusted proxy, failed sign-ins count per forwarded client address; X-Forwarded-For is "
          "ignored otherwise") {
    Fixture f;
    {
        // The proxy (here 127.0.0.1) appends the address it saw; what a client wrote before it is not believed.
        Served server(f.lib, {"--trust-proxy", "127.0.0.1"});
        for (int i = 0; i < 20; ++i) {
            CHECK(sign_in_from(server, "198.51.100.7, 203.0.113.5", "guess-" + std::to_string(i)).status == 401);
        }
        CHECK(sign_in_from(server, "203.0.113.5", "guess-x").status == 429);
        CHECK(sign_in_from(server, "198.51.100.9, 203.0.113.5", "guess-y").status == 429);  // a forged head: the same
        const std::string code = server.invite_code("carl");
        auto other = sign_in_from(server, "203.0.113.6", code);  // another client behind the proxy goes on
        CHECK_MESSAGE(other.status == 200, other.body);
        CHECK(count_rows(f.lib, "SELECT count(*) FROM invites WHERE used_at IS NULL") == 0);
        // A header that is not an address: counted under the proxy's own.
        CHECK(sign_in_from(server, "not-an-address", "guess-z").status == 401);
    }
    {
        // Without --trust-proxy a client cannot escape the limit by writing a new address each time.
        Served server(f.lib);
        for (int i = 0; i < 20; ++i) {
            CHECK(sign_in_from(server, "203.0.113." + std::to_string(i), "guess-" + std::to_string(i)).status == 401);
        }
        const std::string code = server.invite_code("dora");
        CHECK(sign_in_from(server, "203.0.113.99", code).status == 429);
        CHECK(count_rows(f.lib, "SELECT count(*) FROM invites WHERE used_at IS NULL") == 1);
    }
}

TEST_CASE("--trust-proxy takes an IP address") {
    Fixture f;
    auto bad = f.lib.run({"serve", "--listen", "127.0.0.1:0", "--trust-proxy", "proxy.example.org"});
    CHECK(bad.exit_code != 0);
    CHECK(bad.err.find("--trust-proxy takes the proxy's IP address") != std::string::npos);
}
