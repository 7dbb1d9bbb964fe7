// Share links: a recording shown to someone outside the team. Who may make, list and revoke them
// (the recording's author, an admin; no other member, no guest); what a guest may do (that
// recording, its media, chapters and comments, reporting what played, commenting in comment mode)
// and everything they are refused, each refusal checked to have changed nothing; a guest's views
// and comments marked as a guest's even under a team member's name; a link that expired, was
// revoked or never existed. And revoking a person's access from the API (the People page).
#include <doctest/doctest.h>

#include "tests/serve_support.hpp"

using nlohmann::json;
using namespace wt::test;

namespace {

// Everything a guest's refused request could have changed, as one text.
std::string library_state(const CliLibrary& lib) {
    return text_row(lib,
                    "SELECT (SELECT group_concat(name || ':' || access, '|') FROM people)"
                    " || '#' || (SELECT count(*) FROM invites) || '#' || (SELECT count(*) FROM assignments)"
                    " || '#' || (SELECT coalesce(group_concat(title, '|'), '') FROM chapters)"
                    " || '#' || (SELECT coalesce(group_concat(id || ':' || coalesce(resolved_at, ''), '|'), '') "
                    "FROM comments)"
                    " || '#' || (SELECT group_concat(id || ':' || title, '|') FROM recordings)"
                    " || '#' || (SELECT count(*) FROM views) || '#' || (SELECT count(*) FROM shares)"
                    " || '#' || (SELECT count(*) FROM credentials WHERE revoked_at IS NULL)");
}

// ann (the admin) and her recording with a chapter and a comment; bob (a member) and his recording.
struct Team {
    CliLibrary lib;
    std::string anns, bobs, question;
    std::unique_ptr<Served> server;
    std::string ann, bob;
    Team() {
        const auto clip = make_clip(lib.dir.path, "clip.mp4", 2, "160x120", false);
        anns = lib.ok({"import", clip.string(), "--title", "Quarterly figures"}, "ann").at("id");
        bobs = lib.ok({"import", clip.string(), "--title", "Bob's secret plan"}, "bob").at("id");
        lib.ok({"chapter", anns, "--at", "0.5", "Intro"}, "ann");
        question = lib.ok({"comment", anns, "Is this the final number?", "--at", "0:01"}, "bob").at("id");
        server = std::make_unique<Served>(lib);
        ann = server->sign_in("ann");
        bob = server->sign_in("bob");
    }
    Http send(const std::string& method, const std::string& path, const std::string& token,
              std::optional<std::string> body = std::nullopt) const {
        return server->call({method, path, {auth(token)}, std::move(body)});
    }
    json make_link(const std::string& recording, const std::string& mode, const std::string& token) const {
        auto r = server->post("/api/v1/recordings/" + recording + "/shares", token, json{{"mode", mode}}.dump());
        REQUIRE_MESSAGE(r.status == 201, r.body);
        return r.json();
    }
    // Opens a link as a guest: the session from the cookie (sent here as a bearer secret).
    std::string open_link(const std::string& code, const std::string& name = {}) const {
        json body{{"share", code}};
        if (!name.empty()) body["name"] = name;
        auto r = server->post("/api/v1/session", "", body.dump());
        REQUIRE_MESSAGE(r.status == 200, r.body);
        CHECK_FALSE(r.json().contains("token"));  // a guest gets a browser session, no personal token
        const std::string cookie = r.header("set-cookie");
        CHECK(contains(cookie, "HttpOnly"));
        const auto start = cookie.find('=') + 1;
        return cookie.substr(start, cookie.find(';') - start);
    }
};

}  // namespace

