// The team's story over HTTP with the real binary: the admin uploads recordings, adds and invites a
// person, who signs in, finds what was assigned, fetches the video by ranges, comments at a moment;
// the author's inbox shows it, the author replies; progress past 90 % makes it watched and
// completes the assignment. A live event arrives for each step, and the CLI on the same library
// sees every change, in the same JSON shapes. Then 20 clients comment at once while the CLI writes, and one
// person over the request limit gets 429 while the others go on.
#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <set>
#include <thread>

#include <fmt/format.h>

#include "tests/serve_support.hpp"

using nlohmann::json;
using namespace wt::test;

namespace {

Http send(const Served& server, const std::string& method, const std::string& path, const std::string& token,
          std::optional<std::string> body = std::nullopt) {
    return server.call({method, path, {auth(token)}, std::move(body)});
}

const json* find_by(const json& list, const std::string& key, const json& value) {
    for (const auto& item : list) {
        if (item.at(key) == value) return &item;
    }
    return nullptr;
}

}  // namespace

TEST_CASE(
    "upload -> invite -> token -> list -> ranges -> comment at a moment -> inbox -> reply -> progress -> watched -> "
    "assignment done, each step a live event") {
    CliLibrary lib;
    const auto clip = make_clip(lib.dir.path, "onboarding.mp4", 3, "160x120", false);
    const std::string video = read_file(clip);
    lib.ok({"people"}, "ann");  // ann opens the library first: its first person, its admin
    Served server(lib);
    const std::string ann = server.sign_in("ann");
    EventStream events(server, ann);
    REQUIRE(events.status(std::chrono::seconds(10)) == 200);
    const auto event_for = [&](const std::string& kind, const std::string& recording) {
        auto e = events.next(
            [&](const EventStream::Event& ev) { return ev.event == kind && ev.json().at("recording_id") == recording; },
            std::chrono::seconds(10));
        return e.has_value();
    };

    // ---- the admin uploads two recordings ----
    auto up = post_video(server, ann, "?title=Onboarding%20basics&kind=training&tag=hr", video);
    REQUIRE_MESSAGE(up.status == 201, up.body);
    const std::string id = up.json().at("id");
    CHECK(up.json().at("title") == "Onboarding basics");
    CHECK(up.json().at("author") == "ann");
    CHECK(event_for("recording.added", id));
    auto up2 = post_video(server, ann, "?title=Expenses", video);
    REQUIRE_MESSAGE(up2.status == 201, up2.body);
    const std::string id2 = up2.json().at("id");
    CHECK(find_by(lib.ok({"list"}), "id", id)->at("kind") == "training");
    const std::string rec_path = "/api/v1/recordings/" + id;

    // ---- the admin adds bob and invites him; bob signs in with the code ----
    auto added = server.post("/api/v1/people", ann,
                             json{{"name", "bob"}, {"email", "bob@example.org"}, {"role", "new hire"}}.dump());
    REQUIRE_MESSAGE(added.status == 201, added.body);
    CHECK(added.json().at("name") == "bob");
    CHECK(added.json().at("access") == "member");
    CHECK(find_by(lib.ok({"people"}), "name", "bob")->at("role") == "new hire");
    auto invited = server.post("/api/v1/people/bob/invites", ann, R"({"days": 2})");
    REQUIRE_MESSAGE(invited.status == 201, invited.body);
    const std::string code = invited.json().at("code");
    CHECK(invited.json().at("person") == "bob");
    CHECK(invited.json().at("role") == "member");
    CHECK(invited.json().at("invite_url") == server.url + "/join#" + code);
    CHECK(invited.json().at("expires_at").get<std::string>().ends_with("Z"));
    auto signed_in = server.post("/api/v1/session", "", json{{"invite", code}}.dump());
    REQUIRE_MESSAGE(signed_in.status == 200, signed_in.body);
    const std::string bob = signed_in.json().at("token");
    auto people = server.get("/api/v1/people", bob);
    REQUIRE(people.status == 200);
    REQUIRE(people.json().size() >= 2);  // and whoever ran the CLI's invites
    CHECK(find_by(people.json(), "name", "ann")->at("access") == "admin");
    CHECK(find_by(people.json(), "name", "bob")->at("email") == "bob@example.org");
    CHECK(people.json() == lib.ok({"people"}));  // one shape for both

    // ---- the admin assigns both recordings to bob ----
    auto assigned = server.post("/api/v1/assignments", ann,
                                json{{"recording", id}, {"person", "bob"}, {"due", "2099-12-31"}}.dump());
    REQUIRE_MESSAGE(assigned.status == 201, assigned.body);
    CHECK(assigned.json().at("assignee") == "bob");
    CHECK(assigned.json().at("assigned_by") == "ann");
    CHECK(assigned.json().at("due") == "2099-12-31");
    CHECK(assigned.json().at("state") == "not_started");
    CHECK(event_for("assignment.changed", id));
    REQUIRE(server.post("/api/v1/assignments", ann, json{{"recording", id2}, {"person", "bob"}}.dump()).status == 201);
    json from_cli = lib.ok({"assignments", "--person", "bob"});
    REQUIRE(from_cli.size() == 2);
    CHECK(find_by(from_cli, "recording_id", id)->at("due") == "2099-12-31");
    auto mine = server.get("/api/v1/assignments?person=bob", bob);
    REQUIRE(mine.status == 200);
    CHECK(mine.json() == from_cli);
    CHECK(server.get("/api/v1/assignments?recording=" + id, bob).json().size() == 1);
    CHECK(server.get("/api/v1/assignments?person=bob&overdue=1", bob).json().empty());

    // ---- bob's list; the author names chapters ----
    auto list = server.get("/api/v1/recordings?assigned_to=bob&unwatched=1", bob);
    REQUIRE(list.status == 200);
    CHECK(list.json().size() == 2);
    // The video by ranges, byte for byte the file the library stores (the upload's own bytes).
    const std::string stored = read_file(lib.root() / lib.ok({"show", id}).at("media_path").get<std::string>());
    CHECK(stored == video);
    std::string fetched;
    for (std::size_t from = 0; from < stored.size(); from += 64 * 1024) {
        const std::size_t to = std::min(stored.size(), from + 64 * 1024) - 1;
        auto part = server.call(
            {"GET", rec_path + "/media", {auth(bob), fmt::format("Range: bytes={}-{}", from, to)}, std::nullopt});
        REQUIRE(part.status == 206);
        CHECK(part.header("content-range") == fmt::format("bytes {}-{}/{}", from, to, stored.size()));
        fetched += part.body;
    }
    CHECK(fetched == stored);
    auto put = send(server, "PUT", rec_path + "/chapters/0", ann, R"({"title": "Start"})");
    REQUIRE_MESSAGE(put.status == 200, put.body);
    CHECK(put.json().at("at_ms") == 0);
    const std::string odd = "The form «ü» <b>\"quoted\"</b> & 'more' 🎉";
    REQUIRE(send(server, "PUT", rec_path + "/chapters/1500", ann, json{{"title", "first"}}.dump()).status == 200);
    auto renamed = send(server, "PUT", rec_path + "/chapters/1500", ann, json{{"title", odd}}.dump());
    REQUIRE(renamed.status == 200);
    CHECK(renamed.json().at("title") == odd);
    CHECK(renamed.json().at("at") == "0:01.5");
    CHECK(event_for("recording.changed", id));  // its chapters changed
    auto chapters = server.get(rec_path + "/chapters", bob);
    REQUIRE(chapters.status == 200);
    REQUIRE(chapters.json().size() == 2);
    CHECK(chapters.json()[1].at("title") == odd);
    CHECK(chapters.json() == lib.ok({"chapters", id}));
    auto removed = send(server, "DELETE", rec_path + "/chapters/0", ann);
    REQUIRE(removed.status == 200);
    CHECK(removed.json().at("title") == "Start");
    CHECK(lib.ok({"chapters", id}).size() == 1);

    // ---- bob comments at a moment; it waits in the author's inbox ----
    auto asked =
        server.post(rec_path + "/comments", bob, json{{"body", "What goes in field 3?"}, {"at_ms", 1200}}.dump());
    REQUIRE_MESSAGE(asked.status == 201, asked.body);
    const std::string question = asked.json().at("id");
    CHECK(event_for("comment.added", id));
    auto inbox = server.get("/api/v1/inbox", ann);
    REQUIRE(inbox.status == 200);
    CHECK(inbox.json().at("total") == 1);
    CHECK(inbox.json().at("response_window_hours") == 24);
    REQUIRE(inbox.json().at("items").size() == 1);
    const json item = inbox.json().at("items")[0];
    CHECK(item.at("comment").at("id") == question);
    CHECK(item.at("comment").at("at_ms") == 1200);
    CHECK(item.at("reason") == "on your recording");
    CHECK(item.at("recording_title") == "Onboarding basics");
    json cli_inbox = lib.ok({"inbox"}, "ann");
    CHECK(cli_inbox.at("total") == 1);
    CHECK(cli_inbox.at("items")[0].at("comment") == item.at("comment"));
    CHECK(server.get("/api/v1/inbox", bob).json().at("total") == 0);

    // ---- the author replies; the reply waits for bob ----
    auto answered = server.post(rec_path + "/comments", ann,
                                json{{"body", "Your team's code, e.g. FIN-7"}, {"reply_to", question}}.dump());
    REQUIRE(answered.status == 201);
    CHECK(answered.json().at("thread_id") == question);
    CHECK(event_for("comment.added", id));  // the reply
    CHECK(server.get("/api/v1/inbox", ann).json().at("total") == 0);
    auto bobs_inbox = server.get("/api/v1/inbox", bob).json();
    REQUIRE(bobs_inbox.at("total") == 1);
    CHECK(bobs_inbox.at("items")[0].at("reason") == "reply to your comment");
    CHECK(lib.ok({"inbox"}, "bob").at("total") == 1);

    // ---- progress past 90 %: watched by coverage, the assignment completes ----
    const std::string progress = rec_path + "/progress";
    auto half = server.post(progress, bob, json{{"from_ms", 0}, {"to_ms", 1500}}.dump());
    REQUIRE(half.status == 200);
    CHECK(half.json().at("watched") == false);
    CHECK(server.get("/api/v1/assignments?person=bob&recording=" + id, bob).json()[0].at("state") == "in_progress");
    auto most = server.post(progress, bob, json{{"from_ms", 1500}, {"to_ms", 2800}}.dump());
    REQUIRE(most.status == 200);
    CHECK(most.json().at("coverage").get<double>() >= 0.9);
    CHECK(most.json().at("watched") == true);
    CHECK(most.json().at("how") == "coverage");
    CHECK(event_for("view.changed", id));
    auto done = server.get("/api/v1/assignments?recording=" + id, ann).json();
    REQUIRE(done.size() == 1);
    CHECK(done[0].at("state") == "done");
    CHECK_FALSE(done[0].at("completed_at").is_null());
    CHECK(event_for("assignment.changed", id));  // done
    // Marking it watched again keeps how and when it was first watched.
    auto again = server.post(rec_path + "/watched", bob, "");
    REQUIRE(again.status == 200);
    CHECK(again.json().at("how") == "coverage");
    CHECK(again.json().at("watched_at") == most.json().at("watched_at"));

    // ---- the other one is marked watched outright ----
    auto marked = server.post("/api/v1/recordings/" + id2 + "/watched", bob, "");
    REQUIRE_MESSAGE(marked.status == 200, marked.body);
    CHECK(marked.json().at("how") == "explicit");
    CHECK(marked.json().at("person") == "bob");
    for (const auto& a : lib.ok({"assignments", "--person", "bob"})) CHECK(a.at("state") == "done");
    CHECK(server.get("/api/v1/recordings?unwatched=1", bob).json().empty());
    auto views = server.get(rec_path + "/views", ann);
    REQUIRE(views.status == 200);
    REQUIRE(views.json().size() == 1);
    CHECK(views.json()[0].at("person") == "bob");
    CHECK(views.json()[0].at("watched") == true);

    // ---- bob started the thread, so bob may resolve it ----
    auto resolved = server.post("/api/v1/comments/" + question + "/resolve", bob, "");
    REQUIRE_MESSAGE(resolved.status == 200, resolved.body);
    CHECK(resolved.json().at("resolved_by") == "bob");
    CHECK(event_for("comment.resolved", id));
    CHECK_FALSE(lib.ok({"comments", id})[0].at("resolved_at").is_null());

    // ---- show: the same JSON from the server as from the CLI, but for the local file's path ----
    json shown = lib.ok({"show", id});
    CHECK(shown.contains("media_file"));
    shown.erase("media_file");
    auto over_http = server.get(rec_path, bob);
    REQUIRE(over_http.status == 200);
    CHECK(over_http.json() == shown);
    CHECK(shown.at("open_comment_count") == 0);
    CHECK(shown.at("assignments")[0].at("state") == "done");

    // The log names who did what, never an invite code.
    REQUIRE(server.stop(std::chrono::milliseconds(5000)) == 0);
    CHECK(contains(server.log(), " ann POST /api/v1/people/bob/invites 201 "));
    CHECK(contains(server.log(), " bob POST /api/v1/comments/" + question + "/resolve 200 "));
    CHECK_FALSE(contains(server.log(), code));
}

