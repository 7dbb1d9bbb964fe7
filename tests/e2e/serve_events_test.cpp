// Live events over HTTP with the real binary: a signed-in client's event stream tells of comments
// posted over HTTP and by the CLI (another process), of a view and of a recording deleted; it
// resumes with Last-Event-ID; it keeps a quiet connection alive with heartbeats; streams are
// limited per person and need a credential; revoking a person ends theirs; SIGTERM ends them and
// the server exits 0 within 5 s, leaving a sound library the next start serves.
#include <doctest/doctest.h>

#include "tests/serve_support.hpp"

using nlohmann::json;
using namespace wt::test;
using std::chrono::milliseconds;

namespace {

constexpr milliseconds k_wait{5000};

std::int64_t seq_of(const EventStream::Event& e) { return std::stoll(e.id); }

struct Library {
    CliLibrary lib;
    std::string id;
    Library() {
        const auto clip = make_clip(lib.dir.path, "clip.mp4", 2, "160x120", false);
        id = lib.ok({"import", clip.string(), "--title", "Expenses"}, "ann").at("id");
    }
};

}  // namespace

TEST_CASE("a stream tells of comments over HTTP and from the CLI, a view, a resolve and a deletion") {
    Library l;
    Served server(l.lib, {"--heartbeat", "1"});
    const std::string bob = server.sign_in("bob");
    EventStream events(server, bob);
    REQUIRE(events.status(k_wait) == 200);
    auto ready = events.next("ready", k_wait);
    REQUIRE(ready.has_value());
    const std::int64_t start = seq_of(*ready);
    CHECK(ready->json().at("seq") == start);

    // A comment over HTTP.
    auto posted = server.post("/api/v1/recordings/" + l.id + "/comments", bob, json{{"body", "which form?"}}.dump());
    REQUIRE(posted.status == 201);
    const std::string over_http = posted.json().at("id");
    auto e1 = events.next("comment.added", k_wait);
    REQUIRE_MESSAGE(e1.has_value(), events.raw());
    CHECK(e1->json().at("comment_id") == over_http);
    CHECK(e1->json().at("recording_id") == l.id);
    CHECK(e1->json().at("person") == "bob");
    CHECK(e1->json().at("kind") == "comment.added");
    CHECK(seq_of(*e1) > start);
    CHECK(e1->json().at("seq") == seq_of(*e1));

    // A reply by the CLI: another process, on the same library.
    const std::string by_cli = l.lib.ok({"comment", l.id, "the blue one", "--reply-to", over_http}, "ann").at("id");
    auto e2 = events.next("comment.added", k_wait);
    REQUIRE_MESSAGE(e2.has_value(), events.raw());
    CHECK(e2->json().at("comment_id") == by_cli);
    CHECK(e2->json().at("person") == "ann");
    CHECK(seq_of(*e2) > seq_of(*e1));

    l.lib.ok({"resolve", over_http}, "ann");
    auto e3 = events.next("comment.resolved", k_wait);
    REQUIRE_MESSAGE(e3.has_value(), events.raw());
    CHECK(e3->json().at("comment_id") == over_http);
    CHECK(e3->json().at("person") == "ann");

    REQUIRE(server.post("/api/v1/recordings/" + l.id + "/progress", bob, R"({"from_ms": 0, "to_ms": 500})").status ==
            200);
    auto e4 = events.next("view.changed", k_wait);
    REQUIRE_MESSAGE(e4.has_value(), events.raw());
    CHECK(e4->json().at("person") == "bob");
    CHECK(e4->json().at("recording_id") == l.id);

    l.lib.ok({"edit", l.id, "--title", "Expenses, 2027", "--description", "yearly", "--add-tag", "hr"}, "ann");
    auto edited = events.next("recording.changed", k_wait);
    REQUIRE_MESSAGE(edited.has_value(), events.raw());
    CHECK(edited->json().at("recording_id") == l.id);
    CHECK_FALSE(events.next("recording.changed", milliseconds(300)).has_value());

    // A quiet stream gets heartbeats (comment lines), so proxies and clients see it alive.
    std::this_thread::sleep_for(milliseconds(1500));
    CHECK(contains(events.raw(), "\n: keep-alive\n\n"));

    // The recording deleted by the CLI: one event; its comments and view go with it unannounced.
    l.lib.ok({"delete", l.id}, "ann");
    auto e5 = events.next("recording.deleted", k_wait);
    REQUIRE_MESSAGE(e5.has_value(), events.raw());
    CHECK(e5->json().at("recording_id") == l.id);
    CHECK(e5->json().at("person") == "ann");
    CHECK_FALSE(contains(events.raw(), "comment.deleted"));
    CHECK_FALSE(contains(events.raw(), "access."));

    // Ids only ever grow.
    std::int64_t last = 0;
    for (const auto& e : events.events()) {
        CHECK(seq_of(e) >= last);
        last = seq_of(e);
    }
    // Once the client hangs up, its next heartbeat finds it gone: the stream's log line.
    events.hang_up();
    bool logged = false;
    for (int i = 0; i < 50 && !logged; ++i) {
        std::this_thread::sleep_for(milliseconds(100));
        logged = contains(server.log(), " bob GET /api/v1/events 200 ");
    }
    CHECK_MESSAGE(logged, server.log());
}

