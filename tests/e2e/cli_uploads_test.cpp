// Sending recordings to a team library: `publish ID --to team` from a local library, the outbox
// (`uploads`), and that nothing is lost when things fail: the sending process killed with SIGKILL
// mid-upload, the server stopped mid-upload and started again, the server down when publishing.
// Each time the next `uploads --send` goes on from the bytes the server had kept (tus HEAD), which
// the test reads from the server's own upload file. And `record --library team`: made on this
// computer, then sent; a kill -9 while recording and a server that is down only delay it.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <doctest/doctest.h>

#include <thread>

#include "tests/record_support.hpp"
#include "tests/serve_support.hpp"

extern char** environ;

using nlohmann::json;
using namespace wt::test;
namespace fs = std::filesystem;

namespace {

// `walkthrough ARGS` started in the background with the laptop's environment; killed by PID.
struct Background {
    pid_t pid = -1;
    Background(const Laptop& laptop, const std::vector<std::string>& args, const fs::path& log) {
        std::vector<std::string> env_strings;
        for (char** e = environ; *e; ++e) {
            std::string kv = *e;
            if (kv.rfind("WALKTHROUGH_", 0) != 0 && kv.rfind("XDG_", 0) != 0) env_strings.push_back(kv);
        }
        for (const auto& [k, v] : laptop.env()) env_strings.push_back(k + "=" + v);
        std::vector<std::string> argv{binary_path()};
        argv.insert(argv.end(), args.begin(), args.end());
        std::vector<char*> envp, cargs;
        for (auto& s : env_strings) envp.push_back(s.data());
        envp.push_back(nullptr);
        for (auto& s : argv) cargs.push_back(s.data());
        cargs.push_back(nullptr);
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
        posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        posix_spawn_file_actions_addopen(&actions, 2, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
        REQUIRE(posix_spawn(&pid, cargs[0], &actions, nullptr, cargs.data(), envp.data()) == 0);
        posix_spawn_file_actions_destroy(&actions);
    }
    // The exit status once it ends (waiting up to `limit`), or -1.
    int wait(std::chrono::milliseconds limit) {
        const auto until = std::chrono::steady_clock::now() + limit;
        while (pid > 0 && std::chrono::steady_clock::now() < until) {
            int status = 0;
            if (waitpid(pid, &status, WNOHANG) == pid) {
                pid = -1;
                return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        return -1;
    }
    void kill9() {
        REQUIRE(pid > 0);
        ::kill(pid, SIGKILL);
        waitpid(pid, nullptr, 0);
        pid = -1;
    }
    ~Background() {
        if (pid > 0) kill9();
    }
};

// The bytes the server holds of the upload in progress (its <library>/uploads/<uid>.part).
std::int64_t server_part_bytes(const CliLibrary& lib) {
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(lib.root() / "uploads", ec)) {
        if (e.path().extension() == ".part" && e.path().filename().string().find("post-") != 0) {
            return static_cast<std::int64_t>(e.file_size(ec));
        }
    }
    return -1;
}

int server_uploads(const CliLibrary& lib) {
    int n = 0;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(lib.root() / "uploads", ec)) n += e.path().extension() == ".json";
    return n;
}

// Waits until the server holds some but not all of the upload.
std::int64_t wait_for_part(const CliLibrary& lib, std::int64_t total) {
    for (int i = 0; i < 500; ++i) {
        const auto got = server_part_bytes(lib);
        if (got > 0 && got < total) return got;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    FAIL("the server never held part of the upload");
    return -1;
}

int port_of(const std::string& url) { return std::stoi(url.substr(url.rfind(':') + 1)); }

// The server's library with ann (its admin); bob's laptop with his own library (a recording with
// details and chapters) connected to the server as "team".
struct Setup {
    CliLibrary server_lib;
    CliLibrary mine;
    Laptop laptop;
    std::unique_ptr<Served> server;
    std::string local_id;
    std::int64_t size = 0;
    Setup() {
        server_lib.ok({"people", "add", "ann"});
        server = std::make_unique<Served>(server_lib);
        laptop.ok({"connect", server->url, server->invite_code("bob"), "--name", "team"});
        const auto clip = make_clip(mine.dir.path, "clip.mp4", 4, "320x240", true);
        auto rec = mine.ok({"import", clip.string(), "--title", "Month-end close", "--kind", "training", "--tag",
                            "finance", "--tag", "close", "--description", "Step by step"});
        local_id = rec.at("id");
        size = rec.at("size_bytes");
        mine.ok({"chapter", local_id, "--at", "0:01", "Open the ledger"});
        mine.ok({"chapter", local_id, "--at", "0:02.5", "Post it"});
    }
    std::vector<std::string> on_mine(std::vector<std::string> args) const {
        args.insert(args.begin(), {"--library", mine.root().string()});
        return args;
    }
    // Starts the server again on its port, over the same library.
    void restart() {
        const std::string url = server->url;
        server.reset();
        server = std::make_unique<Served>(server_lib, std::vector<std::string>{},
                                          "127.0.0.1:" + std::to_string(port_of(url)));
        REQUIRE(server->url == url);
    }
    // What the server has of the published recording, with its details and chapters.
    void check_published(const json& entry) const {
        CHECK(entry.at("state") == "published");
        const std::string id = entry.at("recording_id");
        auto there = server_lib.ok({"show", id});
        CHECK(there.at("title") == "Month-end close");
        CHECK(there.at("kind") == "training");
        CHECK(there.at("author") == "bob");
        CHECK(there.at("description") == "Step by step");
        CHECK(there.at("tags") == json::array({"close", "finance"}));
        CHECK(there.at("size_bytes") == size);
        CHECK(there.at("duration_ms").get<std::int64_t>() > 3500);
        auto chapters = server_lib.ok({"chapters", id});
        REQUIRE(chapters.size() == 2);
        CHECK(chapters[0].at("at_ms") == 1000);
        CHECK(chapters[0].at("title") == "Open the ledger");
        CHECK(chapters[1].at("at_ms") == 2500);
        // The outbox's copy is gone; the local library keeps its own.
        CHECK_FALSE(fs::exists(laptop.home / "data" / "walkthrough-remote" / "outbox" /
                               entry.at("id").get<std::string>() / "video"));
        CHECK(mine.ok({"show", local_id}).at("title") == "Month-end close");
    }
};

}  // namespace

TEST_CASE("publish sends a recording with its details and chapters; uploads lists the outbox") {
    Setup s;
    CHECK(s.laptop.ok({"uploads"}).empty());
    auto sent = s.laptop.ok(s.on_mine({"publish", s.local_id, "--to", "team"}));
    s.check_published(sent);
    CHECK(sent.at("resumed_from") == 0);
    auto listed = s.laptop.ok({"uploads"});
    REQUIRE(listed.size() == 1);
    CHECK(listed[0].at("state") == "published");
    CHECK(listed[0].at("recording_id") == sent.at("recording_id"));
    auto human = s.laptop.run({"uploads"});
    CHECK(contains(human.out, "published as " + sent.at("recording_id").get<std::string>()));
    // Sending again sends nothing twice.
    s.laptop.ok({"uploads", "--send"});
    CHECK(s.server_lib.ok({"list"}).size() == 1);
    // Refusals: no such connection, a team library as the source.
    auto none = s.laptop.run(s.on_mine({"publish", s.local_id, "--to", "nowhere"}));
    CHECK(none.exit_code == 3);
    CHECK(contains(none.err, "walkthrough connect"));
    CHECK(s.laptop.run({"--library", "team", "publish", sent.at("recording_id"), "--to", "team"}).exit_code == 2);
}

TEST_CASE("kill -9 of the sender mid-upload: the next send goes on from the server's bytes") {
    Setup s;
    auto queued = s.laptop.ok(s.on_mine({"publish", s.local_id, "--to", "team", "--later"}));
    CHECK(queued.at("state") == "waiting");
    const std::string rate = std::to_string(std::max<std::int64_t>(s.size / 4, 10000));  // about 4 s
    Background sender(s.laptop, {"uploads", "--send", "--limit-rate", rate}, s.laptop.home / "sender.log");
    wait_for_part(s.server_lib, s.size);
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    sender.kill9();
    std::this_thread::sleep_for(std::chrono::milliseconds(300));  // the server sees the connection go
    const std::int64_t kept = server_part_bytes(s.server_lib);
    REQUIRE(kept > 0);
    REQUIRE(kept < s.size);
    auto stalled = s.laptop.ok({"uploads"});
    REQUIRE(stalled.size() == 1);
    CHECK(stalled[0].at("state") == "sending");  // as the killed process left it

    auto done = s.laptop.ok({"uploads", "--send"});
    REQUIRE(done.size() == 1);
    CHECK(done[0].at("resumed_from") == kept);
    s.check_published(done[0]);
    CHECK(server_uploads(s.server_lib) == 1);  // the same upload, not a second one
}

TEST_CASE("kill -9 of the sender mid-upload: the next command of any kind resumes it in the background") {
    Setup s;
    s.laptop.ok(s.on_mine({"publish", s.local_id, "--to", "team", "--later"}));
    const std::string rate = std::to_string(std::max<std::int64_t>(s.size / 4, 10000));
    Background sender(s.laptop, {"uploads", "--send", "--limit-rate", rate}, s.laptop.home / "sender.log");
    wait_for_part(s.server_lib, s.size);
    sender.kill9();
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    const std::int64_t kept = server_part_bytes(s.server_lib);
    REQUIRE(kept > 0);
    // Any command: here, listing the connections.
    s.laptop.ok({"connections"});
    json entry;
    for (int i = 0; i < 300; ++i) {
        entry = s.laptop.ok({"uploads"}).at(0);
        if (entry.at("state") == "published") break;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    INFO(read_file(s.laptop.home / "data" / "walkthrough-remote" / "outbox" / "sender.log"));
    CHECK(entry.at("resumed_from") == kept);
    s.check_published(entry);
}

TEST_CASE("the server stopped mid-upload and started again: the upload completes from where it stopped") {
    Setup s;
    s.laptop.ok(s.on_mine({"publish", s.local_id, "--to", "team", "--later"}));
    // About 8 s: well past the 2 s a stopping server gives requests in progress.
    const std::string rate = std::to_string(std::max<std::int64_t>(s.size / 8, 10000));
    Background sender(s.laptop, {"uploads", "--send", "--limit-rate", rate}, s.laptop.home / "sender.log");
    wait_for_part(s.server_lib, s.size);
    REQUIRE(s.server->stop(std::chrono::milliseconds(5000)) == 0);
    CHECK(sender.wait(std::chrono::milliseconds(20000)) == 8);  // unreachable
    CHECK(contains(read_file(s.laptop.home / "sender.log"), "cannot reach the team server 'team'"));
    const std::int64_t kept = server_part_bytes(s.server_lib);
    REQUIRE(kept > 0);
    REQUIRE(kept < s.size);
    auto waiting = s.laptop.ok({"uploads"});
    REQUIRE(waiting.size() == 1);
    CHECK(waiting[0].at("state") == "waiting");
    CHECK(contains(waiting[0].at("last_error").get<std::string>(), "cannot reach"));
    CHECK(s.server_lib.ok({"list"}).empty());

    s.restart();
    auto done = s.laptop.ok({"uploads", "--send"});
    REQUIRE(done.size() == 1);
    CHECK(done[0].at("resumed_from") == kept);
    s.check_published(done[0]);
}

TEST_CASE("publishing while the server is down: the recording waits in the outbox and is sent later") {
    Setup s;
    const int port = port_of(s.server->url);
    REQUIRE(s.server->stop(std::chrono::milliseconds(5000)) == 0);
    auto waiting = s.laptop.ok(s.on_mine({"publish", s.local_id, "--to", "team"}));
    CHECK(waiting.at("state") == "waiting");
    CHECK(waiting.at("sent_bytes") == 0);
    auto human = s.laptop.run({"uploads"});
    CHECK(contains(human.out, "Month-end close"));
    CHECK(contains(human.out, "cannot reach"));
    // The local recording may even go: the outbox has its own copy.
    s.mine.ok({"delete", s.local_id});
    auto again = s.laptop.run({"uploads", "--send"});
    CHECK(again.exit_code == 8);

    s.server = std::make_unique<Served>(s.server_lib, std::vector<std::string>{},
                                        "127.0.0.1:" + std::to_string(port));
    auto done = s.laptop.ok({"uploads", "--send"});
    REQUIRE(done.size() == 1);
    CHECK(done[0].at("state") == "published");
    CHECK(s.server_lib.ok({"show", done[0].at("recording_id")}).at("title") == "Month-end close");
    CHECK(s.server_lib.ok({"chapters", done[0].at("recording_id")}).size() == 2);
}

namespace {

fs::path spool_of(const Laptop& laptop) { return laptop.home / "data" / "walkthrough-remote" / "spool" / "team"; }

// The server's recordings once one has this title, waiting up to 30 s (the sender is in the background).
json wait_for_title(const CliLibrary& server_lib, const std::string& title) {
    for (int i = 0; i < 300; ++i) {
        auto all = server_lib.ok({"list"});
        for (const auto& r : all)
            if (r.at("title") == title) return r;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    FAIL("the recording '" << title << "' never reached the server");
    return {};
}

}  // namespace

TEST_CASE("record on a team library: made here, then sent in the background with what was typed") {
    Setup s;
    auto r = s.laptop.ok({"--library", "team", "record", "--duration", "2", "--title", "Quarterly close", "--kind",
                          "training", "--tag", "finance", "--description", "From the laptop", "--video-input",
                          k_moving, "--audio-input", k_tone});
    CHECK(r.at("title") == "Quarterly close");
    CHECK(r.at("frames_dropped") == 0);
    REQUIRE(r.contains("upload"));
    CHECK(r.at("upload").at("server") == "team");
    // Nothing stays in the spool: the outbox has it.
    CHECK(s.laptop.ok({"uploads"}).size() == 1);

    const json there = wait_for_title(s.server_lib, "Quarterly close");
    CHECK(there.at("kind") == "training");
    CHECK(there.at("author") == "bob");
    CHECK(there.at("tags") == json::array({"finance"}));
    CHECK(s.server_lib.ok({"show", there.at("id")}).at("description") == "From the laptop");
    CHECK(there.at("duration_ms").get<std::int64_t>() >= 1800);
    CHECK(s.laptop.ok({"uploads"}).at(0).at("state") == "published");
    CHECK(with_extension(spool_of(s.laptop) / "media", ".mp4").empty());
}

TEST_CASE("record on a team library killed with SIGKILL: the next command recovers it and sends it") {
    Setup s;
    Background rec(s.laptop,
                   {"--library", "team", "record", "--title", "Cut short", "--tag", "ops", "--video-input",
                    k_moving, "--audio-input", k_tone},
                   s.laptop.home / "record.log");
    for (int i = 0; i < 200 && with_extension(spool_of(s.laptop) / "incoming", ".mkv").empty(); ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    REQUIRE(with_extension(spool_of(s.laptop) / "incoming", ".mkv").size() == 1);
    std::this_thread::sleep_for(std::chrono::seconds(4));
    rec.kill9();
    CHECK(s.laptop.ok({"uploads"}).size() == 1);  // recovered from the spool into the outbox
    CHECK(with_extension(spool_of(s.laptop) / "incoming", ".mkv").empty());
    // Any command starts the sender.
    s.laptop.ok({"connections"});
    const json there = wait_for_title(s.server_lib, "Cut short");
    CHECK(there.at("tags") == json::array({"ops"}));
    CHECK(there.at("author") == "bob");
    CHECK(there.at("duration_ms").get<std::int64_t>() >= 2000);  // 4 s recorded, at most 2 s lost
    CHECK(s.server_lib.ok({"list"}).size() == 1);                  // once
}

TEST_CASE("record on a team library with the server down: the recording is safe and sent later") {
    Setup s;
    const int port = port_of(s.server->url);
    REQUIRE(s.server->stop(std::chrono::milliseconds(5000)) == 0);
    auto r = s.laptop.ok({"--library", "team", "record", "--duration", "2", "--title", "Offline demo",
                          "--video-input", k_moving, "--audio-input", k_tone});
    CHECK(r.at("title") == "Offline demo");
    CHECK(r.at("upload").at("state") == "waiting");
    // The background sender tries and fails: it waits, with why.
    json entry;
    for (int i = 0; i < 100; ++i) {
        entry = s.laptop.ok({"uploads"}).at(0);
        if (entry.at("last_error").is_string()) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    CHECK(entry.at("state") == "waiting");
    REQUIRE(entry.at("last_error").is_string());
    CHECK(contains(entry.at("last_error").get<std::string>(), "cannot reach"));

    s.server = std::make_unique<Served>(s.server_lib, std::vector<std::string>{},
                                        "127.0.0.1:" + std::to_string(port));
    auto done = s.laptop.ok({"uploads", "--send"});
    REQUIRE(done.size() == 1);
    CHECK(done[0].at("state") == "published");
    auto there = s.server_lib.ok({"show", done[0].at("recording_id")});
    CHECK(there.at("title") == "Offline demo");
    CHECK(there.at("duration_ms").get<std::int64_t>() >= 1800);
}
