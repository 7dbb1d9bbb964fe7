// What the routes for people, invites, assignments, chapters and threads refuse, each time
// asserting the status and that nothing in the library changed: a member's admin actions, a
// member changing another's recording or chapters, resolving a thread they may not, malformed
// JSON, unknown fields and values, and ids that look like paths. Odd names (quotes, HTML, other
// scripts, a line break) are kept exactly and never reach the log as they are.
#include <doctest/doctest.h>

#include "tests/serve_support.hpp"

using nlohmann::json;
using namespace wt::test;

namespace {

// Everything a refused request could have changed, as one text.
std::string library_state(const CliLibrary& lib) {
    return text_row(
        lib,
        "SELECT (SELECT group_concat(name || ':' || access || ':' || email || ':' || role, '|') FROM people)"
        " || '#' || (SELECT count(*) FROM invites)"
        " || '#' || (SELECT coalesce(group_concat(recording_seq || ':' || assignee_seq || ':' || coalesce(due_on, ''), "
        "'|'), '') FROM assignments)"
        " || '#' || (SELECT coalesce(group_concat(recording_seq || ':' || at_ms || ':' || title, '|'), '') FROM "
        "chapters)"
        " || '#' || (SELECT coalesce(group_concat(id || ':' || coalesce(resolved_at, ''), '|'), '') FROM comments)"
        " || '#' || (SELECT group_concat(id || ':' || title || ':' || description || ':' || kind, '|') FROM recordings)"
        " || '#' || (SELECT count(*) FROM views)"
        " || '#' || (SELECT count(*) FROM credentials WHERE revoked_at IS NULL)");
}

// ann (the admin) and her recording with a chapter; bob and carol (members), bob's recording; a
// thread carol started on ann's recording, with bob's reply; a thread carol started on bob's.
struct Team {
    CliLibrary lib;
    std::string anns, bobs, carols_thread, bobs_reply, thread_on_bobs;
    std::unique_ptr<Served> server;
    std::string ann, bob, carol;
    Team() {
        const auto clip = make_clip(lib.dir.path, "clip.mp4", 1, "160x120", false);
        anns = lib.ok({"import", clip.string(), "--title", "Payroll"}, "ann").at("id");
        bobs = lib.ok({"import", clip.string(), "--title", "Bob's"}, "bob").at("id");
        lib.ok({"chapter", anns, "--at", "0.5", "Intro"}, "ann");
        carols_thread = lib.ok({"comment", anns, "Why this step?", "--at", "0:00"}, "carol").at("id");
        bobs_reply = lib.ok({"comment", anns, "Same question", "--reply-to", carols_thread}, "bob").at("id");
        thread_on_bobs = lib.ok({"comment", bobs, "A typo at the start"}, "carol").at("id");
        server = std::make_unique<Served>(lib);
        ann = server->sign_in("ann");
        bob = server->sign_in("bob");
        carol = server->sign_in("carol");
    }
    Http send(const std::string& method, const std::string& path, const std::string& token,
              std::optional<std::string> body = std::nullopt) const {
        return server->call({method, path, {auth(token)}, std::move(body)});
    }
};

}  // namespace

TEST_CASE("a member's admin actions get 403 and change nothing") {
    Team t;
    const std::string before = library_state(t.lib);
    struct Attempt {
        std::string path, body;
    };
    const std::vector<Attempt> attempts = {
        {"/api/v1/people", R"({"name": "dave"})"},
        {"/api/v1/people/carol/invites", ""},
        {"/api/v1/people/dave/invites", R"({"access": "member"})"},  // someone new
        {"/api/v1/people/bob/invites", R"({"access": "admin"})"},    // promoting oneself
        {"/api/v1/people/ann/invites", R"({"days": 1})"},            // a way in as the admin
        {"/api/v1/assignments", json{{"recording", t.anns}, {"person", "carol"}}.dump()},
        {"/api/v1/assignments", json{{"recording", t.bobs}, {"person", "bob"}, {"due", "2099-01-01"}}.dump()},
    };
    for (const auto& a : attempts) {
        INFO(a.path << " " << a.body);
        auto r = t.server->post(a.path, t.bob, a.body);
        check_refused(r, 403, "forbidden");
        CHECK(contains(r.json().at("error").at("message").get<std::string>(), "admin"));
        CHECK_FALSE(contains(r.body, "invite_url"));
    }
    CHECK(library_state(t.lib) == before);
    CHECK(t.server->get("/api/v1/me", t.bob).json().at("access") == "member");
    // Reading is for everyone.
    CHECK(t.server->get("/api/v1/people", t.bob).status == 200);
    CHECK(t.server->get("/api/v1/assignments", t.bob).status == 200);
    // The admin may; the same request succeeds for her.
    CHECK(t.server->post("/api/v1/assignments", t.ann, attempts[5].body).status == 201);
    CHECK(library_state(t.lib) != before);
}

