// The library's files: stored paths never lead outside media/, what export copies is the
// recording, files are created as the umask says, leftovers of killed imports are cleaned (never a
// running import's), delete works on a full disk, another program's catalog.db is refused, and a
// recording kept as Matroska gets its real duration.
#include <doctest/doctest.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include <fmt/format.h>

#include "catalog/schema.hpp"
#include "tests/capture_env.hpp"
#include "tests/fixture.hpp"

namespace fs = std::filesystem;
using nlohmann::json;
using namespace wt;
using namespace wt::test;

namespace {

// A library with one imported clip, driven through the binary.
struct OneRecording : CliLibrary {
    fs::path clip;
    json rec;
    OneRecording() {
        clip = make_clip(dir.path, "clip.mp4", 1, "160x120", false);
        rec = ok({"import", clip.string(), "--title", "Keep me"});
    }
    std::string id() const { return rec.at("id"); }
    fs::path media() const { return root() / rec.at("media_path").get<std::string>(); }
};

// Plain SQLite, as another program would write it (no WAL).
void sql_exec(const fs::path& db_file, const std::string& q) {
    sqlite3* raw = nullptr;
    REQUIRE(sqlite3_open_v2(db_file.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) == SQLITE_OK);
    sql::ConnectionPtr conn(raw);
    REQUIRE_MESSAGE(sqlite3_exec(raw, q.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK, sqlite3_errmsg(raw));
}

std::int64_t pragma(const fs::path& db_file, const std::string& name) {
    sqlite3* raw = nullptr;
    REQUIRE(sqlite3_open_v2(db_file.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
    sql::ConnectionPtr conn(raw);
    sqlite3_stmt* st = nullptr;
    REQUIRE(sqlite3_prepare_v2(raw, ("PRAGMA " + name).c_str(), -1, &st, nullptr) == SQLITE_OK);
    sql::StatementPtr stmt(st);
    REQUIRE(sqlite3_step(st) == SQLITE_ROW);
    return sqlite3_column_int64(st, 0);
}

mode_t mode_of(const fs::path& p) {
    struct stat st {};
    REQUIRE(::stat(p.c_str(), &st) == 0);
    return st.st_mode & 07777;
}

// A pid no process has: a child that has exited and been reaped.
pid_t dead_pid() {
    pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) ::_exit(0);
    int status = 0;
    ::waitpid(pid, &status, 0);
    return pid;
}

struct UmaskScope {
    mode_t old;
    explicit UmaskScope(mode_t m) : old(::umask(m)) {}
    ~UmaskScope() { ::umask(old); }
};

json check_named(const json& doctor, const std::string& name) {
    for (const auto& c : doctor.at("checks"))
        if (c.at("check") == name) return c;
    FAIL("doctor has no check '" << name << "': " << doctor.dump());
    return {};
}

}  // namespace

// ---- stored paths (issue 10 §5a) ----

TEST_CASE("delete never removes a file outside media/ that a row names, and export refuses it") {
    OneRecording lib;
    const fs::path elsewhere = lib.dir / "elsewhere";
    fs::create_directories(elsewhere);
    write_file(elsewhere / "file", "somebody's precious file");
    write_file(elsewhere / "thumb.jpg", "somebody's picture");
    sql_exec(lib.root() / "catalog.db",
             fmt::format("UPDATE recordings SET media_path = '../elsewhere/file', thumbnail_path = '{}' "
                         "WHERE id = '{}'",
                         (elsewhere / "thumb.jpg").string(), lib.id()));

    const fs::path out = lib.dir / "out";
    fs::create_directories(out);
    auto exported = lib.run({"export", lib.id(), out.string()});
    CHECK(exported.exit_code != 0);
    CHECK(contains(exported.err, "../elsewhere/file"));
    CHECK(contains(exported.err, "not a file in the library's media folder"));
    CHECK(fs::is_empty(out));

    auto shown = lib.ok({"show", lib.id()});  // the file shown is never one outside the library
    CHECK(shown.at("media_file") == "");

    auto deleted = lib.run({"delete", lib.id()});
    INFO(deleted.err);
    CHECK(deleted.exit_code == 0);
    CHECK(read_file(elsewhere / "file") == "somebody's precious file");
    CHECK(read_file(elsewhere / "thumb.jpg") == "somebody's picture");
    CHECK(lib.ok({"list"}).empty());
}

TEST_CASE("export copies only the recording: not a symbolic link in its place, not a file of another size") {
    OneRecording lib;
    const fs::path out = lib.dir / "out";
    fs::create_directories(out);
    const fs::path saved = lib.dir / "saved.mp4";
    fs::rename(lib.media(), saved);

    fs::create_symlink("/etc/passwd", lib.media());
    auto linked = lib.run({"export", lib.id(), out.string()});
    CHECK(linked.exit_code != 0);
    CHECK(contains(linked.err, "symbolic link"));
    CHECK(contains(linked.err, "nothing was exported"));
    CHECK(fs::is_empty(out));
    fs::remove(lib.media());

    write_file(lib.media(), "not the video at all");
    auto replaced = lib.run({"export", lib.id(), out.string()});
    CHECK(replaced.exit_code != 0);
    CHECK(contains(replaced.err, fmt::format("where the catalog says {}", lib.rec.at("size_bytes").get<long>())));
    CHECK(fs::is_empty(out));

    fs::remove(lib.media());
    fs::rename(saved, lib.media());
    auto good = lib.ok({"export", lib.id(), out.string()});
    CHECK(read_file(good.at("media").get<std::string>()) == read_file(lib.media()));
}

TEST_CASE("absolute() turns only names under media/ into files") {
    LibraryFixture f;
    auto lib = f.open_as("ann");
    CHECK(lib->absolute("media/abc.mp4") == f.dir / "media" / "abc.mp4");
    for (const char* bad : {"../x.mp4", "media/../../x", "media/sub/x.mp4", "/etc/passwd", "media/", "media/..",
                            "incoming/x.mkv", "x.mp4"}) {
        CAPTURE(bad);
        CHECK(lib->absolute(bad).empty());
    }
    CHECK(lib->absolute("").empty());
}

// ---- permissions (§5b) ----

TEST_CASE("imports and exports are created as the umask says, like recordings") {
    for (mode_t mask : {mode_t{022}, mode_t{002}}) {
        CAPTURE(mask);
        UmaskScope scope(mask);
        OneRecording lib;
        const mode_t expected = 0666 & ~mask;
        CHECK(mode_of(lib.media()) == expected);
        CHECK(mode_of(lib.root() / lib.rec.at("thumbnail_path").get<std::string>()) == expected);
        auto out = lib.ok({"export", lib.id(), lib.dir.path.string()});
        CHECK(mode_of(out.at("media").get<std::string>()) == expected);
        CHECK(mode_of(out.at("sidecar").get<std::string>()) == expected);
    }
}

// ---- leftovers (§5c) ----

TEST_CASE("opening a library removes what dead imports left, never a running import's files") {
    LibraryFixture f;
    std::string kept_id;
    {
        auto lib = f.open_as("ann");
        auto clip = make_clip(f.dir.path, "clip.mp4", 1, "160x120", false);
        catalog::NewRecording in;
        in.file = clip;
        auto rec = lib->import_recording(in);
        REQUIRE(rec.has_value());
        kept_id = rec->id;
    }
    const fs::path media = f.dir / "media";
    const pid_t gone = dead_pid();
    // Killed mid-copy: a temporary file of a process that is gone.
    write_file(media / fmt::format("aaaaaaaaaa.mp4.{}-1234567890.part", gone), std::string(50'000, 'x'));
    // Killed after publishing, before the row: a complete video and thumbnail no recording owns.
    write_file(media / "bbbbbbbbbb.mp4", std::string(70'000, 'v'));
    write_file(media / "bbbbbbbbbb.jpg", std::string(3'000, 'j'));
    // A running import (this process): its locked temporary file, and a published file whose
    // claim is still held.
    // (named by a pid that is gone: the lock alone says it runs)
    const fs::path running_part = media / fmt::format("cccccccccc.mp4.{}-0987654321.part", gone);
    write_file(running_part, "copying");
    const int part_fd = ::open(running_part.c_str(), O_RDONLY);
    REQUIRE(::flock(part_fd, LOCK_EX) == 0);
    const fs::path running_media = media / "dddddddddd.mp4";
    write_file(running_media, "published, row not yet committed");
    const int media_fd = ::open(running_media.c_str(), O_RDONLY);
    REQUIRE(::flock(media_fd, LOCK_EX) == 0);
    // The thumbnail writer's temporary file carries its (live) pid and no lock.
    const fs::path thumb_part = media / fmt::format("eeeeeeeeee.jpg.{}-0.part", ::getpid());
    write_file(thumb_part, "jpeg");
    write_file(media / "notes.txt", "not ours: never touched");

    auto lib = f.open_as("ann");
    CHECK_FALSE(fs::exists(media / fmt::format("aaaaaaaaaa.mp4.{}-1234567890.part", gone)));
    CHECK_FALSE(fs::exists(media / "bbbbbbbbbb.mp4"));
    CHECK_FALSE(fs::exists(media / "bbbbbbbbbb.jpg"));
    CHECK(fs::exists(running_part));
    CHECK(fs::exists(running_media));
    CHECK(fs::exists(thumb_part));
    CHECK(fs::exists(media / "notes.txt"));
    CHECK(fs::exists(media / (kept_id + ".mp4")));
    CHECK(fs::exists(media / (kept_id + ".jpg")));

    auto report = lib->check_files();
    REQUIRE(report.has_value());
    CHECK(report->broken.empty());
    CHECK(report->cleaned == 3);
    CHECK(report->cleaned_bytes == 50'000 + 70'000 + 3'000);
    REQUIRE(report->leftovers.size() == 3);
    for (const auto& l : report->leftovers) CHECK(contains(l.problem, "running"));

    ::close(part_fd);  // the import is gone (as if killed)
    ::close(media_fd);
    auto after = f.open_as("ann")->check_files();
    REQUIRE(after.has_value());
    CHECK_FALSE(fs::exists(running_part));
    CHECK_FALSE(fs::exists(running_media));
    CHECK(after->leftovers.size() == 1);  // the live thumbnail writer's
}

TEST_CASE("kill -9 during an import: its files stay while it lives and go once it is dead; doctor says so") {
    CliLibrary lib;
    REQUIRE(lib.run({"people"}).exit_code == 0);
    // A valid clip padded to 160 MB, so the copy lasts long enough to be caught.
    const fs::path big = lib.dir / "big.mp4";
    fs::copy_file(make_clip(lib.dir.path, "clip.mp4", 1, "160x120", false), big);
    fs::resize_file(big, 160'000'000);

    ChildProcess import;
    fs::path part;
    for (int attempt = 0; attempt < 5 && part.empty(); ++attempt) {
        import.start({binary_path(), "--library", lib.root().string(), "import", big.string()}, {},
                     lib.dir / "import.log");
        for (int i = 0; i < 20'000 && part.empty(); ++i) {
            for (const auto& name : lib.media_files())
                if (contains(name, ".part")) part = lib.root() / "media" / name;
            if (part.empty())
                std::this_thread::sleep_for(std::chrono::microseconds(200));
            else
                ::kill(import.pid(), SIGSTOP);
            if (part.empty() && !import.running()) break;
        }
        if (part.empty()) {
            import.wait();
            for (const auto& r : lib.ok({"list"})) lib.ok({"delete", r.at("id")});
        }
    }
    REQUIRE_MESSAGE(!part.empty(), "never caught the import while it copied");

    // Stopped, not dead: another command opening the library leaves its file alone.
    CHECK(lib.run({"list"}).exit_code == 0);
    CHECK(fs::exists(part));
    auto busy = lib.run({"--json", "doctor"});
    json leftover = check_named(busy.json(), "leftover files");
    CHECK(leftover.at("ok") == false);
    CHECK(contains(leftover.at("detail").get<std::string>(), part.filename().string()));
    CHECK(contains(leftover.at("detail").get<std::string>(), "running"));

    ::kill(import.pid(), SIGKILL);
    CHECK(import.wait() == 128 + SIGKILL);
    auto after = lib.run({"--json", "doctor"});
    CHECK_FALSE(fs::exists(part));
    for (const auto& name : lib.media_files()) CHECK_MESSAGE(!contains(name, ".part"), name);
    json cleaned = check_named(after.json(), "leftover files");
    CHECK(cleaned.at("ok") == true);
    CHECK(contains(cleaned.at("detail").get<std::string>(), "removed 1 file(s)"));
    CHECK(lib.ok({"list"}).empty());
}

TEST_CASE("doctor fails, naming the recording and what to do, when a recording's video is missing") {
    OneRecording lib;
    auto healthy = lib.run({"--json", "doctor"});
    CHECK(check_named(healthy.json(), "recording files").at("ok") == true);

    fs::remove(lib.media());
    auto r = lib.run({"--json", "doctor"});
    CHECK(r.exit_code != 0);
    json c = check_named(r.json(), "recording files");
    CHECK(c.at("ok") == false);
    const std::string detail = c.at("detail");
    CHECK(contains(detail, lib.id()));
    CHECK(contains(detail, "missing"));
    CHECK(contains(detail, "walkthrough delete " + lib.id()));
    CHECK(lib.ok({"list"}).size() == 1);  // reported, not dropped
}

// ---- full disk (§5d) ----

TEST_CASE("delete works on a full disk: it is the command that frees space") {
    SmallDisk disk("6m");
    const fs::path root = disk.dir / "lib";
    auto wt = [&](std::vector<std::string> args) {
        args.insert(args.begin(), {"--library", root.string()});
        return walkthrough(args);
    };
    TempDir src;
    const fs::path clip = make_clip(src.path, "clip.mp4", 4, "640x360", true);
    auto imported = wt({"--json", "import", clip.string(), "--title", "Too big to keep"});
    REQUIRE_MESSAGE(imported.exit_code == 0, imported.err);
    const std::string id = imported.json().at("id");
    auto second = wt({"--json", "import", clip.string(), "--title", "Stays"});
    REQUIRE_MESSAGE(second.exit_code == 0, second.err);

    {  // fill the disk to the last byte
        const int fd = ::open((disk.dir / "filler").c_str(), O_WRONLY | O_CREAT, 0644);
        REQUIRE(fd >= 0);
        std::string block(64 * 1024, 'f');
        for (size_t chunk = block.size(); chunk > 0;) {
            if (::write(fd, block.data(), chunk) < 0) chunk /= 2;
        }
        ::close(fd);
    }
    auto full = wt({"import", clip.string()});
    REQUIRE(full.exit_code != 0);  // the disk is really full

    auto deleted = wt({"delete", id});
    INFO(deleted.err);
    CHECK(deleted.exit_code == 0);
    CHECK_FALSE(contains(deleted.err, "free some space"));
    auto left = wt({"--json", "list"});
    REQUIRE_MESSAGE(left.exit_code == 0, left.err);
    REQUIRE(left.json().size() == 1);
    CHECK(left.json()[0].at("title") == "Stays");
    for (const auto& e : fs::directory_iterator(root / "media")) CHECK(!contains(e.path().filename().string(), id));
}

// ---- another program's database (§5e) ----

TEST_CASE("another program's catalog.db is refused untouched; a library from before the id still opens") {
    SUBCASE("a foreign database") {
        TempDir dir;
        const fs::path file = dir / "catalog.db";
        sql_exec(file,
                 "CREATE TABLE invoices(id INTEGER PRIMARY KEY, total REAL); "
                 "INSERT INTO invoices VALUES (1, 9.5)");
        const std::string before = read_file(file);
        auto lib = catalog::open_library(dir.path);
        REQUIRE_FALSE(lib.has_value());
        CHECK(lib.error().code == ErrorCode::conflict);
        CHECK(contains(lib.error().message, file.string()));
        CHECK(contains(lib.error().message, "not a walkthrough catalog"));
        CHECK(contains(lib.error().message, "invoices"));
        CHECK(contains(lib.error().message, "--library"));
        CHECK(read_file(file) == before);
        CHECK_FALSE(fs::exists(dir / "catalog.db-wal"));
        CHECK(pragma(file, "application_id") == 0);

        auto cli = walkthrough({"--library", dir.path.string(), "list"});
        CHECK(cli.exit_code != 0);
        CHECK(contains(cli.err, "not a walkthrough catalog"));
        CHECK(read_file(file) == before);
    }
    SUBCASE("another program's id, even with tables named like ours") {
        TempDir dir;
        const fs::path file = dir / "catalog.db";
        sql_exec(file,
                 "PRAGMA application_id = 1234; PRAGMA user_version = 2; CREATE TABLE people(x); "
                 "CREATE TABLE recordings(x); CREATE TABLE comments(x); CREATE TABLE settings(x)");
        auto lib = catalog::open_library(dir.path);
        REQUIRE_FALSE(lib.has_value());
        CHECK(contains(lib.error().message, "0x000004d2"));
    }
    SUBCASE("a walkthrough library written before the id opens and gets it") {
        TempDir dir;
        {
            auto db = sql::Database::open(dir / "catalog.db", 1000);
            REQUIRE(db.has_value());
            REQUIRE(catalog::migrate(*db, catalog::latest_schema_version()).has_value());
            REQUIRE(db->exec("PRAGMA application_id = 0").has_value());
        }
        REQUIRE(pragma(dir / "catalog.db", "application_id") == 0);
        auto lib = catalog::open_library(dir.path);
        REQUIRE_MESSAGE(lib.has_value(), (lib ? "" : lib.error().message));
        CHECK(pragma(dir / "catalog.db", "application_id") == 0x57544C42);
    }
    SUBCASE("a new library gets the id") {
        TempDir dir;
        REQUIRE(catalog::open_library(dir.path).has_value());
        CHECK(pragma(dir / "catalog.db", "application_id") == 0x57544C42);
    }
}

// ---- recordings that come out wrong (§4) ----

TEST_CASE("a recording kept as Matroska gets its real duration, size and codecs") {
    CliLibrary lib;
    REQUIRE(lib.run({"people"}).exit_code == 0);
    // As a crash leaves it: written live, so no duration in its header.
    const fs::path incoming = lib.root() / "incoming";
    fs::create_directories(incoming);
    const fs::path mkv = incoming / "20260101-120000.mkv";
    ffmpeg({"-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25:duration=3", "-f", "lavfi", "-i",
            "sine=frequency=440:duration=3", "-c:v", "libx264", "-c:a", "libopus", "-f", "matroska", "-live", "1",
            mkv.string()});
    // The remux to MP4 fails (its output name is taken by a folder): the Matroska file is kept.
    fs::create_directories(incoming / "20260101-120000.mp4" / "blocker");

    auto r = lib.run({"--json", "recover"});
    INFO(r.err);
    json recovered = r.json();
    REQUIRE(recovered.size() == 1);
    const json& rec = recovered[0];
    CHECK(fs::path(rec.at("media_path").get<std::string>()).extension() == ".mkv");
    CHECK(rec.at("duration_ms").get<int>() == doctest::Approx(3000).epsilon(0.05));
    CHECK(rec.at("size_bytes").get<std::int64_t>() ==
          static_cast<std::int64_t>(fs::file_size(lib.root() / rec.at("media_path").get<std::string>())));
    CHECK(rec.at("video_codec") == "h264");
    CHECK(rec.at("audio_codec") == "opus");
}

TEST_CASE("record --duration 0 is refused (it would record until killed), with what to do") {
    CliLibrary lib;
    for (const char* bad : {"0", "nan", "inf"}) {
        CAPTURE(bad);
        // `timeout` stops a recorder that took 0 for "no limit" instead of refusing.
        auto r = run({"timeout", "20", binary_path(), "--library", lib.root().string(), "record", "--duration", bad,
                      "--no-mic", "--video-input", "lavfi:testsrc2=size=160x120:rate=10"});
        CHECK(r.exit_code == 2);
        CHECK(contains(r.err, "--duration"));
        CHECK((contains(r.err, "more than 0 seconds") || contains(r.err, "not a number of seconds")));
    }
}