TEST_CASE("20 clients comment at once while the CLI writes: every comment lands exactly once") {
    CliLibrary lib;
    const auto clip = make_clip(lib.dir.path, "clip.mp4", 1, "160x120", false);
    const std::string id = lib.ok({"import", clip.string(), "--title", "Busy"}, "ann").at("id");
    Served server(lib);
    const std::string ann = server.sign_in("ann");
    const std::string bob = server.sign_in("bob");
    const std::string path = "/api/v1/recordings/" + id + "/comments";
    REQUIRE(server.get("/api/v1/me", bob).status == 200);  // libcurl set up before the threads

    constexpr int k_clients = 20, k_each = 4, k_cli = 8;
    std::vector<long> statuses(k_clients * k_each, 0);
    std::vector<int> cli_exits(k_cli, -1);
    std::atomic<bool> go{false};
    std::vector<std::thread> clients;
    for (int c = 0; c < k_clients; ++c) {
        clients.emplace_back([&, c] {
            while (!go.load()) std::this_thread::yield();
            for (int i = 0; i < k_each; ++i) {
                const std::string body = json{{"body", "http " + std::to_string(c) + "-" + std::to_string(i)}}.dump();
                statuses[static_cast<size_t>(c * k_each + i)] = server.post(path, c % 2 ? ann : bob, body).status;
            }
        });
    }
    std::thread cli([&] {
        while (!go.load()) std::this_thread::yield();
        for (int i = 0; i < k_cli; ++i) {
            cli_exits[static_cast<size_t>(i)] = lib.run({"comment", id, "cli " + std::to_string(i)}, "carol").exit_code;
        }
    });
    go = true;
    for (auto& t : clients) t.join();
    cli.join();

    for (size_t i = 0; i < statuses.size(); ++i) CHECK_MESSAGE(statuses[i] == 201, "request " << i);
    for (int e : cli_exits) CHECK(e == 0);
    std::multiset<std::string> bodies;
    for (const auto& c : server.get(path, ann).json()) bodies.insert(c.at("body").get<std::string>());
    CHECK(bodies.size() == static_cast<size_t>(k_clients * k_each + k_cli));
    for (int c = 0; c < k_clients; ++c) {
        for (int i = 0; i < k_each; ++i) {
            CHECK(bodies.count("http " + std::to_string(c) + "-" + std::to_string(i)) == 1);
        }
    }
    for (int i = 0; i < k_cli; ++i) CHECK(bodies.count("cli " + std::to_string(i)) == 1);
    CHECK(count_rows(lib, "SELECT count(*) FROM comments") == k_clients * k_each + k_cli);
    CHECK(lib.ok({"comments", id}).size() == static_cast<size_t>(k_clients * k_each + k_cli));
}