TEST_CASE("Last-Event-ID resumes where the client was; an id from elsewhere gets resync; a bad one 400") {
    Library l;
    Served server(l.lib);
    const std::string bob = server.sign_in("bob");
    std::string last_id;
    {
        EventStream first(server, bob);
        auto ready = first.next("ready", k_wait);
        REQUIRE(ready.has_value());
        last_id = ready->id;
    }
    // Missed while away: two comments by the CLI and an edit.
    const std::string c1 = l.lib.ok({"comment", l.id, "one"}, "ann").at("id");
    const std::string c2 = l.lib.ok({"comment", l.id, "two"}, "cat").at("id");
    l.lib.ok({"edit", l.id, "--title", "Expenses, 2027", "--description", "yearly", "--add-tag", "hr"}, "ann");

    EventStream again(server, bob, last_id);
    REQUIRE(again.status(k_wait) == 200);
    auto m1 = again.next("comment.added", k_wait);
    auto m2 = again.next("comment.added", k_wait);
    auto m3 = again.next("recording.changed", k_wait);
    REQUIRE_MESSAGE((m1 && m2 && m3), again.raw());
    CHECK(m1->json().at("comment_id") == c1);
    CHECK(m2->json().at("comment_id") == c2);
    CHECK(seq_of(*m1) > std::stoll(last_id));
    CHECK(seq_of(*m2) > seq_of(*m1));
    CHECK(seq_of(*m3) > seq_of(*m2));
    CHECK_FALSE(contains(again.raw(), "event: ready"));
    // One edit of title, description and tags writes the recording three times: told once.
    CHECK_FALSE(again.next("recording.changed", milliseconds(300)).has_value());
    // And on from there, live.
    const std::string c3 = l.lib.ok({"comment", l.id, "three"}, "ann").at("id");
    auto m4 = again.next("comment.added", k_wait);
    REQUIRE(m4.has_value());
    CHECK(m4->json().at("comment_id") == c3);

    // Resuming from the latest id: nothing replayed.
    EventStream current(server, bob, m4->id);
    REQUIRE(current.status(k_wait) == 200);
    std::this_thread::sleep_for(milliseconds(400));
    CHECK(current.events().empty());

    // An id this library never gave (a restored backup, another server): reload and go on.
    EventStream stranger(server, bob, "999999");
    auto resync = stranger.next("resync", k_wait);
    REQUIRE_MESSAGE(resync.has_value(), stranger.raw());
    CHECK(resync->id == m4->id);

    auto bad = server.call({"GET", "/api/v1/events", {auth(bob), "Last-Event-ID: abc"}, std::nullopt});
    CHECK(bad.status == 400);
    CHECK(bad.json().at("error").at("code") == "invalid_input");
}