TEST_CASE("a share link is made, listed and revoked by the recording's author or an admin only") {
    Team t;
    const std::string anns = "/api/v1/recordings/" + t.anns;
    const std::string before = library_state(t.lib);
    // bob is a member, not the author: refused, nothing made.
    check_refused(t.server->post(anns + "/shares", t.bob, R"({"mode": "watch"})"), 403, "forbidden");
    check_refused(t.send("GET", anns + "/shares", t.bob), 403, "forbidden");
    CHECK(library_state(t.lib) == before);
    // Bad requests from the author: 400 and nothing made.
    check_refused(t.server->post(anns + "/shares", t.ann, R"({"mode": "edit"})"), 400, "invalid_input");
    check_refused(t.server->post(anns + "/shares", t.ann, R"({"mode": "watch", "days": 91})"), 400, "invalid_input");
    check_refused(t.server->post(anns + "/shares", t.ann, R"({"mode": "watch", "days": 0})"), 400, "invalid_input");
    check_refused(t.server->post(anns + "/shares", t.ann, R"({"mode": "watch", "who": "x"})"), 400, "invalid_input");
    CHECK(library_state(t.lib) == before);

    const json link = t.make_link(t.anns, "comment", t.ann);
    const std::string code = link.at("code");
    CHECK(link.at("url") == t.server->url + "/s#" + code);
    CHECK(link.at("mode") == "comment");
    CHECK(link.at("recording_id") == t.anns);
    CHECK(link.at("created_by") == "ann");
    CHECK(link.at("revoked_at").is_null());
    CHECK(code.size() >= 40);
    // Kept only as a hash; never in the log.
    CHECK(count_rows(t.lib, "SELECT count(*) FROM shares WHERE code_hash = '" + code + "'") == 0);
    CHECK(count_rows(t.lib, "SELECT count(*) FROM shares WHERE length(code_hash) = 64") == 1);

    // An admin shares anyone's recording; bob his own.
    t.make_link(t.bobs, "watch", t.ann);
    t.make_link(t.bobs, "watch", t.bob);

    auto listed = t.send("GET", anns + "/shares", t.ann);
    REQUIRE(listed.status == 200);
    REQUIRE(listed.json().size() == 1);
    CHECK(listed.json()[0].at("id") == link.at("id"));
    CHECK_FALSE(listed.json()[0].contains("code"));  // shown once, when made
    CHECK_FALSE(contains(listed.body, code));

    const std::string revoke = anns + "/shares/" + link.at("id").get<std::string>() + "/revoke";
    check_refused(t.server->post(revoke, t.bob, ""), 403, "forbidden");
    CHECK(count_rows(t.lib, "SELECT count(*) FROM shares WHERE revoked_at IS NOT NULL") == 0);
    check_refused(t.server->post(anns + "/shares/zzzzzzzzzz/revoke", t.ann, ""), 404, "not_found");
    auto revoked = t.server->post(revoke, t.ann, "");
    REQUIRE(revoked.status == 200);
    CHECK_FALSE(revoked.json().at("revoked_at").is_null());
    CHECK_FALSE(contains(t.server->log(), code));
}

TEST_CASE("a guest sees that one recording and nothing else") {
    Team t;
    const json link = t.make_link(t.anns, "watch", t.ann);
    const std::string guest = t.open_link(link.at("code"));
    const std::string anns = "/api/v1/recordings/" + t.anns;
    const std::string bobs = "/api/v1/recordings/" + t.bobs;

    auto me = t.send("GET", "/api/v1/me", guest).json();
    CHECK(me.at("name") == "Guest");  // watch mode: no name needed
    CHECK(me.at("guest").at("recording_id") == t.anns);
    CHECK(me.at("guest").at("mode") == "watch");

    // What the watch page needs.
    auto shown = t.send("GET", anns, guest);
    REQUIRE(shown.status == 200);
    CHECK(shown.json().at("title") == "Quarterly figures");
    CHECK(shown.json().at("views").empty());        // not who in the team watched
    CHECK(shown.json().at("assignments").empty());  // nor who was asked to
    CHECK(t.server->call({"GET", anns + "/media", {auth(guest), "Range: bytes=0-99"}, std::nullopt}).status == 206);
    CHECK(t.send("GET", anns + "/chapters", guest).json().at(0).at("title") == "Intro");
    CHECK(t.send("GET", anns + "/comments", guest).json().at(0).at("body") == "Is this the final number?");

    // Everything else: refused, and nothing changes.
    const std::string before = library_state(t.lib);
    struct Attempt {
        std::string method, path;
        std::optional<std::string> body;
    };
    const std::vector<Attempt> attempts = {
        {"GET", "/api/v1/recordings", {}},
        {"GET", "/api/v1/search?q=plan", {}},
        {"GET", bobs, {}},
        {"GET", bobs + "/media", {}},
        {"GET", bobs + "/comments", {}},
        {"GET", bobs + "/chapters", {}},
        {"GET", anns.substr(0, anns.size() - 2), {}},  // a unique start of its id is not it
        {"GET", "/api/v1/people", {}},
        {"GET", "/api/v1/assignments", {}},
        {"GET", "/api/v1/inbox", {}},
        {"GET", "/api/v1/events", {}},
        {"GET", anns + "/views", {}},
        {"GET", anns + "/shares", {}},
        {"POST", anns + "/shares", R"({"mode": "comment"})"},
        {"POST", anns + "/comments", R"({"body": "Let me in"})"},  // a watch-only link
        {"POST", anns + "/watched", {}},
        {"PATCH", anns, R"({"title": "Mine"})"},
        {"DELETE", anns, {}},
        {"PUT", anns + "/chapters/100", R"({"title": "Mine"})"},
        {"POST", "/api/v1/comments/" + t.question + "/resolve", {}},
        {"POST", "/api/v1/people", R"({"name": "eve"})"},
        {"POST", "/api/v1/people/bob/revoke", {}},
        {"POST", "/api/v1/assignments", json{{"recording", t.anns}, {"person", "bob"}}.dump()},
        {"POST", "/api/v1/recordings?title=x", "not a video"},
        {"POST", "/api/v1/uploads", {}},
        {"POST", bobs + "/progress", R"({"from_ms": 0, "to_ms": 1000})"},
    };
    for (const auto& a : attempts) {
        INFO(a.method << " " << a.path);
        auto r = t.send(a.method, a.path, guest, a.body);
        CHECK(r.status == 403);
        CHECK(r.json().at("error").at("code") == "forbidden");
        CHECK_FALSE(contains(r.body, "secret plan"));
    }
    CHECK(library_state(t.lib) == before);
    // Signing out works; then the session is gone.
    CHECK(t.send("DELETE", "/api/v1/session", guest).status == 200);
    CHECK(t.send("GET", anns, guest).status == 401);
}

