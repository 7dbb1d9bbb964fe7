// Never losing a recording when the library is shared: several processes recovering at once, a
// busy library, a full or read-only media folder, and what the person typed, through the binary.
#include <doctest/doctest.h>

#include <signal.h>
#include <sys/mount.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include "tests/capture_env.hpp"
#include "tests/lock_holder.hpp"
#include "tests/record_support.hpp"
#include "tests/support.hpp"

namespace fs = std::filesystem;
using nlohmann::json;
using namespace wt::test;

namespace {

// `walkthrough --library ROOT [--as AS] --json record` from the lavfi sources, with ARGS, in the
// background; its output goes to `log`. Returns once its file is in incoming/.
void start_recording_file(ChildProcess& rec, const CliLibrary& lib, const std::vector<std::string>& args,
                          const std::string& log, const std::string& as = {}) {
    std::vector<std::string> all{"--video-input", k_moving, "--audio-input", k_tone};
    all.insert(all.end(), args.begin(), args.end());
    start_record_into_incoming(rec, lib, all, {}, log, as);
}

// A recording killed (-9) about `seconds` after its first second was written (on a loaded machine
// that may take a while; killed before it, there is nothing to recover): its file waits in incoming/.
void record_and_kill(const CliLibrary& lib, const std::vector<std::string>& args, double seconds,
                     const std::string& as = {}) {
    ChildProcess rec;
    const auto before = with_extension(lib.root() / "incoming", ".mkv");
    start_recording_file(rec, lib, args, "killed.log", as);
    auto written = [&] {
        for (const auto& p : with_extension(lib.root() / "incoming", ".mkv")) {
            std::error_code ec;
            if (std::find(before.begin(), before.end(), p) == before.end() && fs::file_size(p, ec) > 16384) return true;
        }
        return false;
    };
    for (int i = 0; i < 1000 && !written(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    REQUIRE(written());
    std::this_thread::sleep_for(std::chrono::milliseconds(static_cast<int>(seconds * 1000)));
    ::kill(rec.pid(), SIGKILL);
    REQUIRE(rec.wait() == 128 + SIGKILL);
}

// A library entry is what it claims to be: its media decode, and its size is the file's.
void check_playable(const CliLibrary& lib, const json& rec) {
    const fs::path media = lib.root() / rec.at("media_path").get<std::string>();
    REQUIRE(fs::exists(media));
    CHECK(rec.at("size_bytes").get<std::int64_t>() == static_cast<std::int64_t>(fs::file_size(media)));
    CHECK(rec.at("duration_ms").get<int>() > 0);  // how much a kill costs is record_test's to check
    CHECK(media.extension() == ".mp4");           // remuxed, not the crash-safe Matroska kept as it was
    check_decodes_cleanly(media);
}

// A tmpfs mounted over a folder: a small, full disk. Needs root, as record_test's SmallDisk.
struct FullDisk {
    fs::path dir;
    explicit FullDisk(fs::path over) : dir(std::move(over)) {
        auto r = run({"mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", dir.string()});
        REQUIRE_MESSAGE(r.exit_code == 0, "cannot mount a tmpfs (this test needs root): " << r.err);
        write_file(dir / "filler", std::string(256 * 1024, '\0'));  // cut short at the limit
    }
    ~FullDisk() { run({"umount", "-l", dir.string()}); }
};

}  // namespace

TEST_CASE("six commands opening the library at once after kill -9: one recovery, one playable recording") {
    CliLibrary lib;
    // A live recording in the same library: none of the six may take it for an interrupted one.
    ChildProcess live;
    start_recording_file(live, lib, {"--title", "Still recording", "--duration", "10"}, "live.log");
    record_and_kill(lib, {"--title", "My title"}, 4);
    REQUIRE(with_extension(lib.root() / "incoming", ".mkv").size() == 2);

    std::vector<std::unique_ptr<ChildProcess>> lists;
    for (int i = 0; i < 6; ++i) {
        lists.push_back(std::make_unique<ChildProcess>());
        lists.back()->start({binary_path(), "--library", lib.root().string(), "list"},
                            {{"WALKTHROUGH_LIBRARY", ""}, {"WALKTHROUGH_USER", ""}},
                            lib.dir / ("list" + std::to_string(i) + ".log"));
    }
    for (auto& l : lists) CHECK(l->wait() == 0);
    REQUIRE(live.wait() == 0);
    CHECK(record_output(lib, "live.log").at("status") == "ready");

    json all = lib.ok({"list"});
    std::string said;  // what the six said, and what incoming/ holds, for a failure's message
    for (int i = 0; i < 6; ++i) said += read_file(lib.dir / ("list" + std::to_string(i) + ".log"));
    for (const auto& p : files_in(lib.root() / "incoming")) said += p.filename().string() + "\n";
    INFO(said);
    REQUIRE(all.size() == 2);
    int recovered = 0, live_ones = 0;
    for (const auto& r : all) {
        INFO(r.dump());
        if (r.at("title") == "My title") {
            ++recovered;
            CHECK(r.at("status") == "recovered");
        } else if (r.at("title") == "Still recording") {
            ++live_ones;
            CHECK(r.at("status") == "ready");
        }
        check_playable(lib, r);
    }
    CHECK(recovered == 1);
    CHECK(live_ones == 1);
    CHECK(lib.media_files().size() == 4);  // two videos, two thumbnails: no stray copy
    CHECK(files_in(lib.root() / "incoming").empty());
}

TEST_CASE("a write lock held while a recording finishes: it waits, says so, and the recording arrives") {
    CliLibrary lib;
    ChildProcess rec;
    start_recording_file(rec, lib, {"--title", "Important demo", "--duration", "3"}, "rec.log");
    {
        // Held from the start until well past the 3 s busy timeout of an ordinary command.
        LockHolder holder(lib.root() / "catalog.db", 9);
        CHECK(holder.wait() == 0);  // the lock was held the whole time
        REQUIRE(rec.wait() == 0);
    }
    const std::string log = read_file(lib.dir / "rec.log");
    CHECK(contains(log, "busy"));  // it said why it was waiting
    json r = record_output(lib, "rec.log");
    CHECK(r.at("title") == "Important demo");
    CHECK(r.at("status") == "ready");
    json all = lib.ok({"list"});
    REQUIRE(all.size() == 1);
    CHECK(all[0].at("title") == "Important demo");
    check_playable(lib, all[0]);
    CHECK(files_in(lib.root() / "incoming").empty());
}

TEST_CASE("a busy library during recovery leaves the recording in incoming/; the next recover adds it") {
    CliLibrary lib;
    record_and_kill(lib, {"--title", "Important demo"}, 3);
    {
        LockHolder holder(lib.root() / "catalog.db", 6);
        auto r = lib.run({"recover"});
        INFO(r.err);
        CHECK(r.exit_code == 5);  // busy
        CHECK(contains(r.err, "busy"));
        CHECK(contains(r.err, "incoming"));
        CHECK(with_extension(lib.root() / "incoming", ".mkv").size() == 1);  // left in place, not set aside
        CHECK(with_extension(lib.root() / "incoming", ".unrecoverable").empty());
        CHECK(holder.wait() == 0);
    }
    json again = lib.ok({"recover"});
    REQUIRE(again.size() == 1);
    CHECK(again[0].at("title") == "Important demo");
    check_playable(lib, again[0]);
    CHECK(files_in(lib.root() / "incoming").empty());
}

TEST_CASE("media/ not writable: the recording stays in incoming/ and is recovered once it is") {
    CliLibrary lib;
    record_and_kill(lib, {"--title", "Permission demo"}, 3);
    const fs::path media = lib.root() / "media";
    fs::permissions(media, fs::perms::owner_read | fs::perms::owner_exec | fs::perms::group_read |
                               fs::perms::group_exec | fs::perms::others_read | fs::perms::others_exec);
    // root ignores permissions; without its capabilities it is held to them as anyone else.
    std::vector<std::string> argv{binary_path(), "--library", lib.root().string(), "recover"};
    if (::geteuid() == 0) argv.insert(argv.begin(), {"setpriv", "--inh-caps=-all", "--bounding-set=-all"});
    auto r = run(argv, {{"WALKTHROUGH_LIBRARY", ""}, {"WALKTHROUGH_USER", ""}});
    INFO(r.err);
    CHECK(r.exit_code != 0);
    CHECK(contains(r.err, "Permission denied"));
    CHECK(contains(r.err, "incoming"));
    CHECK(with_extension(lib.root() / "incoming", ".mkv").size() == 1);
    CHECK(with_extension(lib.root() / "incoming", ".unrecoverable").empty());

    fs::permissions(media, fs::perms::owner_write, fs::perm_options::add);
    json again = lib.ok({"recover"});
    REQUIRE(again.size() == 1);
    CHECK(again[0].at("title") == "Permission demo");
    check_playable(lib, again[0]);
    CHECK(files_in(lib.root() / "incoming").empty());
}

TEST_CASE("no space in media/: the recording stays in incoming/ and is recovered once there is") {
    CliLibrary lib;
    record_and_kill(lib, {"--title", "Space demo"}, 3);
    {
        FullDisk full(lib.root() / "media");
        auto r = lib.run({"recover"});
        INFO(r.err);
        CHECK(r.exit_code != 0);
        CHECK(contains(r.err, "No space left"));
        CHECK(with_extension(lib.root() / "incoming", ".mkv").size() == 1);
        CHECK(with_extension(lib.root() / "incoming", ".unrecoverable").empty());
    }
    json again = lib.ok({"recover"});
    REQUIRE(again.size() == 1);
    CHECK(again[0].at("title") == "Space demo");
    check_playable(lib, again[0]);
}

TEST_CASE("what the person typed survives kill -9: title, kind, tags, description and author") {
    CliLibrary lib;
    lib.ok({"people", "add", "bob"});
    record_and_kill(lib,
                    {"--title", "Quarterly close", "--kind", "training", "--tag", "finance", "--tag", "q3",
                     "--description", "How the books are closed: «accruals» first"},
                    3, "alice");
    json r = lib.ok({"recover"}, "bob");  // someone else opens the library next
    REQUIRE(r.size() == 1);
    CHECK(r[0].at("title") == "Quarterly close");
    CHECK(r[0].at("kind") == "training");
    CHECK(r[0].at("tags") == json::array({"finance", "q3"}));
    CHECK(r[0].at("description") == "How the books are closed: «accruals» first");
    CHECK(r[0].at("author") == "alice");
    CHECK(r[0].at("status") == "recovered");
    check_playable(lib, r[0]);
    CHECK(lib.ok({"list", "--tag", "finance"}).size() == 1);
}

TEST_CASE("a file that cannot be decoded is set aside: recover --list shows it, doctor counts it") {
    CliLibrary lib;
    lib.ok({"people"});  // the library exists
    const fs::path incoming = lib.root() / "incoming";
    fs::create_directories(incoming);
    write_file(incoming / "rec-1700000000000-1.mkv", std::string(4096, 'x'));  // not a video at all
    write_file(incoming / "rec-1700000000000-1.json", R"({"title": "Broken one"})");

    auto r = lib.run({"recover"});
    INFO(r.err);
    CHECK(r.exit_code == 4);
    CHECK(contains(r.err, "could not be decoded"));
    CHECK(contains(r.err, "recover --list"));
    REQUIRE(with_extension(incoming, ".unrecoverable").size() == 1);  // kept, renamed

    json listed = lib.ok({"recover", "--list"});
    REQUIRE(listed.size() == 1);
    CHECK(listed[0].at("file") == (incoming / "rec-1700000000000-1.mkv.unrecoverable").string());
    CHECK(listed[0].at("title") == "Broken one");
    CHECK(listed[0].at("size_bytes") == 4096);
    auto human = lib.run({"recover", "--list"});
    CHECK(human.exit_code == 0);
    CHECK(contains(human.out, "rec-1700000000000-1.mkv.unrecoverable"));
    CHECK(contains(human.out, "Broken one"));
    CHECK(lib.run({"recover"}).exit_code == 0);  // set aside: not tried again

    auto doctor = lib.run({"--json", "doctor"});  // the display and microphone checks may fail here
    json checks = doctor.json().at("checks");
    bool counted = false;
    for (const auto& c : checks) {
        if (c.at("check") != "incoming") continue;
        counted = true;
        CHECK(c.at("ok") == false);
        CHECK(contains(c.at("detail").get<std::string>(), "1 set aside"));
        CHECK(contains(c.at("fix").get<std::string>(), "recover --list"));
    }
    CHECK(counted);
}
