// DESIGN.md §7 "catalog locked by another process": a second process holds the write lock;
// writers wait briefly, then fail with exit 5 and a clear message; readers keep working; nothing
// is half-written, and the same command succeeds once the lock is gone.
#include <doctest/doctest.h>

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "tests/lock_holder.hpp"
#include "tests/support.hpp"

namespace fs = std::filesystem;
using nlohmann::json;
using namespace wt::test;

namespace {

using Library = CliLibrary;

// Runs a command and returns how long it took, in seconds.
double timed(const Library& lib, const std::vector<std::string>& args, RunResult& out) {
    const auto start = std::chrono::steady_clock::now();
    out = lib.run(args);
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

void check_busy(const RunResult& r, double seconds) {
    INFO("exit " << r.exit_code << " after " << seconds << " s, stderr: " << r.err);
    CHECK(r.exit_code == 5);
    CHECK(contains(r.err, "busy"));
    CHECK(contains(r.err, "try again"));
    CHECK(seconds >= 2.0);  // waited for the lock (busy timeout) rather than failing at once
    CHECK(seconds < 6.0);   // and gave up before the other process let go
}

// Reads the catalog directly, bypassing walkthrough: the first column of the first row, as text.
std::string query_text(const fs::path& db_path, const char* sql) {
    sqlite3* db = nullptr;
    std::string out;
    if (sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
        sqlite3_stmt* st = nullptr;
        if (sqlite3_prepare_v2(db, sql, -1, &st, nullptr) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW) {
            const unsigned char* text = sqlite3_column_text(st, 0);
            out = text ? reinterpret_cast<const char*>(text) : "";
        }
        sqlite3_finalize(st);
    }
    sqlite3_close(db);
    return out;
}

}  // namespace

TEST_CASE("a comment while another process holds the catalog: busy, then fine on retry") {
    Library lib;
    const auto clip = make_clip(lib.dir.path, "clip.mp4", 2, "160x120", false);
    const std::string id = lib.ok({"import", clip.string(), "--title", "Locked out"}).at("id");
    const fs::path db = lib.root() / "catalog.db";

    {
        LockHolder holder(db, 6);
        // In WAL mode readers are not blocked by a writer.
        auto read = lib.run({"--json", "list"});
        CHECK(read.exit_code == 0);
        if (read.exit_code == 0) CHECK(read.json().size() == 1);

        RunResult r;
        const double took = timed(lib, {"comment", id, "written while locked"}, r);
        check_busy(r, took);
        CHECK(holder.wait() == 0);  // the child held the lock the whole time
    }

    json listed = lib.ok({"list"});
    REQUIRE(listed.size() == 1);
    CHECK(listed[0].at("id") == id);
    CHECK(listed[0].at("comment_count") == 0);
    CHECK(lib.ok({"comments", id}).empty());
    CHECK(query_text(db, "SELECT count(*) FROM settings WHERE key = 'lock_test'") == "0");
    CHECK(query_text(db, "PRAGMA integrity_check") == "ok");

    json c = lib.ok({"comment", id, "written after the lock"});
    CHECK(c.at("body") == "written after the lock");
    json all = lib.ok({"comments", id});
    REQUIRE(all.size() == 1);
    CHECK(all[0].at("body") == "written after the lock");
}

TEST_CASE("an import while another process holds the catalog leaves no files behind") {
    Library lib;
    const auto clip = make_clip(lib.dir.path, "clip.mp4", 2, "160x120", false);
    const std::string id = lib.ok({"import", clip.string(), "--title", "Already here"}).at("id");
    const auto files_before = lib.media_files();

    {
        LockHolder holder(lib.root() / "catalog.db", 6);
        RunResult r;
        const double took = timed(lib, {"import", clip.string(), "--title", "Second"}, r);
        check_busy(r, took);
        CHECK(lib.media_files() == files_before);  // no copied media, thumbnail or .part left
        CHECK(holder.wait() == 0);
    }

    json listed = lib.ok({"list"});
    REQUIRE(listed.size() == 1);
    CHECK(listed[0].at("id") == id);
    CHECK(lib.media_files() == files_before);
    json again = lib.ok({"import", clip.string(), "--title", "Second"});
    CHECK(again.at("title") == "Second");
    CHECK(lib.ok({"list"}).size() == 2);
}

TEST_CASE("several processes acting as the same new person at once all succeed, and make one person") {
    Library lib;
    lib.ok({"people"});  // the library exists
    std::vector<pid_t> pids;
    const std::string bin = binary_path(), root = lib.root().string();
    for (int i = 0; i < 6; ++i) {
        std::vector<std::string> args{bin, "--library", root, "--as", "newcomer", "people"};
        std::vector<char*> argv;
        for (auto& a : args) argv.push_back(a.data());
        argv.push_back(nullptr);
        posix_spawn_file_actions_t quiet;
        posix_spawn_file_actions_init(&quiet);
        posix_spawn_file_actions_addopen(&quiet, 1, "/dev/null", O_WRONLY, 0);
        pid_t pid = 0;
        REQUIRE(posix_spawn(&pid, bin.c_str(), &quiet, nullptr, argv.data(), environ) == 0);
        posix_spawn_file_actions_destroy(&quiet);
        pids.push_back(pid);
    }
    for (pid_t pid : pids) {
        int status = 0;
        REQUIRE(waitpid(pid, &status, 0) == pid);
        CHECK(WIFEXITED(status));
        CHECK(WEXITSTATUS(status) == 0);
    }
    int newcomers = 0;
    for (const auto& p : lib.ok({"people"})) newcomers += p.at("name") == "newcomer";
    CHECK(newcomers == 1);
}
