// The CLI on a team library: `walkthrough serve` on a loopback port over a fresh library, people
// connect with invites (`connect`), then every command runs with `--library team` and the server's
// library (read through the local CLI on its folder) shows each change; and the refusals: a
// member's admin actions (403), a revoked token (401: sign in again), a server that is down (a clear
// error, nothing lost), bad codes and names. `play` streams from the server with the token, and what
// was played is counted there.
#include <sys/stat.h>

#include <doctest/doctest.h>
#include <fmt/format.h>

#include "player/frame_reader.hpp"
#include "tests/capture_env.hpp"
#include "tests/serve_support.hpp"

using nlohmann::json;
using namespace wt::test;

namespace {

// One person's computer, working on the connection "team".
struct Client : Laptop {
    // `walkthrough --library team ARGS --json`
    json team(std::vector<std::string> args) const {
        args.insert(args.begin(), {"--library", "team"});
        return ok(args);
    }
    RunResult team_run(std::vector<std::string> args) const {
        args.insert(args.begin(), {"--library", "team"});
        return run(args);
    }
};

mode_t mode_of(const std::filesystem::path& p) {
    struct stat st{};
    REQUIRE(::stat(p.c_str(), &st) == 0);
    return st.st_mode & 0777;
}

// ann (the library's first person: its admin) and her recording on the server's library.
struct Team {
    CliLibrary lib;
    std::filesystem::path clip;
    std::string payroll;
    std::unique_ptr<Served> server;
    Client ann, bob;
    Team() {
        clip = make_clip(lib.dir.path, "clip.mp4", 1, "160x120", false);
        payroll = lib.ok({"import", clip.string(), "--title", "Payroll run"}, "ann").at("id");
        server = std::make_unique<Served>(lib);
        connect(ann, "ann");
        connect(bob, "bob");
    }
    void connect(const Client& c, const std::string& name) const {
        auto j = c.ok({"connect", server->url, server->invite_code(name), "--name", "team"});
        CHECK(j.at("person").at("name") == name);
        CHECK(j.at("url") == server->url);
    }
};

}  // namespace

TEST_CASE("connect keeps the server under a name, with the token in a file only its owner reads") {
    Team t;
    const auto file = t.bob.saved("team");
    REQUIRE(std::filesystem::exists(file));
    CHECK(mode_of(file) == 0600);
    CHECK(mode_of(file.parent_path()) == 0700);
    const json saved = json::parse(read_file(file));
    const std::string token = saved.at("token");
    CHECK(token.size() > 20);
    // The token works at the server, and is never printed.
    CHECK(t.server->get("/api/v1/me", token).json().at("name") == "bob");
    auto listed = t.bob.run({"connections"});
    CHECK(listed.exit_code == 0);
    CHECK(contains(listed.out, "team"));
    CHECK(contains(listed.out, t.server->url));
    CHECK_FALSE(contains(listed.out, token));
    auto j = t.bob.ok({"connections"});
    REQUIRE(j.size() == 1);
    CHECK(j[0].at("name") == "team");
    CHECK(j[0].at("person") == "bob");
    CHECK(j[0].at("access") == "member");
    CHECK_FALSE(j[0].contains("token"));
    // No leftovers of the atomic write.
    int files = 0;
    for (const auto& e : std::filesystem::directory_iterator(file.parent_path())) files += e.is_regular_file();
    CHECK(files == 1);

    SUBCASE("a token works as well as an invite, and the URL names the library too") {
        Client carol;
        const std::string carols = t.server->sign_in("carol");
        auto c = carol.ok({"connect", t.server->url, carols, "--name", "work"});
        CHECK(c.at("person").at("name") == "carol");
        CHECK(carol.ok({"--library", "work", "list"}).size() == 1);
        CHECK(carol.ok({"--library", t.server->url + "/", "list"}).at(0).at("id") == t.payroll);
    }
    SUBCASE("disconnect signs out at the server and forgets the token") {
        auto d = t.bob.ok({"disconnect", "team"});
        CHECK(d.at("signed_out") == true);
        CHECK_FALSE(std::filesystem::exists(file));
        CHECK(t.server->get("/api/v1/me", token).status == 401);
        CHECK(t.bob.ok({"connections"}).empty());
        CHECK(t.bob.run({"disconnect", "team"}).exit_code == 3);
    }
}