TEST_CASE("a person over the request limit gets 429 with Retry-After; others behind the same address go on") {
    CliLibrary lib;
    const auto clip = make_clip(lib.dir.path, "clip.mp4", 1, "160x120", false);
    const std::string id = lib.ok({"import", clip.string(), "--title", "Limited"}, "ann").at("id");
    Served server(lib, {"--rate-limit", "20"});  // one request every 3 s after a burst of 20
    const std::string ann = server.sign_in("ann");
    const std::string bob = server.sign_in("bob");
    const std::string path = "/api/v1/recordings/" + id + "/comments";
    // 20 at once go through (one more may, if the 3 s refill came meanwhile on a slow machine); then 429.
    int accepted = 0;
    Http refused;
    for (int i = 0; i < 40; ++i) {
        auto r = server.post(path, bob, json{{"body", "note " + std::to_string(i)}}.dump());
        if (r.status != 201) {
            refused = r;
            break;
        }
        ++accepted;
    }
    CHECK(accepted >= 20);
    CHECK(accepted <= 22);
    CHECK(refused.status == 429);
    CHECK(refused.json().at("error").at("code") == "rate_limited");
    const int retry = std::stoi(refused.header("retry-after"));
    CHECK(retry >= 1);
    CHECK(retry <= 3);
    // The refused comment did not land.
    CHECK(count_rows(lib, "SELECT count(*) FROM comments") == accepted);
    // Same address, another person: their own allowance.
    CHECK(server.post(path, ann, R"({"body": "from ann"})").status == 201);
    CHECK(server.get("/api/v1/me", ann).status == 200);
    // A bad token is not a person: it gets 401, not 429, and spends nobody's allowance.
    CHECK(server.get("/api/v1/me", "not-a-token").status == 401);
    CHECK(server.stop(std::chrono::milliseconds(5000)) == 0);
    CHECK(contains(server.log(), " bob POST " + path + " 429 "));
}