TEST_CASE("event streams need a credential, are limited per person, and end when the person is revoked") {
    Library l;
    Served server(l.lib, {"--heartbeat", "1"});
    const auto comments_before = count_rows(l.lib, "SELECT count(*) FROM comments");

    auto none = server.get("/api/v1/events", "");
    CHECK(none.status == 401);
    CHECK(none.header("www-authenticate") == "Bearer");
    CHECK(server.get("/api/v1/events", "not-a-token").status == 401);

    const std::string bob = server.sign_in("bob");
    const std::string ann = server.sign_in("ann");
    std::vector<std::unique_ptr<EventStream>> bobs;
    for (int i = 0; i < 4; ++i) {
        bobs.push_back(std::make_unique<EventStream>(server, bob));
        REQUIRE(bobs.back()->next("ready", k_wait).has_value());
    }
    auto fifth = server.get("/api/v1/events", bob);
    CHECK(fifth.status == 429);
    CHECK(fifth.json().at("error").at("code") == "too_many_streams");
    CHECK_FALSE(fifth.header("retry-after").empty());
    // Others are not held back by bob's streams, and eight open streams pin none of the 4 threads.
    std::vector<std::unique_ptr<EventStream>> anns;
    for (int i = 0; i < 4; ++i) {
        anns.push_back(std::make_unique<EventStream>(server, ann));
        REQUIRE(anns.back()->next("ready", k_wait).has_value());
    }
    for (int i = 0; i < 8; ++i) CHECK(server.get("/api/v1/me", i % 2 ? ann : bob).status == 200);

    // A stream whose client hung up is noticed at its next heartbeat (1 s here), and frees its place.
    bobs.pop_back();
    std::unique_ptr<EventStream> replacement;
    for (int i = 0; i < 30 && !replacement; ++i) {
        std::this_thread::sleep_for(milliseconds(200));
        auto s = std::make_unique<EventStream>(server, bob);
        if (s->status(k_wait) == 200) replacement = std::move(s);
    }
    REQUIRE(replacement);
    CHECK(replacement->next("ready", k_wait).has_value());

    // Revoked: every stream of bob's ends at once; ann's go on; bob cannot come back.
    l.lib.ok({"people", "revoke", "bob"}, "ann");
    for (auto& s : bobs) CHECK(s->ended(k_wait));
    CHECK(replacement->ended(k_wait));
    CHECK_FALSE(anns.front()->ended(milliseconds(300)));
    CHECK(server.get("/api/v1/events", bob).status == 401);
    CHECK(count_rows(l.lib, "SELECT count(*) FROM comments") == comments_before);
}

TEST_CASE("SIGTERM with open event streams: they end, exit 0 within 5 s, the library is sound and served again") {
    Library l;
    std::string bob;
    {
        Served server(l.lib);
        bob = server.sign_in("bob");
        EventStream a(server, bob), b(server, bob);
        REQUIRE(a.next("ready", k_wait).has_value());
        REQUIRE(b.next("ready", k_wait).has_value());
        REQUIRE(server.post("/api/v1/recordings/" + l.id + "/comments", bob, R"({"body": "before the stop"})").status ==
                201);
        REQUIRE(a.next("comment.added", k_wait).has_value());
        // The README's backup, taken while the server runs.
        auto backup =
            run({"sqlite3", (l.lib.root() / "catalog.db").string(), ".backup " + (l.lib.dir / "backup.db").string()});
        REQUIRE_MESSAGE(backup.exit_code == 0, backup.err);

        milliseconds took{};
        auto code = server.stop(milliseconds(5000), &took);
        REQUIRE_MESSAGE(code.has_value(), "serve did not exit within 5 s of SIGTERM");
        CHECK(*code == 0);
        CHECK(took < milliseconds(5000));
        CHECK(a.ended(milliseconds(2000)));
        CHECK(b.ended(milliseconds(2000)));
        CHECK(contains(server.log(), "stopping (SIGTERM)"));
    }
    CHECK(integrity(l.lib) == "ok");
    auto copy =
        run({"sqlite3", (l.lib.dir / "backup.db").string(), "PRAGMA integrity_check; SELECT count(*) FROM comments;"});
    CHECK(copy.out == "ok\n1\n");
    CHECK(l.lib.ok({"comments", l.id}).size() == 1);
    Served again(l.lib);
    CHECK(again.get("/api/v1/recordings/" + l.id, bob).status == 200);
    EventStream resumed(again, bob);
    CHECK(resumed.next("ready", k_wait).has_value());
}
