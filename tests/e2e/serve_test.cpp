// The team server's story over HTTP with the real binary: invite -> token -> list -> show ->
// media byte ranges compared byte for byte with the stored file -> comment -> progress -> search
// -> sign out; the CLI on the same library sees the changes; one log line per request, with no
// secret in it; SIGTERM during a stream ends it and exits 0 within 5 s, and the library is served
// again.
#include <doctest/doctest.h>

#include "tests/serve_support.hpp"

using nlohmann::json;
using namespace wt::test;

TEST_CASE("invite, sign in, list, show, media ranges, comment, progress, search, sign out") {
    CliLibrary lib;
    const auto clip = make_clip(lib.dir.path, "onboarding.mp4", 3);
    json rec = lib.ok({"import", clip.string(), "--title", "Onboarding basics", "--tag", "hr"}, "ann");
    const std::string id = rec.at("id");
    const std::string media = read_file(lib.root() / rec.at("media_path").get<std::string>());
    const std::string thumb = read_file(lib.root() / rec.at("thumbnail_path").get<std::string>());
    REQUIRE(media.size() > 2000);

    Served server(lib);
    CHECK(server.url.starts_with("http://127.0.0.1:"));

    // ---- invite -> token and cookie ----
    const std::string code = server.invite_code("bob");
    auto signed_in = server.post("/api/v1/session", "", json{{"invite", code}}.dump());
    REQUIRE_MESSAGE(signed_in.status == 200, signed_in.body);
    const std::string token = signed_in.json().at("token");
    CHECK(token.size() >= 22);
    CHECK(signed_in.json().at("person").at("name") == "bob");
    CHECK(signed_in.json().at("person").at("access") == "member");
    const std::string cookie = signed_in.header("set-cookie");
    CHECK(cookie.starts_with("wt_session="));
    CHECK(contains(cookie, "HttpOnly"));
    CHECK(contains(cookie, "SameSite=Strict"));
    CHECK_FALSE(contains(cookie, "Secure"));  // plain HTTP here; Secure with an https public URL
    CHECK(signed_in.header("cache-control") == "private, no-store");
    CHECK(signed_in.header("referrer-policy") == "no-referrer");
    CHECK(signed_in.header("x-content-type-options") == "nosniff");
    CHECK(signed_in.header("access-control-allow-origin").empty());

    auto me = server.get("/api/v1/me", token);
    REQUIRE(me.status == 200);
    CHECK(me.json().at("name") == "bob");
    CHECK_FALSE(me.json().at("last_seen_at").is_null());

    // ---- list and show ----
    auto list = server.get("/api/v1/recordings", token);
    REQUIRE(list.status == 200);
    REQUIRE(list.json().size() == 1);
    CHECK(list.json()[0].at("id") == id);
    CHECK(list.json()[0].at("title") == "Onboarding basics");
    CHECK(server.get("/api/v1/recordings?kind=training", token).json().empty());
    CHECK(server.get("/api/v1/recordings?tag=hr&unwatched=1", token).json().size() == 1);
    CHECK(server.get("/api/v1/recordings?author=ann&limit=1&offset=0", token).json().size() == 1);
    CHECK(server.get("/api/v1/recordings?offset=1", token).json().empty());
    auto bad_kind = server.get("/api/v1/recordings?kind=movie", token);
    CHECK(bad_kind.status == 400);
    CHECK(bad_kind.json().at("error").at("code") == "invalid_input");
    CHECK(server.get("/api/v1/recordings?limit=0", token).status == 400);
    auto show = server.get("/api/v1/recordings/" + id, token);
    REQUIRE(show.status == 200);
    CHECK(show.json().at("id") == id);
    CHECK(show.json().at("views").is_array());
    CHECK(show.json().at("chapters").is_array());
    CHECK_FALSE(show.json().contains("media_file"));  // no server paths
    CHECK(server.get("/api/v1/recordings/zzzzzzzzzz", token).status == 404);

    // ---- media: whole, ranges, validators ----
    const std::string media_path = "/api/v1/recordings/" + id + "/media";
    auto whole = server.get(media_path, token);
    REQUIRE(whole.status == 200);
    CHECK(whole.body == media);
    CHECK(whole.header("content-type") == "video/mp4");
    CHECK(whole.header("accept-ranges") == "bytes");
    const std::string etag = whole.header("etag");
    CHECK(etag.size() > 2);
    CHECK_FALSE(whole.header("last-modified").empty());
    const auto size = static_cast<std::int64_t>(media.size());
    auto ranged = [&](const std::string& range, std::vector<std::string> more = {}) {
        more.push_back(auth(token));
        more.push_back("Range: " + range);
        return server.call({"GET", media_path, more, std::nullopt});
    };
    auto first = ranged("bytes=0-99");
    CHECK(first.status == 206);
    CHECK(first.body == media.substr(0, 100));
    CHECK(first.header("content-range") == "bytes 0-99/" + std::to_string(size));
    auto open = ranged("bytes=500-");
    CHECK(open.status == 206);
    CHECK(open.body == media.substr(500));
    CHECK(open.header("content-range") == "bytes 500-" + std::to_string(size - 1) + "/" + std::to_string(size));
    auto suffix = ranged("bytes=-500");
    CHECK(suffix.status == 206);
    CHECK(suffix.body == media.substr(media.size() - 500));
    auto past = ranged("bytes=" + std::to_string(size) + "-");
    CHECK(past.status == 416);
    CHECK(past.header("content-range") == "bytes */" + std::to_string(size));
    auto several = ranged("bytes=0-1,5-6");
    CHECK(several.status == 200);
    CHECK(several.body == media);
    auto stale_if_range = ranged("bytes=0-99", {"If-Range: \"not-it\""});
    CHECK(stale_if_range.status == 200);
    CHECK(stale_if_range.body == media);
    auto fresh_if_range = ranged("bytes=0-99", {"If-Range: " + etag});
    CHECK(fresh_if_range.status == 206);
    auto not_modified = server.call({"GET", media_path, {auth(token), "If-None-Match: " + etag}, std::nullopt});
    CHECK(not_modified.status == 304);
    CHECK(not_modified.body.empty());
    CHECK(not_modified.header("etag") == etag);
    auto head = server.call({"HEAD", media_path, {auth(token)}, std::nullopt});
    CHECK(head.status == 200);
    CHECK(head.header("content-length") == std::to_string(size));
    CHECK(head.body.empty());
    auto thumbnail = server.get("/api/v1/recordings/" + id + "/thumbnail", token);
    CHECK(thumbnail.status == 200);
    CHECK(thumbnail.header("content-type") == "image/jpeg");
    CHECK(thumbnail.body == thumb);

    // ---- comment, read it back, and the CLI sees it ----
    auto posted = server.post("/api/v1/recordings/" + id + "/comments", token,
                              json{{"body", "What is the form at 0:01? «ünïcode» 'quotes'"}, {"at_ms", 1000}}.dump());
    REQUIRE_MESSAGE(posted.status == 201, posted.body);
    const std::string comment_id = posted.json().at("id");
    CHECK(posted.json().at("author") == "bob");
    auto reply = server.post("/api/v1/recordings/" + id + "/comments", token,
                             json{{"body", "and a follow-up"}, {"reply_to", comment_id}}.dump());
    REQUIRE(reply.status == 201);
    CHECK(reply.json().at("thread_id") == comment_id);
    auto comments = server.get("/api/v1/recordings/" + id + "/comments", token);
    REQUIRE(comments.status == 200);
    REQUIRE(comments.json().size() == 2);
    CHECK(comments.json()[0].at("body") == "What is the form at 0:01? «ünïcode» 'quotes'");
    json from_cli = lib.ok({"comments", id});
    REQUIRE(from_cli.size() == 2);
    CHECK(from_cli[0].at("id") == comment_id);
    CHECK(from_cli[0].at("at_ms") == 1000);
    CHECK(lib.ok({"inbox"}, "ann").at("total") == 2);  // bob's question and follow-up wait for the author

    // ---- progress: a stretch, then a batch sent twice, clamped and merged ----
    const std::string progress = "/api/v1/recordings/" + id + "/progress";
    auto view = server.post(progress, token, json{{"from_ms", 0}, {"to_ms", 1000}}.dump());
    REQUIRE_MESSAGE(view.status == 200, view.body);
    CHECK(view.json().at("person") == "bob");
    CHECK(view.json().at("covered_ms") == 1000);
    const std::string batch = json{{"intervals", {{500, 2000}, {1900, 99'000}}}}.dump();
    view = server.post(progress, token, batch);
    REQUIRE(view.status == 200);
    view = server.post(progress, token, batch);
    REQUIRE(view.status == 200);
    CHECK(view.json().at("intervals").size() == 1);
    CHECK(view.json().at("watched") == true);
    CHECK(view.json().at("covered_ms") == rec.at("duration_ms"));
    json too_many = json::array();
    for (int i = 0; i < 101; ++i) too_many.push_back({i * 10, i * 10 + 5});
    CHECK(server.post(progress, token, json{{"intervals", too_many}}.dump()).status == 400);
    CHECK(server.post(progress, token, json{{"from_ms", 900}, {"to_ms", 100}}.dump()).status == 400);
    json shown = lib.ok({"show", id});
    REQUIRE(shown.at("views").size() == 1);
    CHECK(shown.at("views")[0].at("person") == "bob");
    CHECK(shown.at("views")[0].at("watched") == true);
    CHECK(server.get("/api/v1/recordings?unwatched=1", token).json().empty());

    // ---- search ----
    auto hits = server.get("/api/v1/search?q=onboarding", token);
    REQUIRE(hits.status == 200);
    REQUIRE(hits.json().size() >= 1);
    CHECK(hits.json()[0].at("recording_id") == id);
    CHECK(server.get("/api/v1/search?q=follow", token).json().at(0).at("matched_in") == "comment");
    CHECK(server.get("/api/v1/search", token).status == 400);

    // ---- people shows last seen; sign out ends the token ----
    json people = lib.ok({"people"});
    bool bob_seen = false;
    for (const auto& p : people) bob_seen = bob_seen || (p.at("name") == "bob" && !p.at("last_seen_at").is_null());
    CHECK(bob_seen);
    auto human = lib.run({"people"});
    CHECK(contains(human.out, "ACCESS"));
    CHECK(contains(human.out, "admin"));
    auto out = server.call({"DELETE", "/api/v1/session", {auth(token)}, std::nullopt});
    CHECK(out.status == 200);
    CHECK(server.get("/api/v1/me", token).status == 401);

    // ---- one log line per request, no secrets ----
    std::chrono::milliseconds took{};
    auto code_exit = server.stop(std::chrono::milliseconds(5000), &took);
    REQUIRE(code_exit.has_value());
    CHECK(*code_exit == 0);
    const std::string log = server.log();
    CHECK(contains(log, " bob GET /api/v1/recordings 200 "));
    CHECK(contains(log, " bob POST /api/v1/recordings/" + id + "/comments 201 "));
    CHECK(contains(log, " bob GET " + media_path + " 206 100 "));
    CHECK(contains(log, " - GET /api/v1/me 401 "));
    CHECK_FALSE(contains(log, token));
    CHECK_FALSE(contains(log, code));
    CHECK_FALSE(contains(log, cookie.substr(11, 20)));
}

TEST_CASE("SIGTERM while a stream is being sent: the stream is cut and the server exits 0 within 5 s") {
    CliLibrary lib;
    // Noise does not compress: a file far bigger than the socket buffers, so the stream is still going.
    const auto big = lib.dir / "noise.mp4";
    ffmpeg({"-f", "lavfi", "-i", "nullsrc=size=640x480:rate=25,geq=random(1)*255:128:128", "-t", "2", "-c:v", "libx264",
            "-preset", "ultrafast", "-qp", "0", "-pix_fmt", "yuv420p", big.string()});
    json rec = lib.ok({"import", big.string(), "--title", "Noise"}, "ann");
    REQUIRE(rec.at("size_bytes").get<std::int64_t>() > 16 * 1024 * 1024);
    Served server(lib);
    const std::string token = server.sign_in("bob");

    RawClient slow_reader(server.url, 4096);
    REQUIRE(slow_reader.send("GET /api/v1/recordings/" + rec.at("id").get<std::string>() +
                             "/media HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token + "\r\n\r\n"));
    const std::string start = slow_reader.receive(std::chrono::milliseconds(1000), 8192);
    REQUIRE(start.starts_with("HTTP/1.1 200"));
    // Others are served while the stream waits on its reader.
    CHECK(server.get("/api/v1/me", token).status == 200);

    std::chrono::milliseconds took{};
    auto exit_code = server.stop(std::chrono::milliseconds(5000), &took);
    REQUIRE_MESSAGE(exit_code.has_value(), "serve did not exit within 5 s of SIGTERM");
    CHECK(*exit_code == 0);
    CHECK(took < std::chrono::milliseconds(5000));
    CHECK(slow_reader.closed_by_peer(std::chrono::milliseconds(2000)));
    CHECK(contains(server.log(), "/media 200"));
    CHECK(contains(server.log(), "(cut)"));

    // The library is sound, and the next start serves it (the token still works).
    CHECK(integrity(lib) == "ok");
    Served again(lib);
    auto range = again.call({"GET",
                             "/api/v1/recordings/" + rec.at("id").get<std::string>() + "/media",
                             {auth(token), "Range: bytes=0-99"},
                             std::nullopt});
    CHECK(range.status == 206);
    CHECK(range.body.size() == 100);
}

TEST_CASE("PATCH and DELETE a recording: its author and admins may, a member touching another's gets 403") {
    CliLibrary lib;
    const auto clip = make_clip(lib.dir.path, "clip.mp4", 1, "160x120", false);
    const std::string anns = lib.ok({"import", clip.string(), "--title", "Ann's", "--tag", "old"}, "ann").at("id");
    const std::string bobs = lib.ok({"import", clip.string(), "--title", "Bob's"}, "bob").at("id");
    Served server(lib);
    const std::string ann = server.sign_in("ann");  // the library's first person: admin
    const std::string bob = server.sign_in("bob");
    auto patch = [&](const std::string& id, const std::string& token, const std::string& body) {
        return server.call({"PATCH", "/api/v1/recordings/" + id, {auth(token)}, body});
    };
    auto remove = [&](const std::string& id, const std::string& token) {
        return server.call({"DELETE", "/api/v1/recordings/" + id, {auth(token)}, std::nullopt});
    };

    // A member and another's recording: refused, unchanged.
    auto refused = patch(anns, bob, R"({"title": "mine now"})");
    CHECK(refused.status == 403);
    CHECK(refused.json().at("error").at("code") == "forbidden");
    CHECK(remove(anns, bob).status == 403);
    json kept = lib.ok({"show", anns});
    CHECK(kept.at("title") == "Ann's");
    CHECK(kept.at("tags") == json::array({"old"}));

    // Bad edits are refused before anything changes.
    CHECK(patch(bobs, bob, R"({"author": "bob"})").status == 400);
    CHECK(patch(bobs, bob, R"({"kind": "movie"})").status == 400);
    CHECK(patch(bobs, bob, R"({"add_tags": "x"})").status == 400);
    CHECK(patch(bobs, bob, R"({"title": 5})").status == 400);
    CHECK(lib.ok({"show", bobs}).at("title") == "Bob's");

    // The author edits their own; an admin edits anyone's.
    auto own = patch(bobs, bob, R"({"title": "Bob's, renamed", "kind": "training", "add_tags": ["x"]})");
    REQUIRE_MESSAGE(own.status == 200, own.body);
    CHECK(own.json().at("title") == "Bob's, renamed");
    CHECK(own.json().at("kind") == "training");
    auto by_admin = patch(anns, ann, R"({"description": "now described", "remove_tags": ["old"]})");
    REQUIRE(by_admin.status == 200);
    CHECK(lib.ok({"show", anns}).at("description") == "now described");
    CHECK(lib.ok({"show", anns}).at("tags").empty());

    // Delete: the admin removes bob's recording; it is gone for the CLI too.
    auto gone = remove(bobs, ann);
    REQUIRE(gone.status == 200);
    CHECK(gone.json().at("deleted").at("id") == bobs);
    CHECK(lib.run({"show", bobs}).exit_code != 0);
    CHECK(server.get("/api/v1/recordings/" + bobs, bob).status == 404);
    CHECK(remove(anns, ann).status == 200);
    CHECK(lib.ok({"list"}).empty());
}
