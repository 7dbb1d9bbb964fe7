// Uploads to the team server with the real binary: POST /recordings (whole body, streamed to disk)
// and resumable tus uploads, each refusal checked for its status AND for a library left as it was
// (no row, no media, no temporary file).
#include <sys/stat.h>
#include <utime.h>

#include <doctest/doctest.h>

#include <thread>

#include "tests/serve_support.hpp"

using nlohmann::json;
using namespace wt::test;
namespace fs = std::filesystem;

namespace {

// The files in a library folder (empty when it does not exist).
std::vector<std::string> files_in(const fs::path& dir) {
    std::vector<std::string> out;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(dir, ec)) out.push_back(e.path().filename().string());
    std::sort(out.begin(), out.end());
    return out;
}

// Nothing of an upload is left: no row, no media, nothing in uploads/ (waiting a little for the
// server to notice a client gone).
void check_nothing_left(const CliLibrary& lib) {
    for (int i = 0; i < 100 && !files_in(lib.root() / "uploads").empty(); ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    CHECK(files_in(lib.root() / "uploads").empty());
    CHECK(files_in(lib.root() / "media").empty());
    CHECK(count_rows(lib, "SELECT count(*) FROM recordings") == 0);
}

// The request line and headers of a request whose body the test then sends (or not) by hand.
std::string request_head(const std::string& method, const std::string& path, const std::string& token,
                         const std::vector<std::string>& headers) {
    std::string out = method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + auth(token) + "\r\n";
    for (const auto& h : headers) out += h + "\r\n";
    return out + "\r\n";
}

std::string base64(const std::string& in) {
    static const char* k = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    size_t i = 0;
    for (; i + 2 < in.size(); i += 3) {
        const unsigned v = (unsigned char)in[i] << 16 | (unsigned char)in[i + 1] << 8 | (unsigned char)in[i + 2];
        out += {k[v >> 18], k[(v >> 12) & 63], k[(v >> 6) & 63], k[v & 63]};
    }
    if (i + 1 == in.size()) {
        const unsigned v = (unsigned char)in[i] << 16;
        out += {k[v >> 18], k[(v >> 12) & 63], '=', '='};
    } else if (i + 2 == in.size()) {
        const unsigned v = (unsigned char)in[i] << 16 | (unsigned char)in[i + 1] << 8;
        out += {k[v >> 18], k[(v >> 12) & 63], k[(v >> 6) & 63], '='};
    }
    return out;
}

const char* k_tus = "Tus-Resumable: 1.0.0";

// POST /uploads: the new upload's path (from its Location).
std::string create_upload(const Served& server, const std::string& token, std::int64_t length,
                          const std::string& title = "Resumed") {
    auto made =
        server.call({"POST",
                     "/api/v1/uploads",
                     {auth(token), k_tus, "Upload-Length: " + std::to_string(length),
                      "Upload-Metadata: filename " + base64("screen.mp4") + ",title " + base64(title) + ",kind " +
                          base64("training") + ",tag " + base64("a,b") + ",filetype " + base64("video/mp4")},
                     std::nullopt});
    REQUIRE_MESSAGE(made.status == 201, made.body);
    CHECK(made.header("tus-resumable") == "1.0.0");
    const std::string location = made.header("location");
    REQUIRE(location.starts_with(server.url + "/api/v1/uploads/"));
    return location.substr(server.url.size());
}

Http patch(const Served& server, const std::string& token, const std::string& path, std::int64_t offset,
           const std::string& bytes) {
    return server.call({"PATCH",
                        path,
                        {auth(token), k_tus, "Content-Type: application/offset+octet-stream",
                         "Upload-Offset: " + std::to_string(offset)},
                        bytes});
}

Http head(const Served& server, const std::string& token, const std::string& path) {
    return server.call({"HEAD", path, {auth(token), k_tus}, std::nullopt});
}

// The offset HEAD reports once it reaches `want` (a server reading what a cut client sent).
std::int64_t offset_reaching(const Served& server, const std::string& token, const std::string& path,
                             std::int64_t want) {
    std::int64_t offset = -1;
    for (int i = 0; i < 100; ++i) {
        auto h = head(server, token, path);
        REQUIRE(h.status == 200);
        offset = std::stoll(h.header("upload-offset"));
        if (offset >= want) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return offset;
}

// Sends the head of a PATCH from offset 0 for all of `video`, then its first `sent` bytes only, on
// `client`'s connection; returns once the server has them.
void send_part_of_patch(RawClient& client, const Served& server, const std::string& token, const std::string& path,
                        const std::string& video, std::int64_t sent) {
    REQUIRE(client.send(request_head("PATCH", path, token,
                                     {k_tus, "Content-Type: application/offset+octet-stream", "Upload-Offset: 0",
                                      "Content-Length: " + std::to_string(video.size())})));
    REQUIRE(client.send(video.substr(0, static_cast<size_t>(sent))));
    REQUIRE(offset_reaching(server, token, path, sent) == sent);
}

}  // namespace

TEST_CASE("POST /recordings: the video as the body becomes the signed-in person's recording, byte for byte") {
    CliLibrary lib;
    const auto clip = make_clip(lib.dir.path, "screen.mp4", 2);
    const std::string video = read_file(clip);
    Served server(lib);
    const std::string token = server.sign_in("bob");

    auto made = post_video(server, token,
                           "?title=Expense%20report&kind=training&tag=finance&tag=howto&description=Step%201", video);
    REQUIRE_MESSAGE(made.status == 201, made.body);
    const json rec = made.json();
    CHECK(rec.at("title") == "Expense report");
    CHECK(rec.at("kind") == "training");
    CHECK(rec.at("author") == "bob");
    CHECK(rec.at("description") == "Step 1");
    CHECK(rec.at("tags") == json::array({"finance", "howto"}));
    CHECK(rec.at("size_bytes") == static_cast<std::int64_t>(video.size()));
    CHECK(rec.at("duration_ms").get<std::int64_t>() > 1500);
    const std::string id = rec.at("id");

    // The same shape as the CLI's, and the same file.
    json listed = lib.ok({"list"});
    REQUIRE(listed.size() == 1);
    CHECK(listed[0] == rec);
    auto media = server.get("/api/v1/recordings/" + id + "/media", token);
    REQUIRE(media.status == 200);
    CHECK(media.header("content-type") == "video/mp4");
    CHECK(media.body == video);
    CHECK(read_file(lib.root() / rec.at("media_path").get<std::string>()) == video);
    CHECK(server.get("/api/v1/recordings/" + id + "/thumbnail", token).status == 200);
    CHECK(files_in(lib.root() / "uploads").empty());

    // Without a title: a dated one, never the server's temporary name.
    auto untitled = post_video(server, token, "", video);
    REQUIRE(untitled.status == 201);
    CHECK_FALSE(contains(untitled.json().at("title").get<std::string>(), "post-"));
    CHECK(untitled.json().at("kind") == "walkthrough");

    // Bad details are refused before the body is read.
    auto bad_kind = post_video(server, token, "?kind=movie", video);
    CHECK(bad_kind.status == 400);
    CHECK(count_rows(lib, "SELECT count(*) FROM recordings") == 2);

    auto stopped = server.stop(std::chrono::milliseconds(5000));
    REQUIRE(stopped.has_value());
    CHECK(contains(server.log(), " bob POST /api/v1/recordings 201 "));
}

TEST_CASE("POST /recordings refusals leave the library as it was") {
    CliLibrary lib;
    Served server(lib);
    const std::string token = server.sign_in("bob");

    SUBCASE("a file that is not a video: 422 with the probe's message") {
        std::string text;
        for (int i = 0; i < 4000; ++i) text += "this is a text file, not a video\n";
        auto refused = post_video(server, token, "?title=notes", text);
        REQUIRE(refused.status == 422);
        CHECK(refused.json().at("error").at("code") == "bad_media");
        const std::string message = refused.json().at("error").at("message");
        CHECK_FALSE(message.empty());
        CHECK_FALSE(contains(message, lib.root().string()));  // no server paths
        CHECK_FALSE(contains(message, "uploads"));
        // A still image is no video either.
        const auto still = lib.dir / "still.png";
        ffmpeg({"-f", "lavfi", "-i", "color=c=red:s=64x64", "-frames:v", "1", still.string()});
        CHECK(post_video(server, token, "", read_file(still)).status == 422);
        check_nothing_left(lib);
    }
    SUBCASE("no credential, or a cookie without the CSRF header: refused before the body") {
        auto none = server.call({"POST", "/api/v1/recordings", {"Content-Type: video/mp4"}, std::string(1000, 'x')});
        CHECK(none.status == 401);
        check_nothing_left(lib);
    }
    SUBCASE("over the limit: 413 before the body is read, and when a chunked body grows past it") {
        lib.ok({"settings", "--max-upload", "64K"});
        CHECK(lib.ok({"settings"}).at("max_upload_bytes") == 65536);
        RawClient announced(server.url);
        REQUIRE(announced.send(request_head("POST", "/api/v1/recordings", token,
                                            {"Content-Type: video/mp4", "Content-Length: 10000000"})));
        // Not a byte of the body was sent: the answer comes anyway.
        const std::string answer = announced.receive(std::chrono::milliseconds(3000), 4096);
        CHECK(answer.starts_with("HTTP/1.1 413"));
        CHECK(contains(answer, "too_large"));
        CHECK(contains(answer, "65536"));

        RawClient chunked(server.url);
        REQUIRE(chunked.send(request_head("POST", "/api/v1/recordings", token,
                                          {"Content-Type: video/mp4", "Transfer-Encoding: chunked"})));
        const std::string piece(16 * 1024, 'v');
        for (int i = 0; i < 8; ++i) REQUIRE(chunked.send("4000\r\n" + piece + "\r\n"));
        REQUIRE(chunked.send("0\r\n\r\n"));
        CHECK(chunked.receive(std::chrono::milliseconds(3000), 4096).starts_with("HTTP/1.1 413"));

        // tus says the same when the upload is made.
        auto made =
            server.call({"POST", "/api/v1/uploads", {auth(token), k_tus, "Upload-Length: 65537"}, std::nullopt});
        CHECK(made.status == 413);
        check_nothing_left(lib);
    }
    SUBCASE("a client that cuts the connection halfway: nothing imported, the temporary file removed") {
        const std::string video = read_file(make_clip(lib.dir.path, "clip.mp4", 2));
        {
            RawClient cut(server.url);
            REQUIRE(
                cut.send(request_head("POST", "/api/v1/recordings?title=cut", token,
                                      {"Content-Type: video/mp4", "Content-Length: " + std::to_string(video.size())})));
            REQUIRE(cut.send(video.substr(0, video.size() / 2)));
            // The half that came is on disk (streamed, not held in memory) until the client goes.
            bool on_disk = false;
            for (int i = 0; i < 100 && !on_disk; ++i) {
                for (const auto& name : files_in(lib.root() / "uploads")) {
                    on_disk = on_disk || (name.starts_with("post-") &&
                                          fs::file_size(lib.root() / "uploads" / name) == video.size() / 2);
                }
                std::this_thread::sleep_for(std::chrono::milliseconds(20));
            }
            CHECK(on_disk);
        }
        check_nothing_left(lib);
        for (int i = 0; i < 50 && !contains(server.log(), "POST /api/v1/recordings - "); ++i) {
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        CHECK(contains(server.log(), " bob POST /api/v1/recordings - 0 "));
        CHECK(contains(server.log(), "(cut)"));
    }
}

TEST_CASE("tus: create, PATCH half and drop the connection, HEAD gives the offset, PATCH the rest -> recording") {
    CliLibrary lib;
    const std::string video = read_file(make_clip(lib.dir.path, "clip.mp4", 2));
    const auto size = static_cast<std::int64_t>(video.size());
    const std::int64_t half = size / 2;
    Served server(lib);
    const std::string bob = server.sign_in("bob");
    const std::string carol = server.sign_in("carol");

    // OPTIONS says what this server speaks; no CORS, even when asked from another site.
    auto options =
        server.call({"OPTIONS", "/api/v1/uploads", {auth(bob), "Origin: https://evil.example"}, std::nullopt});
    CHECK(options.status == 204);
    CHECK(options.header("tus-version") == "1.0.0");
    CHECK(options.header("tus-extension") == "creation");
    CHECK(options.header("tus-max-size") == std::to_string(std::int64_t{4} << 30));
    for (const auto& [name, value] : options.headers) CHECK_FALSE(name.starts_with("access-control-"));

    const std::string path = create_upload(server, bob, size);
    const std::string uid = path.substr(path.rfind('/') + 1);
    CHECK(uid.size() == 40);  // 160 random bits
    auto fresh = head(server, bob, path);
    CHECK(fresh.status == 200);
    CHECK(fresh.header("upload-offset") == "0");
    CHECK(fresh.header("upload-length") == std::to_string(size));
    CHECK(fresh.header("cache-control") == "no-store");
    CHECK(fresh.header("tus-resumable") == "1.0.0");

    // A PATCH cut halfway keeps what arrived.
    {
        RawClient cut(server.url);
        send_part_of_patch(cut, server, bob, path, video, half);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    CHECK(offset_reaching(server, bob, path, half) == half);
    CHECK(count_rows(lib, "SELECT count(*) FROM recordings") == 0);

    // Refusals, each leaving the offset where it was.
    auto wrong_offset = patch(server, bob, path, 0, video.substr(0, 10));
    CHECK(wrong_offset.status == 409);
    CHECK(wrong_offset.header("upload-offset") == std::to_string(half));
    auto no_version = server.call(
        {"PATCH",
         path,
         {auth(bob), "Content-Type: application/offset+octet-stream", "Upload-Offset: " + std::to_string(half)},
         video.substr(half, 10)});
    CHECK(no_version.status == 412);
    CHECK(no_version.header("tus-version") == "1.0.0");
    auto wrong_type = server.call(
        {"PATCH",
         path,
         {auth(bob), k_tus, "Content-Type: application/octet-stream", "Upload-Offset: " + std::to_string(half)},
         video.substr(half, 10)});
    CHECK(wrong_type.status == 415);
    CHECK(patch(server, bob, path, half, video.substr(half) + "extra").status == 413);
    // Another person's upload does not exist for them; an unknown or malformed id neither.
    CHECK(head(server, carol, path).status == 404);
    CHECK(patch(server, carol, path, half, video.substr(half)).status == 404);
    CHECK(head(server, bob, "/api/v1/uploads/" + std::string(40, '0')).status == 404);
    CHECK(head(server, bob, "/api/v1/uploads/..%2f..%2fcatalog.db").status == 404);
    CHECK(head(server, bob, "/api/v1/uploads/abc").status == 404);
    CHECK(server.call({"HEAD", path, {k_tus}, std::nullopt}).status == 401);
    CHECK(offset_reaching(server, bob, path, half) == half);

    // The rest completes it: imported as bob's, with the metadata's details.
    auto done = patch(server, bob, path, half, video.substr(half));
    REQUIRE_MESSAGE(done.status == 204, done.body);
    CHECK(done.header("upload-offset") == std::to_string(size));
    const std::string id = done.header("walkthrough-recording");
    REQUIRE_FALSE(id.empty());
    json shown = lib.ok({"show", id});
    CHECK(shown.at("title") == "Resumed");
    CHECK(shown.at("author") == "bob");
    CHECK(shown.at("kind") == "training");
    CHECK(shown.at("tags") == json::array({"a", "b"}));
    CHECK(server.get("/api/v1/recordings/" + id + "/media", bob).body == video);
    // Asking again (a client whose answer was lost) says it is complete, and imports nothing twice.
    auto after = head(server, bob, path);
    CHECK(after.header("upload-offset") == std::to_string(size));
    CHECK(after.header("walkthrough-recording") == id);
    CHECK(patch(server, bob, path, size, "").header("walkthrough-recording") == id);
    CHECK(count_rows(lib, "SELECT count(*) FROM recordings") == 1);
    CHECK(files_in(lib.root() / "uploads") == std::vector<std::string>{uid + ".json"});
}

TEST_CASE("tus: a PATCH left hanging (a closed tab, a lost network) is stopped by the owner's next PATCH only") {
    CliLibrary lib;
    const std::string video = read_file(make_clip(lib.dir.path, "clip.mp4", 2));
    const auto size = static_cast<std::int64_t>(video.size());
    const std::int64_t half = size / 2;
    Served server(lib);  // the client timeout is 15 s: without a takeover the upload is held that long
    const std::string bob = server.sign_in("bob");
    const std::string carol = server.sign_in("carol");
    const std::string path = create_upload(server, bob, size, "Taken over");

    // Half of a PATCH arrives, then nothing: the connection stays open, as after a network lost silently.
    RawClient hanging(server.url);
    send_part_of_patch(hanging, server, bob, path, video, half);

    // Someone else's PATCH does not reach the upload, so it stops nothing.
    CHECK(patch(server, carol, path, half, video.substr(half)).status == 404);
    CHECK_FALSE(hanging.closed_by_peer(std::chrono::milliseconds(300)));

    // The owner's PATCH: refused this once (the hanging one still holds the upload) and that one is cut.
    const auto asked = std::chrono::steady_clock::now();
    auto first = patch(server, bob, path, half, video.substr(half));
    CHECK(first.status == 409);
    CHECK(first.body.find("has been stopped") != std::string::npos);
    CHECK(hanging.closed_by_peer(std::chrono::milliseconds(2000)));

    // As a tus client retries: HEAD, then the rest from there (and the import), within the 15 s client
    // timeout that would otherwise have held the upload.
    Http done;
    for (int attempt = 0; attempt < 50; ++attempt) {
        const std::int64_t offset = offset_reaching(server, bob, path, half);
        CHECK(offset == half);  // what the hanging request delivered is kept
        done = patch(server, bob, path, offset, video.substr(static_cast<size_t>(offset)));
        if (done.status != 409) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    REQUIRE_MESSAGE(done.status == 204, done.body);
    CHECK(std::chrono::steady_clock::now() - asked < std::chrono::seconds(10));  // the client timeout: 15 s
    const std::string id = done.header("walkthrough-recording");
    REQUIRE_FALSE(id.empty());
    CHECK(server.get("/api/v1/recordings/" + id + "/media", bob).body == video);
    CHECK(lib.ok({"show", id}).at("title") == "Taken over");
    CHECK(count_rows(lib, "SELECT count(*) FROM recordings") == 1);
}

TEST_CASE("tus: the POST, HEAD and PATCH of one upload share one kept-alive connection") {
    CliLibrary lib;
    const std::string video = read_file(make_clip(lib.dir.path, "clip.mp4", 1));
    Served server(lib);
    const std::string bob = server.sign_in("bob");
    auto lower = [](std::string text) {
        for (auto& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        return text;
    };
    RawClient one(server.url);
    REQUIRE(one.send(request_head("POST", "/api/v1/uploads", bob,
                                  {k_tus, "Upload-Length: " + std::to_string(video.size()), "Content-Length: 0"})));
    const std::string made = lower(one.receive(std::chrono::milliseconds(500)));
    REQUIRE_MESSAGE(made.starts_with("http/1.1 201"), made);
    CHECK_FALSE(contains(made, "connection: close"));
    const auto at = made.find("location: " + server.url);
    REQUIRE(at != std::string::npos);
    const std::string path =
        made.substr(at + 10 + server.url.size(), made.find("\r\n", at) - at - 10 - server.url.size());

    REQUIRE(one.send(request_head("HEAD", path, bob, {k_tus})));
    const std::string where = lower(one.receive(std::chrono::milliseconds(500)));
    REQUIRE_MESSAGE(where.starts_with("http/1.1 200"), where);
    CHECK(contains(where, "upload-offset: 0\r\n"));
    CHECK_FALSE(contains(where, "connection: close"));

    REQUIRE(one.send(request_head("PATCH", path, bob,
                                  {k_tus, "Content-Type: application/offset+octet-stream", "Upload-Offset: 0",
                                   "Content-Length: " + std::to_string(video.size())}) +
                     video));
    const std::string done = lower(one.receive(std::chrono::milliseconds(1000)));
    REQUIRE_MESSAGE(done.starts_with("http/1.1 204"), done);
    CHECK(contains(done, "upload-offset: " + std::to_string(video.size())));
    CHECK(count_rows(lib, "SELECT count(*) FROM recordings") == 1);
    CHECK_FALSE(one.closed_by_peer(std::chrono::milliseconds(100)));
}

TEST_CASE("tus: a damaged complete upload is refused with 422 and removed; a cookie needs the CSRF header") {
    CliLibrary lib;
    Served server(lib);
    const std::string bob = server.sign_in("bob");
    const std::string junk(5000, 'j');
    const std::string path = create_upload(server, bob, static_cast<std::int64_t>(junk.size()));
    CHECK(patch(server, bob, path, 0, junk.substr(0, 1000)).status == 204);
    auto refused = patch(server, bob, path, 1000, junk.substr(1000));
    CHECK(refused.status == 422);
    CHECK(refused.json().at("error").at("code") == "bad_media");
    CHECK(contains(refused.json().at("error").at("message").get<std::string>(), "screen.mp4"));
    CHECK(head(server, bob, path).status == 404);
    check_nothing_left(lib);

    // The cookie alone cannot start an upload (a cross-site form could send it).
    auto signed_in = server.post("/api/v1/session", "", json{{"invite", server.invite_code("dana")}}.dump());
    const std::string cookie = signed_in.header("set-cookie").substr(0, signed_in.header("set-cookie").find(';'));
    auto csrf =
        server.call({"POST", "/api/v1/uploads", {"Cookie: " + cookie, k_tus, "Upload-Length: 10"}, std::nullopt});
    CHECK(csrf.status == 403);
    auto with_header = server.call({"POST",
                                    "/api/v1/uploads",
                                    {"Cookie: " + cookie, k_tus, "Upload-Length: 10", "X-Walkthrough-CSRF: 1"},
                                    std::nullopt});
    CHECK(with_header.status == 201);
    CHECK(files_in(lib.root() / "uploads").size() == 2);  // that one's part and state only
}

TEST_CASE("stale partial uploads are removed when the server starts") {
    CliLibrary lib;
    std::string stale_path, fresh_path, token;
    {
        Served server(lib);
        token = server.sign_in("bob");
        stale_path = create_upload(server, token, 1000);
        fresh_path = create_upload(server, token, 1000);
        CHECK(patch(server, token, stale_path, 0, std::string(100, 's')).status == 204);
        CHECK(patch(server, token, fresh_path, 0, std::string(100, 'f')).status == 204);
        REQUIRE(server.stop(std::chrono::milliseconds(5000)) == 0);
    }
    // Untouched for two days: the stale upload's files and a POST body a killed server left.
    const auto uploads = lib.root() / "uploads";
    write_file(uploads / "post-0123456789abcdef0123456789abcdef01234567.part", "half a video");
    const std::string stale_uid = stale_path.substr(stale_path.rfind('/') + 1);
    const time_t two_days_ago = ::time(nullptr) - 2 * 24 * 3600;
    const utimbuf old{two_days_ago, two_days_ago};
    for (const auto& name : {stale_uid + ".part", stale_uid + ".json",
                             std::string("post-0123456789abcdef0123456789abcdef01234567.part")}) {
        REQUIRE(::utime((uploads / name).c_str(), &old) == 0);
    }
    REQUIRE(files_in(uploads).size() == 5);

    Served again(lib);
    for (int i = 0; i < 100 && files_in(uploads).size() != 2; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    const std::string fresh_uid = fresh_path.substr(fresh_path.rfind('/') + 1);
    CHECK(files_in(uploads) == std::vector<std::string>{fresh_uid + ".json", fresh_uid + ".part"});
    CHECK(head(again, token, stale_path).status == 404);
    CHECK(head(again, token, fresh_path).header("upload-offset") == "100");
    for (int i = 0; i < 100 && !contains(again.log(), "abandoned uploads"); ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    CHECK(contains(again.log(), "removed 3 file(s) of abandoned uploads"));
}

TEST_CASE("SIGTERM during uploads: exit 0 within 5 s, nothing half-imported, a tus part kept for resuming") {
    CliLibrary lib;
    const std::string video = read_file(make_clip(lib.dir.path, "clip.mp4", 2));
    const auto size = static_cast<std::int64_t>(video.size());
    std::string path, token;
    {
        Served server(lib);
        token = server.sign_in("bob");
        path = create_upload(server, token, size);

        RawClient whole(server.url);
        REQUIRE(whole.send(request_head("POST", "/api/v1/recordings", token,
                                        {"Content-Type: video/mp4", "Content-Length: " + std::to_string(size)})));
        REQUIRE(whole.send(video.substr(0, 1000)));
        RawClient resumable(server.url);
        REQUIRE(resumable.send(request_head("PATCH", path, token,
                                            {k_tus, "Content-Type: application/offset+octet-stream", "Upload-Offset: 0",
                                             "Content-Length: " + std::to_string(size)})));
        REQUIRE(resumable.send(video.substr(0, 1000)));
        CHECK(offset_reaching(server, token, path, 1000) == 1000);

        std::chrono::milliseconds took{};
        auto exit_code = server.stop(std::chrono::milliseconds(5000), &took);
        REQUIRE_MESSAGE(exit_code.has_value(), "serve did not exit within 5 s of SIGTERM");
        CHECK(*exit_code == 0);
        CHECK(took < std::chrono::milliseconds(5000));
        CHECK(whole.closed_by_peer(std::chrono::milliseconds(2000)));
        CHECK(resumable.closed_by_peer(std::chrono::milliseconds(2000)));
    }
    // Nothing half-imported; the POST's body is gone, the tus part stays with what arrived.
    CHECK(count_rows(lib, "SELECT count(*) FROM recordings") == 0);
    CHECK(files_in(lib.root() / "media").empty());
    CHECK(lib.ok({"list"}).empty());
    const std::string uid = path.substr(path.rfind('/') + 1);
    CHECK(files_in(lib.root() / "uploads") == std::vector<std::string>{uid + ".json", uid + ".part"});

    // The next start goes on from there.
    Served again(lib);
    CHECK(head(again, token, path).header("upload-offset") == "1000");
    auto done = patch(again, token, path, 1000, video.substr(1000));
    REQUIRE_MESSAGE(done.status == 204, done.body);
    CHECK(again.get("/api/v1/recordings/" + done.header("walkthrough-recording") + "/media", token).body == video);
}