TEST_CASE("every command on --library team changes the server's library as on its folder") {
    Team t;
    // The same answers as on the folder: one shape for both.
    CHECK(t.bob.team({"list"}) == t.lib.ok({"list"}));
    auto shown = t.bob.team({"show", t.payroll.substr(0, 5)});
    CHECK(shown.at("title") == "Payroll run");
    CHECK(shown.at("author") == "ann");
    auto human = t.bob.team_run({"show", t.payroll});
    CHECK(human.exit_code == 0);
    CHECK(contains(human.out, "on the team server"));

    // bob asks at a moment; ann answers in the thread; bob resolves it.
    auto asked = t.bob.team({"comment", t.payroll, "Why 0:00.5?", "--at", "0:00.5"});
    CHECK(asked.at("author") == "bob");
    auto local = t.lib.ok({"comments", t.payroll});
    REQUIRE(local.size() == 1);
    CHECK(local[0].at("body") == "Why 0:00.5?");
    CHECK(local[0].at("at_ms") == 500);
    auto reply = t.ann.team({"comment", t.payroll, "Because.", "--reply-to", asked.at("id")});
    CHECK(reply.at("thread_id") == asked.at("id"));
    CHECK(t.lib.ok({"comments", t.payroll}).size() == 2);
    CHECK(t.bob.team({"comments", t.payroll}) == t.lib.ok({"comments", t.payroll}));
    CHECK(t.ann.team({"inbox"}).at("total") == 0);  // answered
    auto resolved = t.bob.team({"resolve", asked.at("id")});
    CHECK(resolved.at("resolved_by") == "bob");
    CHECK(t.lib.ok({"comments", t.payroll})[0].at("resolved_by") == "bob");

    // search finds the comment; bob watches half, then marks it watched.
    auto hits = t.bob.team({"search", "payroll"});
    REQUIRE(!hits.empty());
    CHECK(hits[0].at("recording_id") == t.payroll);
    auto view = t.bob.team({"progress", t.payroll, "--from", "0", "--to", "0.5"});
    CHECK(view.at("covered_ms") == 500);
    auto views = t.lib.ok({"show", t.payroll}).at("views");
    REQUIRE(views.size() == 1);
    CHECK(views[0].at("person") == "bob");
    CHECK(views[0].at("covered_ms") == 500);
    CHECK(t.bob.team({"watched", t.payroll}).at("watched") == true);
    CHECK(t.lib.ok({"show", t.payroll}).at("views")[0].at("watched") == true);

    // ann (an admin) assigns it to bob, who has watched it: done at once.
    auto a = t.ann.team({"assign", t.payroll, "--to", "bob", "--due", "2099-12-31"});
    CHECK(a.at("assignee") == "bob");
    auto theirs = t.lib.ok({"assignments", "--person", "bob"});
    REQUIRE(theirs.size() == 1);
    CHECK(theirs[0].at("state") == "done");
    CHECK(t.bob.team({"assignments"}) == t.lib.ok({"assignments"}));

    // bob sends a video of his own, names a chapter of it and retitles it.
    auto sent = t.bob.team({"import", t.clip.string(), "--title", "Bob's demo", "--kind", "training", "--tag", "demo"});
    CHECK(sent.at("author") == "bob");
    const std::string demo = sent.at("id");
    auto there = t.lib.ok({"show", demo});
    CHECK(there.at("title") == "Bob's demo");
    CHECK(there.at("kind") == "training");
    CHECK(there.at("tags") == json::array({"demo"}));
    CHECK(t.bob.team({"chapter", demo, "--at", "0.25", "Start here"}).at("at_ms") == 250);
    CHECK(t.lib.ok({"chapters", demo}).at(0).at("title") == "Start here");
    CHECK(t.bob.team({"edit", demo, "--title", "Bob's demo, take 2"}).at("title") == "Bob's demo, take 2");
    CHECK(t.lib.ok({"show", demo}).at("title") == "Bob's demo, take 2");
    CHECK(t.bob.team({"list", "--kind", "training"}).size() == 1);
    CHECK(t.bob.team({"people"}).size() == t.lib.ok({"people"}).size());
    CHECK(t.bob.team({"delete", demo}).at("deleted").at("id") == demo);
    CHECK(t.lib.run({"show", demo}).exit_code == 3);
}