TEST_CASE("a guest's comments and watched stretches are marked as a guest's, never a team member's") {
    Team t;
    const json link = t.make_link(t.anns, "comment", t.ann);
    const std::string code = link.at("code");
    // Comment mode asks for a name; a bad one is refused and nobody is added.
    const auto people_before = count_rows(t.lib, "SELECT count(*) FROM people");
    check_refused(t.server->post("/api/v1/session", "", json{{"share", code}}.dump()), 400, "name_needed");
    check_refused(t.server->post("/api/v1/session", "", json{{"share", code}, {"name", "a\nb"}}.dump()), 400,
                  "invalid_input");
    check_refused(t.server->post("/api/v1/session", "", json{{"share", code}, {"name", std::string(81, 'x')}}.dump()),
                  400, "invalid_input");
    CHECK(count_rows(t.lib, "SELECT count(*) FROM people") == people_before);

    // The guest types a team member's name, and writes something that looks like HTML.
    const std::string guest = t.open_link(code, "bob");
    const std::string anns = "/api/v1/recordings/" + t.anns;
    auto progress = t.send("POST", anns + "/progress", guest, R"({"from_ms": 0, "to_ms": 1500})");
    REQUIRE(progress.status == 200);
    CHECK(progress.json().at("guest") == true);
    CHECK(progress.json().at("person") == "bob");
    const std::string odd = "<img src=x onerror=alert(1)> looks fine";
    auto posted = t.send("POST", anns + "/comments", guest, json{{"body", odd}, {"at_ms", 500}}.dump());
    REQUIRE(posted.status == 201);
    CHECK(posted.json().at("author") == "bob");
    CHECK(posted.json().at("author_guest") == true);
    CHECK(posted.json().at("body") == odd);
    auto reply = t.send("POST", anns + "/comments", guest, json{{"body", "Thanks"}, {"reply_to", t.question}}.dump());
    CHECK(reply.status == 201);

    // The team sees both as a guest's; the team member bob's own comment and view are not.
    auto comments = t.send("GET", anns + "/comments", t.ann).json();
    int by_guest = 0, by_member = 0;
    for (const auto& c : comments) {
        if (c.at("author") != "bob") continue;
        (c.at("author_guest").get<bool>() ? by_guest : by_member) += 1;
    }
    CHECK(by_guest == 2);
    CHECK(by_member == 1);
    t.send("POST", anns + "/progress", t.bob, R"({"from_ms": 0, "to_ms": 500})");
    auto views = t.send("GET", anns + "/views", t.ann).json();
    REQUIRE(views.size() == 2);
    for (const auto& v : views) {
        CHECK(v.at("person") == "bob");
        CHECK(v.at("covered_ms") == (v.at("guest").get<bool>() ? 1500 : 500));
    }
    // The CLI shows the same; the guest is nobody in the team's people, and no one to assign.
    auto shown = t.lib.ok({"show", t.anns});
    CHECK(shown.at("views").size() == 2);
    const auto people = t.send("GET", "/api/v1/people", t.ann).json();
    for (const auto& p : people) CHECK_FALSE(p.contains("guest"));
    CHECK(std::ssize(people) == count_rows(t.lib, "SELECT count(*) FROM people WHERE share_seq IS NULL"));
    CHECK(count_rows(t.lib, "SELECT count(*) FROM people WHERE share_seq IS NOT NULL") == 1);
    CHECK(t.send("POST", "/api/v1/comments/" + posted.json().at("id").get<std::string>() + "/resolve", t.bob).status ==
          403);  // the team's bob did not start the guest's thread
    // It waits in the author's inbox as any comment would.
    auto inbox = t.send("GET", "/api/v1/inbox", t.ann).json();
    bool waiting = false;
    for (const auto& item : inbox.at("items")) waiting = waiting || item.at("comment").at("body") == odd;
    CHECK(waiting);
}

