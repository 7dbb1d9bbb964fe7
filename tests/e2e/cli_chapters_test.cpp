// Chapters through the real binary: chapter (add, rename, --remove), chapters (list, --json), show,
// search, export and delete; refusals with their exit codes, changing nothing.
#include <doctest/doctest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "tests/support.hpp"

namespace fs = std::filesystem;
using nlohmann::json;
using namespace wt::test;

namespace {

// A library with one 6-second recording.
struct Library : CliLibrary {
    std::string id;
    Library() {
        id = ok({"import", make_clip(dir.path, "clip.mp4", 6).string(), "--title", "VPN setup"}, "dana").at("id");
    }
    json chapters() const { return ok({"chapters", id}); }
};

std::vector<std::int64_t> moments(const json& chapters) {
    std::vector<std::int64_t> out;
    for (const auto& c : chapters) out.push_back(c.at("at_ms").get<std::int64_t>());
    return out;
}

}  // namespace

TEST_CASE("chapter adds and renames, chapters lists in time order, show and search carry them, --remove removes") {
    Library lib;
    CHECK(lib.chapters().empty());
    CHECK(contains(lib.run({"chapters", lib.id}).out, "No chapters yet"));

    json added = lib.ok({"chapter", lib.id, "--at", "0:03.25", "Import the profile"}, "dana");
    CHECK(added.at("recording_id") == lib.id);
    CHECK(added.at("at_ms") == 3250);
    CHECK(added.at("at") == "0:03.25");
    CHECK(added.at("title") == "Import the profile");
    lib.ok({"chapter", lib.id.substr(0, 6), "--at", "0:00", "Install the client"});  // an id prefix works
    lib.ok({"chapter", lib.id, "--at", "1", "Sign in"});                             // seconds work too

    json listed = lib.chapters();
    REQUIRE(listed.is_array());
    CHECK(moments(listed) == std::vector<std::int64_t>{0, 1000, 3250});
    for (const auto& c : listed) {
        CHECK(c.contains("at_ms"));
        CHECK(c.contains("at"));
        CHECK(c.contains("title"));
    }
    CHECK(listed[0].at("at") == "0:00");
    CHECK(listed[1].at("title") == "Sign in");

    // The same moment again renames; nothing is added.
    lib.ok({"chapter", lib.id, "--at", "0:01", "Sign in with the token"});
    listed = lib.chapters();
    REQUIRE(listed.size() == 3);
    CHECK(listed[1].at("title") == "Sign in with the token");

    const auto human = lib.run({"chapters", lib.id});
    CHECK(human.exit_code == 0);
    CHECK(contains(human.out, "0:00       Install the client\n"));
    CHECK(contains(human.out, "0:03.25    Import the profile\n"));
    CHECK(human.out.find("Install") < human.out.find("Sign in"));

    json shown = lib.ok({"show", lib.id});
    REQUIRE(shown.at("chapters").size() == 3);
    CHECK(shown.at("chapters")[2].at("at_ms") == 3250);
    CHECK(contains(lib.run({"show", lib.id}).out, "0:03.25    Import the profile"));

    json hits = lib.ok({"search", "profile"});
    REQUIRE(hits.size() == 1);
    CHECK(hits[0].at("matched_in") == "chapter");
    CHECK(hits[0].at("recording_id") == lib.id);
    CHECK(hits[0].at("at_ms") == 3250);
    CHECK(contains(lib.run({"search", "profile"}).out, "chapter at 0:03"));

    // The moment as listed ("0:03.25") removes it.
    json removed = lib.ok({"chapter", lib.id, "--at", listed[2].at("at").get<std::string>(), "--remove"});
    CHECK(removed.at("title") == "Import the profile");
    CHECK(moments(lib.chapters()) == std::vector<std::int64_t>{0, 1000});
    CHECK(lib.ok({"search", "profile"}).empty());

    // Export's sidecar carries them; deleting the recording takes them along.
    json exported = lib.ok({"export", lib.id, lib.dir.path.string()});
    json sidecar = json::parse(read_file(exported.at("sidecar").get<std::string>()));
    REQUIRE(sidecar.at("chapters").size() == 2);
    CHECK(sidecar.at("chapters")[1].at("title") == "Sign in with the token");
    lib.ok({"delete", lib.id});
    const auto after = lib.run({"chapters", lib.id});
    CHECK(after.exit_code == 3);
    CHECK(lib.ok({"search", "token"}).empty());
}

TEST_CASE("chapter refuses unknown recordings, moments past the end, empty titles and missing chapters") {
    Library lib;
    lib.ok({"chapter", lib.id, "--at", "0:02", "Keep me"});
    const std::string before = lib.chapters().dump();
    struct Refusal {
        std::vector<std::string> args;
        int code;
        std::vector<std::string> words;
    };
    const std::vector<Refusal> refusals{
        {{"chapter", "nope", "--at", "0:01", "Lost"}, 3, {"'nope'", "walkthrough list"}},
        {{"chapters", "nope"}, 3, {"'nope'"}},
        {{"chapter", lib.id, "--at", "0:07", "Too late"}, 2, {"0:07", "VPN setup", "before the end"}},
        {{"chapter", lib.id, "--at", "1:00:00", "Far too late"}, 2, {"1:00:00", "before the end"}},
        {{"chapter", lib.id, "--at", "0:01", ""}, 2, {"needs a title"}},
        {{"chapter", lib.id, "--at", "0:01", "   "}, 2, {"needs a title"}},
        {{"chapter", lib.id, "--at", "0:01"}, 2, {"title", "--remove"}},
        {{"chapter", lib.id, "--at", "0:02", "Both", "--remove"}, 2, {"--remove takes no title"}},
        {{"chapter", lib.id, "--at", "2:61", "Bad time"}, 2, {"2:61", "MM:SS"}},
        {{"chapter", lib.id, "Where?"}, 2, {"--at"}},
        {{"chapter", lib.id, "--at", "0:03", "--remove"}, 3, {"no chapter at 0:03", "0:02"}},
    };
    for (const auto& r : refusals) {
        const auto got = lib.run(r.args);
        INFO("walkthrough " << r.args[0] << " " << r.args.back() << " -> " << got.exit_code << ", stderr: " << got.err);
        CHECK(got.exit_code == r.code);
        for (const auto& w : r.words) CHECK_MESSAGE(contains(got.err, w), "stderr lacks '" << w << "'");
        CHECK(got.out.empty());
    }
    CHECK(lib.chapters().dump() == before);
}

TEST_CASE("a 10 kB title in many scripts, with quotes, is stored and shown back exactly") {
    Library lib;
    std::string title = "«Prüfung» — 日本語 🎬 \"double\" 'single' '; DROP TABLE chapters; --";
    while (title.size() < 10 * 1024) title += " ünïcödé \"zitat\" 'quote' 한국어";
    json added = lib.ok({"chapter", lib.id, "--at", "0:04", title});
    CHECK(added.at("title") == title);
    json listed = lib.chapters();
    REQUIRE(listed.size() == 1);
    CHECK(listed[0].at("title") == title);
    CHECK(lib.ok({"show", lib.id}).at("chapters")[0].at("title") == title);
    // On a terminal the line is cut (a UTF-8 boundary kept), never a 10 kB wall.
    const auto human = lib.run({"chapters", lib.id});
    CHECK(human.exit_code == 0);
    CHECK(human.out.size() < 1024);
    CHECK(contains(human.out, "«Prüfung» — 日本語 🎬 \"double\""));
    CHECK(contains(human.out, "…"));
}