TEST_CASE("export from a team library: the video byte for byte, its sidecar; refusals leave nothing") {
    Team t;
    REQUIRE(t.ann.team({"comment", t.payroll, "Check the totals", "--at", "0:00.5"}).at("author") == "ann");
    REQUIRE(t.ann.team({"chapter", t.payroll, "--at", "0.25", "Totals"}).at("at_ms") == 250);
    const std::filesystem::path stored =
        t.lib.root() / t.lib.ok({"show", t.payroll}).at("media_path").get<std::string>();
    const std::string video = read_file(stored);
    REQUIRE(video.size() > 1000);

    TempDir out;
    auto done = t.bob.team({"export", t.payroll, out.path.string()});
    const std::filesystem::path media = done.at("media").get<std::string>();
    CHECK(media.parent_path() == out.path);
    CHECK(media.filename() == "Payroll run-" + t.payroll + ".mp4");
    CHECK(read_file(media) == video);
    auto side = json::parse(read_file(done.at("sidecar").get<std::string>()));
    CHECK(side.at("title") == "Payroll run");
    CHECK(side.at("author") == "ann");
    CHECK(side.at("size_bytes") == video.size());
    CHECK(side.at("media_file") == media.filename().string());
    REQUIRE(side.at("comments").size() == 1);
    CHECK(side.at("comments")[0].at("body") == "Check the totals");
    CHECK(side.at("chapters") == json::array({{{"at_ms", 250}, {"title", "Totals"}}}));
    const auto exported = files_in(out.path);
    CHECK(exported.size() == 2);

    SUBCASE("again to the same place: refused, nothing overwritten") {
        auto again = t.bob.team_run({"export", t.payroll, out.path.string()});
        CHECK(again.exit_code == 1);
        CHECK(contains(again.err, "already exists"));
        CHECK(files_in(out.path) == exported);
        CHECK(read_file(media) == video);
    }
    SUBCASE("the server's file is shorter than its catalog says: refused, no partial file") {
        std::filesystem::resize_file(stored, video.size() / 2);
        TempDir short_out;
        auto r = t.bob.team_run({"export", t.payroll, short_out.path.string()});
        CHECK(r.exit_code == 1);
        CHECK(contains(r.err, fmt::format("sent {} of the {} bytes", video.size() / 2, video.size())));
        CHECK(contains(r.err, "nothing was exported"));
        CHECK(files_in(short_out.path).empty());
    }
    SUBCASE("the server is down: exit 8, nothing written") {
        REQUIRE(t.server->stop(std::chrono::milliseconds(5000)) == 0);
        TempDir down_out;
        auto r = t.bob.team_run({"export", t.payroll, down_out.path.string()});
        CHECK(r.exit_code == 8);
        CHECK(contains(r.err, "cannot reach the team server"));
        CHECK(files_in(down_out.path).empty());
    }
    SUBCASE("a recording that is not there: exit 3, nothing written") {
        TempDir none;
        CHECK(t.bob.team_run({"export", "zzzzzzzz", none.path.string()}).exit_code == 3);
        CHECK(files_in(none.path).empty());
    }
}