TEST_CASE("list pages and searches follow every change, the CLI's included; unwatched pages are per person") {
    CliLibrary lib;
    const auto clip = make_clip(lib.dir.path, "budget.mp4", 1, "160x120", false);
    const std::string id = lib.ok({"import", clip.string(), "--title", "Quarterly budget"}, "ann").at("id");
    Served server(lib);
    const std::string ann = server.sign_in("ann"), bob = server.sign_in("bob");
    const auto found = [&](const std::string& words) {
        auto r = server.get("/api/v1/search?q=" + words + "%20", ann);
        REQUIRE_MESSAGE(r.status == 200, r.body);
        return find_by(r.json(), "recording_id", id) != nullptr;
    };
    const auto listed = [&](const std::string& query, const std::string& token) {
        auto r = server.get("/api/v1/recordings" + query, token);
        REQUIRE_MESSAGE(r.status == 200, r.body);
        const json page = r.json();
        const json* rec = find_by(page, "id", id);
        return rec ? *rec : json();
    };
    for (int asked = 0; asked < 2; ++asked) {  // the second answers may come from the cache
        CHECK(found("budget"));
        CHECK(listed("", ann).at("title") == "Quarterly budget");
        CHECK(listed("", ann).at("comment_count") == 0);
    }

    // The CLI renames it and comments: both answers follow at once.
    lib.ok({"edit", id, "--title", "Annual forecast"}, "ann");
    CHECK_FALSE(found("budget"));
    CHECK(found("forecast"));
    CHECK(listed("", ann).at("title") == "Annual forecast");
    const auto comments = [&] {
        auto r = server.get("/api/v1/recordings/" + id + "/comments", ann);
        REQUIRE_MESSAGE(r.status == 200, r.body);
        return r.json().size();
    };
    CHECK(comments() == 0);
    CHECK(comments() == 0);
    lib.ok({"comment", id, "which year?"}, "bob");
    CHECK(comments() == 1);
    CHECK(listed("", ann).at("comment_count") == 1);
    CHECK(listed("", ann).at("open_comment_count") == 1);
    CHECK(found("which"));

    // A change through the server itself.
    auto posted = server.post("/api/v1/recordings/" + id + "/comments", bob, R"({"body": "and which quarter?"})");
    REQUIRE_MESSAGE(posted.status == 201, posted.body);
    CHECK(listed("", ann).at("comment_count") == 2);
    CHECK(comments() == 2);
    CHECK(found("quarter"));

    // Ann has watched it, Bob has not: the same page, asked by Bob first, is not Ann's.
    lib.ok({"watched", id}, "ann");
    for (int asked = 0; asked < 2; ++asked) {
        CHECK(listed("?unwatched=1", bob).is_object());
        CHECK(listed("?unwatched=1", ann).is_null());
    }
}