TEST_CASE("a member changing another's recording or its chapters gets 403 and nothing changes") {
    Team t;
    const std::string before = library_state(t.lib);
    const std::string anns = "/api/v1/recordings/" + t.anns;
    check_refused(t.send("PUT", anns + "/chapters/500", t.bob, R"({"title": "Mine now"})"), 403, "forbidden");
    check_refused(t.send("PUT", anns + "/chapters/200", t.bob, R"({"title": "New"})"), 403, "forbidden");
    check_refused(t.send("DELETE", anns + "/chapters/500", t.bob), 403, "forbidden");
    check_refused(t.send("PATCH", anns, t.bob, R"({"title": "Mine now"})"), 403, "forbidden");
    check_refused(t.send("DELETE", anns, t.bob), 403, "forbidden");
    CHECK(library_state(t.lib) == before);
    CHECK(t.lib.ok({"chapters", t.anns})[0].at("title") == "Intro");

    // Their own recording: the author may; an admin may change anyone's.
    const std::string bobs = "/api/v1/recordings/" + t.bobs;
    CHECK(t.send("PUT", bobs + "/chapters/100", t.bob, R"({"title": "Bob's start"})").status == 200);
    CHECK(t.send("PUT", bobs + "/chapters/300", t.ann, R"({"title": "Admin's note"})").status == 200);
    CHECK(t.send("DELETE", bobs + "/chapters/300", t.bob).status == 200);
    CHECK(t.lib.ok({"chapters", t.bobs}).size() == 1);
}

TEST_CASE("a thread is resolved by who started it, the recording's author or an admin; others get 403") {
    Team t;
    const std::string before = library_state(t.lib);
    auto resolve = [&](const std::string& comment, const std::string& token) {
        return t.server->post("/api/v1/comments/" + comment + "/resolve", token, "");
    };
    // bob replied in carol's thread on ann's recording: neither his thread nor his recording.
    check_refused(resolve(t.carols_thread, t.bob), 403, "forbidden");
    check_refused(resolve(t.bobs_reply, t.bob), 403, "forbidden");
    CHECK(library_state(t.lib) == before);
    CHECK(t.lib.ok({"comments", t.anns})[0].at("resolved_at").is_null());
    check_refused(resolve("zzzzzzzzzz", t.bob), 404, "not_found");

    // carol started it: resolving through a reply resolves the whole thread.
    auto by_starter = resolve(t.bobs_reply, t.carol);
    REQUIRE_MESSAGE(by_starter.status == 200, by_starter.body);
    CHECK(by_starter.json().at("id") == t.carols_thread);
    CHECK(by_starter.json().at("resolved_by") == "carol");
    // bob is the author of the recording carol's other thread is on.
    auto by_author = resolve(t.thread_on_bobs, t.bob);
    REQUIRE(by_author.status == 200);
    CHECK(by_author.json().at("resolved_by") == "bob");
    for (const auto& c : t.lib.ok({"comments", t.anns})) {
        if (c.at("id") == t.carols_thread)
            CHECK_FALSE(c.at("resolved_at").is_null());  // a thread's state is its root's
    }
    // An admin may resolve any thread.
    const std::string other = t.lib.ok({"comment", t.bobs, "Another one"}, "carol").at("id");
    CHECK(resolve(other, t.ann).status == 200);
}

TEST_CASE("malformed JSON, unknown fields and unknown values get 400 saying what was wrong; nothing changes") {
    Team t;
    const std::string before = library_state(t.lib);
    const std::string chapter = "/api/v1/recordings/" + t.anns + "/chapters/";
    struct Bad {
        std::string method, path, body;
        long status;
        std::string code;
    };
    const std::string long_name(201, 'n');
    const std::vector<Bad> bad = {
        {"POST", "/api/v1/people", "{", 400, "bad_json"},
        {"POST", "/api/v1/people", "[]", 400, "bad_json"},
        {"POST", "/api/v1/people", "\"dave\"", 400, "bad_json"},
        {"POST", "/api/v1/people", "{\"name\": \"dave\", }", 400, "bad_json"},
        {"POST", "/api/v1/people", "{\"name\": \"\xff\xfe\"}", 400, "bad_json"},  // not UTF-8
        {"POST", "/api/v1/people", R"({"name": 5})", 400, "invalid_input"},
        {"POST", "/api/v1/people", R"({"name": "dave", "access": "admin"})", 400, "invalid_input"},
        {"POST", "/api/v1/people", R"({"name": "   "})", 400, "invalid_input"},
        {"POST", "/api/v1/people", json{{"name", long_name}}.dump(), 400, "invalid_input"},
        {"POST", "/api/v1/people", json{{"name", "dave"}, {"email", std::string(400, 'e')}}.dump(), 400,
         "invalid_input"},
        {"POST", "/api/v1/people", R"({"name": "BOB"})", 409, "conflict"},
        {"POST", "/api/v1/people/dave/invites", "{", 400, "bad_json"},
        {"POST", "/api/v1/people/dave/invites", R"({"access": "owner"})", 400, "invalid_input"},
        {"POST", "/api/v1/people/dave/invites", R"({"role": "admin"})", 400, "invalid_input"},
        {"POST", "/api/v1/people/dave/invites", R"({"days": 0})", 400, "invalid_input"},
        {"POST", "/api/v1/people/dave/invites", R"({"days": 366})", 400, "invalid_input"},
        {"POST", "/api/v1/people/dave/invites", R"({"days": "7"})", 400, "invalid_input"},
        {"POST", "/api/v1/people/dave/invites", R"({"days": 1e30})", 400, "invalid_input"},
        {"POST", "/api/v1/people/ann/invites", R"({"access": "member"})", 409, "conflict"},  // the last admin
        {"POST", "/api/v1/assignments", "{", 400, "bad_json"},
        {"POST", "/api/v1/assignments", json{{"recording", t.anns}}.dump(), 400, "invalid_input"},
        {"POST", "/api/v1/assignments", R"({"recording": "../catalog.db", "person": "bob"})", 400, "invalid_input"},
        {"POST", "/api/v1/assignments", json{{"recording", t.anns}, {"person", "bob"}, {"due", "31/12/2099"}}.dump(),
         400, "invalid_input"},
        {"POST", "/api/v1/assignments", json{{"recording", t.anns}, {"person", "bob"}, {"due", "2099-02-30"}}.dump(),
         400, "invalid_input"},
        {"POST", "/api/v1/assignments", json{{"recording", t.anns}, {"person", "bob"}, {"due", 20991231}}.dump(), 400,
         "invalid_input"},
        {"POST", "/api/v1/assignments", json{{"recording", t.anns}, {"person", "bob"}, {"priority", 1}}.dump(), 400,
         "invalid_input"},
        {"POST", "/api/v1/assignments", json{{"recording", t.anns}, {"person", "nobody"}}.dump(), 404, "not_found"},
        {"POST", "/api/v1/assignments", json{{"recording", "zzzzzzzz"}, {"person", "bob"}}.dump(), 404, "not_found"},
        {"PUT", chapter + "500", "{", 400, "bad_json"},
        {"PUT", chapter + "500", "{}", 400, "invalid_input"},
        {"PUT", chapter + "500", R"({"title": 5})", 400, "invalid_input"},
        {"PUT", chapter + "500", R"({"title": " \n "})", 400, "invalid_input"},
        {"PUT", chapter + "500", R"({"title": "x", "colour": "red"})", 400, "invalid_input"},
        {"PUT", chapter + "500", json{{"title", std::string(20 * 1024, 't')}}.dump(), 400, "invalid_input"},
        {"PUT", chapter + "5000", R"({"title": "past the end"})", 400, "invalid_input"},
        {"PUT", chapter + "12abc", R"({"title": "x"})", 400, "invalid_input"},
        {"PUT", chapter + "99999999999999999999", R"({"title": "x"})", 400, "invalid_input"},
        {"DELETE", chapter + "777", "", 404, "not_found"},
        {"POST", "/api/v1/recordings/" + t.anns + "/comments", json{{"body", std::string(200 * 1024, 'c')}}.dump(), 400,
         "invalid_input"},
    };
    for (const auto& b : bad) {
        INFO(b.method << " " << b.path << " " << b.body.substr(0, 80));
        auto r = t.send(b.method, b.path, t.ann, b.body.empty() ? std::nullopt : std::optional(b.body));
        check_refused(r, b.status, b.code);
    }
    for (const std::string& query :
         {std::string("/api/v1/assignments?overdue=yes"), std::string("/api/v1/assignments?recording=..%2fx"),
          "/api/v1/assignments?person=" + long_name}) {
        INFO(query);
        check_refused(t.server->get(query, t.ann), 400, "invalid_input");
    }
    CHECK(library_state(t.lib) == before);
}

TEST_CASE("ids that look like paths lead nowhere and change nothing") {
    Team t;
    const std::string before = library_state(t.lib);
    const std::string rec = "/api/v1/recordings/" + t.anns;
    const std::vector<std::pair<std::string, std::string>> attempts = {
        {"POST", "/api/v1/comments/..%2f..%2fcatalog.db/resolve"},
        {"POST", "/api/v1/comments/%2e%2e/resolve"},
        {"POST", "/api/v1/comments/../resolve"},
        {"POST", "/api/v1/comments/" + t.carols_thread + "%2f..%2f/resolve"},
        {"GET", "/api/v1/recordings/..%2fmedia/chapters"},
        {"PUT", rec + "/chapters/..%2f500"},
        {"PUT", rec + "/chapters/%2e%2e"},
        {"DELETE", rec + "/chapters/500%2f.."},
        {"POST", "/api/v1/recordings/%2E%2E/watched"},
        {"GET", "/api/v1/recordings/" + t.anns + "%2f..%2f..%2fcatalog.db/views"},
        {"POST", "/api/v1/people/..%2fann/invites"},
        {"POST", "/api/v1/people/%2e%2e/invites"},
        {"POST", "/api/v1/people/ann%00/invites"},
        {"POST", "/api/v1/people/ANN/invites"},  // names in a path are 0-9a-z; others go by id
    };
    for (const auto& [method, path] : attempts) {
        INFO(method << " " << path);
        check_refused(t.send(method, path, t.ann, std::string(R"({"title": "x"})")), 404, "not_found");
    }
    CHECK(library_state(t.lib) == before);
}

TEST_CASE("odd names are kept exactly, reach the JSON escaped, and never forge a log line") {
    Team t;
    const std::string odd = "Zoë \"Z\" <script>alert('x')</script> O'Neil\nFAKE 2026 ann GET /x 200";
    auto added = t.server->post("/api/v1/people", t.ann, json{{"name", odd}, {"role", "<b>lead</b>"}}.dump());
    REQUIRE_MESSAGE(added.status == 201, added.body);
    CHECK(added.json().at("name") == odd);
    CHECK(added.header("content-type") == "application/json");
    const std::string id = added.json().at("id");
    bool listed = false;
    for (const auto& p : t.lib.ok({"people"})) listed = listed || (p.at("name") == odd && p.at("id") == id);
    CHECK(listed);
    // Invited by id (a path carries 0-9a-z only), then signed in: the name is theirs, exactly.
    auto invited = t.server->post("/api/v1/people/" + id + "/invites", t.ann, "");
    REQUIRE_MESSAGE(invited.status == 201, invited.body);
    CHECK(invited.json().at("person") == odd);
    auto signed_in = t.server->post("/api/v1/session", "", json{{"invite", invited.json().at("code")}}.dump());
    REQUIRE(signed_in.status == 200);
    const std::string token = signed_in.json().at("token");
    CHECK(t.server->get("/api/v1/me", token).json().at("name") == odd);
    auto commented = t.server->post("/api/v1/recordings/" + t.anns + "/comments", token,
                                    json{{"body", std::string(10 * 1024, 'x')}}.dump());
    REQUIRE(commented.status == 201);
    CHECK(commented.json().at("author") == odd);
    CHECK(commented.json().at("body").get<std::string>().size() == 10 * 1024);
    REQUIRE(t.server->stop(std::chrono::milliseconds(5000)) == 0);
    const std::string log = t.server->log();
    CHECK(contains(log, "Zoë \"Z\""));
    CHECK_FALSE(contains(log, "\nFAKE"));
}