TEST_CASE("refusals: a member's admin action, a revoked token, a server that is down") {
    Team t;
    const std::string before = t.lib.run({"--json", "assignments"}).out;

    SUBCASE("a member's admin actions: 403 as exit 7, nothing changes") {
        auto r = t.bob.team_run({"assign", t.payroll, "--to", "bob"});
        CHECK(r.exit_code == 7);
        CHECK(contains(r.err, "only an admin may"));
        CHECK(t.lib.run({"--json", "assignments"}).out == before);
        auto e = t.bob.team_run({"edit", t.payroll, "--title", "Mine now"});
        CHECK(e.exit_code == 7);
        CHECK(t.lib.ok({"show", t.payroll}).at("title") == "Payroll run");
        // Acting as someone else is not a thing on a team library.
        auto as = t.bob.run({"--library", "team", "--as", "ann", "watched", t.payroll});
        CHECK(as.exit_code == 7);
        CHECK(t.lib.ok({"show", t.payroll}).at("views").empty());
        // Nor are the server's own settings and files.
        auto s = t.ann.team_run({"settings", "--response-window", "5"});
        CHECK(s.exit_code == 2);
        CHECK(contains(s.err, "on the server"));
        CHECK(t.lib.ok({"settings"}).at("response_window_hours") == 24);
        CHECK(t.ann.team_run({"serve"}).exit_code == 2);
    }
    SUBCASE("a revoked token: exit 6 and how to sign in again") {
        // Revoking is an admin's, also on the team library (POST /people/{name}/revoke).
        CHECK(t.bob.team_run({"people", "revoke", "ann"}).exit_code == 7);
        REQUIRE(t.ann.team_run({"people", "revoke", "bob"}).exit_code == 0);
        auto r = t.bob.team_run({"comment", t.payroll, "Still here?"});
        CHECK(r.exit_code == 6);
        CHECK(contains(r.err, "sign in again with `walkthrough connect " + t.server->url));
        CHECK(t.lib.ok({"comments", t.payroll}).empty());
    }
    SUBCASE("a server that is down: a clear error, exit 8, the connection kept") {
        REQUIRE(t.server->stop(std::chrono::milliseconds(5000)) == 0);
        auto r = t.bob.team_run({"comment", t.payroll, "Anyone?"});
        CHECK(r.exit_code == 8);
        CHECK(contains(r.err, "cannot reach the team server 'team' (" + t.server->url + ")"));
        CHECK(std::filesystem::exists(t.bob.saved("team")));
        CHECK(t.lib.ok({"comments", t.payroll}).empty());
        // Signing out while it is down forgets the token here and says how to end it there.
        auto d = t.bob.run({"disconnect", "team"});
        CHECK(d.exit_code == 0);
        CHECK(contains(d.err, "people revoke bob"));
        CHECK_FALSE(std::filesystem::exists(t.bob.saved("team")));
    }
    SUBCASE("bad codes, names and addresses save nothing") {
        Client dan;
        auto bad = dan.run({"connect", t.server->url, "not-a-code", "--name", "team"});
        CHECK(bad.exit_code == 6);
        CHECK(contains(bad.err, "new invite"));
        CHECK_FALSE(std::filesystem::exists(dan.saved("team")));
        CHECK(dan.run({"connect", t.server->url, "x", "--name", "../evil"}).exit_code == 2);
        CHECK(dan.run({"connect", "ftp://example.org", "x"}).exit_code == 2);
        auto unknown = dan.run({"--library", t.server->url, "list"});
        CHECK(unknown.exit_code == 6);
        CHECK(contains(unknown.err, "walkthrough connect " + t.server->url));
        CHECK(dan.ok({"connections"}).empty());
    }
}