TEST_CASE("an expired, revoked or unknown link lets nobody in, and says to ask the sender") {
    Team t;
    const json link = t.make_link(t.anns, "comment", t.ann);
    const std::string code = link.at("code");
    const std::string guest = t.open_link(code, "Client");
    const std::string anns = "/api/v1/recordings/" + t.anns;
    CHECK(t.send("GET", anns, guest).status == 200);

    // Revoked: the guest's session ends at once, and the link opens no more.
    REQUIRE(t.server->post(anns + "/shares/" + link.at("id").get<std::string>() + "/revoke", t.ann, "").status == 200);
    CHECK(t.send("GET", anns, guest).status == 401);
    auto again = t.server->post("/api/v1/session", "", json{{"share", code}, {"name", "Client"}}.dump());
    check_refused(again, 410, "link_ended");
    CHECK(contains(again.json().at("error").at("message").get<std::string>(), "revoked"));
    CHECK(contains(again.json().at("error").at("message").get<std::string>(), "ask whoever sent it"));

    // Expired (its end moved into the past, as time would).
    const json other = t.make_link(t.anns, "watch", t.ann);
    const auto people_before = count_rows(t.lib, "SELECT count(*) FROM people");
    run_sql(t.lib, "UPDATE shares SET expires_at = 1000 WHERE id = '" + other.at("id").get<std::string>() + "'");
    auto expired = t.server->post("/api/v1/session", "", json{{"share", other.at("code")}}.dump());
    check_refused(expired, 410, "link_ended");
    CHECK(contains(expired.json().at("error").at("message").get<std::string>(), "expired"));
    CHECK(count_rows(t.lib, "SELECT count(*) FROM people") == people_before);

    // Unknown: 401, and counted like a guessed invite (20 failures: 429).
    auto unknown = t.server->post("/api/v1/session", "", json{{"share", "not-a-real-code"}}.dump());
    check_refused(unknown, 401, "unauthorized");
    for (int i = 0; i < 19; ++i)
        t.server->post("/api/v1/session", "", json{{"share", "guess" + std::to_string(i)}}.dump());
    check_refused(t.server->post("/api/v1/session", "", json{{"share", code}}.dump()), 429, "rate_limited");
    CHECK(count_rows(t.lib, "SELECT count(*) FROM people") == people_before);
}

TEST_CASE("an admin revokes a person's access from the API; a member may not") {
    Team t;
    const std::string carol = t.server->sign_in("carol");
    const std::string dave_code = t.server->invite_code("dave");
    const std::string before = library_state(t.lib);
    check_refused(t.server->post("/api/v1/people/carol/revoke", t.bob, ""), 403, "forbidden");
    CHECK(library_state(t.lib) == before);
    CHECK(t.send("GET", "/api/v1/me", carol).status == 200);

    check_refused(t.server->post("/api/v1/people/nobody/revoke", t.ann, ""), 404, "not_found");
    const auto ann_id = t.send("GET", "/api/v1/me", t.ann).json().at("id").get<std::string>();
    check_refused(t.server->post("/api/v1/people/" + ann_id + "/revoke", t.ann, ""), 409, "conflict");
    CHECK(t.send("GET", "/api/v1/me", t.ann).status == 200);

    auto revoked = t.server->post("/api/v1/people/carol/revoke", t.ann, "");
    REQUIRE(revoked.status == 200);
    CHECK(revoked.json().at("person") == "carol");
    CHECK(revoked.json().at("revoked") == 2);  // her token and her browser session
    CHECK(t.send("GET", "/api/v1/me", carol).status == 401);
    CHECK(t.send("GET", "/api/v1/me", t.bob).status == 200);  // nobody else's

    // An unused invite ends too.
    CHECK(t.server->post("/api/v1/people/dave/revoke", t.ann, "").json().at("revoked") == 1);
    CHECK(t.server->post("/api/v1/session", "", json{{"invite", dave_code}}.dump()).status == 401);
}