TEST_CASE("play on a team library streams the video with the token; what played is counted at the server") {
    VirtualScreen screen("640x480x24");
    Team t;
    t.bob.display = screen.display;
    const std::string media = t.server->url + "/api/v1/recordings/" + t.payroll + "/media";

    // Half of it, from a moment: exact seek over HTTP, not enough to count as watched.
    auto half = t.bob.team({"play", t.payroll, "--silent", "--exit-at-end", "--start", "0.5"});
    CHECK(half.at("file") == media);  // the address, never the token
    CHECK(half.at("watched") == false);
    CHECK(half.at("coverage").get<double>() == doctest::Approx(0.5).epsilon(0.15));

    // The whole of it at 2x: watched, at the server; the next play resumes (from the start, as it
    // was finished).
    auto whole = t.bob.team({"play", t.payroll, "--silent", "--exit-at-end", "--speed", "2"});
    CHECK(whole.at("watched") == true);
    CHECK(whole.at("frames_shown").get<int>() >= 8);
    auto views = t.lib.ok({"show", t.payroll}).at("views");
    REQUIRE(views.size() == 1);
    CHECK(views[0].at("person") == "bob");
    CHECK(views[0].at("watched") == true);
    CHECK(views[0].at("how") == "coverage");
    // The video came by byte ranges, as bob; the server's log never shows a token.
    const std::string log = t.server->log();
    CHECK(contains(log, "bob GET /api/v1/recordings/" + t.payroll + "/media 20"));
    const std::string token = json::parse(read_file(t.bob.saved("team"))).at("token");
    CHECK_FALSE(contains(log, token));

    // The exact frame of a moment, from the stream.
    const auto png = t.lib.dir / "frame.png";
    auto shot = t.bob.team({"play", t.payroll, "--snapshot", "0.5", "--out", png.string()});
    CHECK(shot.at("width") == 160);
    CHECK(shot.at("seconds").get<double>() == doctest::Approx(0.5).epsilon(0.1));
    CHECK(read_file(png).substr(1, 3) == "PNG");

    SUBCASE("a revoked token: exit 6 and how to sign in again; nothing counted") {
        REQUIRE(t.lib.run({"people", "revoke", "bob"}).exit_code == 0);
        auto r = t.bob.team_run({"play", t.payroll, "--silent", "--exit-at-end"});
        CHECK(r.exit_code == 6);
        CHECK(contains(r.err, "sign in again"));
    }
    SUBCASE("a server that is down: exit 8, a clear error") {
        REQUIRE(t.server->stop(std::chrono::milliseconds(5000)) == 0);
        auto r = t.bob.team_run({"play", t.payroll, "--silent", "--exit-at-end"});
        CHECK(r.exit_code == 8);
        CHECK(contains(r.err, "cannot reach the team server"));
    }
}

TEST_CASE("a stream the server refuses is an error that says what to do, and never shows the token") {
    Team t;
    const std::string token = json::parse(read_file(t.bob.saved("team"))).at("token");
    wt::MediaSource source;
    source.url = t.server->url + "/api/v1/recordings/" + t.payroll + "/media";
    source.authorization = "Bearer " + token;
    auto good = wt::player::FrameReader::open(source);
    REQUIRE(good.has_value());
    CHECK(good->width() == 160);
    CHECK(good->read_at(0.5).has_value());

    source.authorization = "Bearer not-a-token";
    auto refused = wt::player::FrameReader::open(source);
    REQUIRE_FALSE(refused.has_value());
    CHECK(refused.error().code == wt::ErrorCode::unauthorized);
    CHECK(contains(refused.error().message, "sign in again"));

    source.authorization = "Bearer " + token;
    source.url = t.server->url + "/api/v1/recordings/zzzzzzzz/media";
    auto missing = wt::player::FrameReader::open(source);
    REQUIRE_FALSE(missing.has_value());
    CHECK(missing.error().code == wt::ErrorCode::not_found);
    CHECK_FALSE(contains(missing.error().message, token));
}
