// The failure behaviour through the real binary: damaged and non-video files, odd text, unknown and
// ambiguous ids, bad times and dates. Each refusal must say what is wrong and lose nothing.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <random>
#include <regex>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "tests/support.hpp"

namespace fs = std::filesystem;
using nlohmann::json;
using namespace wt::test;

namespace {

// A library holding one good recording, so "nothing was lost" has something to lose.
struct Library : CliLibrary {
    fs::path tiny;
    std::string first_id;

    Library() {
        tiny = make_clip(dir.path, "tiny.mp4", 1, "160x120", false);
        first_id = ok({"import", tiny.string(), "--title", "Keep me"}).at("id");
    }
    // What must survive a refused command: the catalog's rows and the media folder's files.
    std::pair<std::string, std::vector<std::string>> snapshot() const { return {ok({"list"}).dump(), media_files()}; }
    std::string import_tiny(const std::string& title) const {
        return ok({"import", tiny.string(), "--title", title}).at("id");
    }
};

// Runs a command that must be refused with `code`, naming every one of `words`, changing nothing.
RunResult expect_refused(const Library& lib, const std::vector<std::string>& args, int code,
                         const std::vector<std::string>& words) {
    const auto before = lib.snapshot();
    auto r = lib.run(args);
    INFO("walkthrough " << args[0] << " -> " << r.exit_code << ", stderr: " << r.err);
    CHECK(r.exit_code == code);
    for (const auto& w : words) CHECK_MESSAGE(contains(r.err, w), "stderr lacks '" << w << "'");
    const auto after = lib.snapshot();
    CHECK(after.first == before.first);
    CHECK(after.second == before.second);
    for (const auto& f : after.second) CHECK_MESSAGE(!contains(f, ".part"), "stray file " << f);
    return r;
}

std::string random_bytes(size_t n, unsigned seed) {
    std::mt19937 rng(seed);
    std::string out(n, '\0');
    for (auto& c : out) c = static_cast<char>(rng() & 0xff);
    return out;
}

struct BadFile {
    fs::path path;
    int code;
    std::vector<std::string> words;  // besides the file name
};

std::vector<BadFile> make_bad_files(const fs::path& dir) {
    std::vector<BadFile> files;
    write_file(dir / "empty.mp4", "");
    files.push_back({dir / "empty.mp4", 4, {"empty", "not a video"}});
    write_file(dir / "noise.mp4", random_bytes(256 * 1024, 20240601));
    files.push_back({dir / "noise.mp4", 4, {"not a readable video"}});
    // make_clip writes the index (moov) at the end, so the first 40 % has none.
    const auto whole = read_file(make_clip(dir, "whole.mp4", 3, "320x240", true));
    REQUIRE(whole.find("moov") > whole.find("mdat"));
    write_file(dir / "truncated.mp4", whole.substr(0, whole.size() * 4 / 10));
    files.push_back({dir / "truncated.mp4", 4, {"not a readable video"}});
    write_file(dir / "notes.txt", "Meeting notes\nThis is plain text, not a video.\n");
    files.push_back({dir / "notes.txt", 4, {"not a readable video"}});
    return files;
}

}  // namespace

TEST_CASE("damaged and non-video files are refused with a clear message; nothing is lost") {
    Library lib;
    auto files = make_bad_files(lib.dir.path);
    auto audio = run({"ffmpeg", "-nostdin", "-loglevel", "error", "-y", "-f", "lavfi", "-i",
                      "sine=frequency=440:duration=2", "-c:a", "aac", (lib.dir / "voice.m4a").string()});
    REQUIRE(audio.exit_code == 0);

    for (const auto& f : files) {
        CAPTURE(f.path);
        std::vector<std::string> words = f.words;
        words.push_back(f.path.string());
        expect_refused(lib, {"import", f.path.string()}, f.code, words);
        auto probed = lib.run({"probe", f.path.string()});
        CHECK(probed.exit_code == 4);
        CHECK(contains(probed.err, f.path.string()));
        CHECK(probed.out.empty());
    }
    expect_refused(lib, {"import", (lib.dir / "voice.m4a").string()}, 4,
                   {(lib.dir / "voice.m4a").string(), "no video", "audio aac"});
    // A still image decodes as one picture; it is not a video (and must not collide with thumbnails).
    auto still = run({"ffmpeg", "-nostdin", "-loglevel", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=320x240",
                      "-frames:v", "1", (lib.dir / "slide.jpg").string()});
    REQUIRE(still.exit_code == 0);
    expect_refused(lib, {"import", (lib.dir / "slide.jpg").string()}, 4,
                   {(lib.dir / "slide.jpg").string(), "still image"});
    expect_refused(lib, {"import", (lib.dir / "missing.mp4").string()}, 3,
                   {(lib.dir / "missing.mp4").string(), "does not exist"});
    CHECK(lib.ok({"list"}).size() == 1);
}

TEST_CASE("odd text in titles and comments is stored and shown back exactly") {
    Library lib;
    const std::vector<std::string> texts{
        "Prüfung — 日本語 🎬",           "\"double\" and 'single'",
        "'; DROP TABLE recordings; --", std::string(10240, 'x').replace(0, 12, "ten kB long "),
        "two\nlines\tand a tab",
    };
    for (const auto& text : texts) {
        CAPTURE(text.substr(0, 40));
        const std::string id = lib.import_tiny(text);
        CHECK(lib.ok({"show", id}).at("title") == text);
        json c = lib.ok({"comment", id, text});
        CHECK(c.at("body") == text);
        json all = lib.ok({"comments", id});
        REQUIRE(all.size() == 1);
        CHECK(all[0].at("body") == text);
        CHECK(all[0].at("id") == c.at("id"));
        // Edited titles round-trip too.
        CHECK(lib.ok({"edit", lib.first_id, "--title", text}).at("title") == text);
        CHECK(lib.ok({"show", lib.first_id}).at("title") == text);
    }
    CHECK(lib.ok({"list"}).size() == texts.size() + 1);  // the SQL-looking text dropped nothing

    json hits = lib.ok({"search", "Prüfung"});
    REQUIRE(!hits.empty());
    CHECK(hits[0].at("recording_title") == texts[0]);
}

TEST_CASE("export names the file after the whole title, non-ASCII endings included") {
    Library lib;
    const fs::path out = lib.dir / "out";
    fs::create_directory(out);
    for (const std::string title : {"Café", "Prüfung — 日本語 🎬", "Ünïcödé ✓"}) {
        CAPTURE(title);
        const std::string id = lib.import_tiny(title);
        json exported = lib.ok({"export", id, out.string()});
        const fs::path media = exported.at("media").get<std::string>();
        CHECK(media.filename().string() == title + "-" + id + ".mp4");
        CHECK(fs::is_regular_file(media));
        json side = json::parse(read_file(exported.at("sidecar").get<std::string>()));
        CHECK(side.at("title") == title);
        CHECK(side.at("media_file") == media.filename().string());
    }
}

TEST_CASE("empty titles get a dated default; empty comments are refused") {
    Library lib;
    const std::regex dated{R"(Recording \d{4}-\d{2}-\d{2} \d{2}:\d{2})"};
    const std::string id = lib.import_tiny("");
    const std::string title = lib.ok({"show", id}).at("title");
    CHECK(std::regex_match(title, dated));
    const std::string edited = lib.ok({"edit", lib.first_id, "--title", ""}).at("title");
    CHECK(std::regex_match(edited, dated));

    for (const std::string body : {"", "   ", "\n\t"}) {
        CAPTURE(body);
        expect_refused(lib, {"comment", id, body}, 2, {"needs some text"});
        CHECK(lib.ok({"comments", id}).empty());
    }
}

TEST_CASE("unknown and ambiguous ids name what was typed and the candidates") {
    Library lib;
    // 'u' is not in the id alphabet, so no recording can start with it.
    auto r = expect_refused(lib, {"show", "uuuu"}, 3, {"uuuu"});
    expect_refused(lib, {"comment", "uuuu", "hello"}, 3, {"uuuu"});
    expect_refused(lib, {"resolve", "uuuu"}, 3, {"uuuu"});

    // Ids are random over 32 symbols: among 33 recordings two must share a first character.
    std::vector<std::string> ids{lib.first_id};
    std::string a, b;
    while (a.empty()) {
        REQUIRE(ids.size() <= 33);
        const std::string id = lib.import_tiny(fmt::format("copy {}", ids.size()));
        for (const auto& earlier : ids) {
            if (earlier[0] == id[0]) a = earlier, b = id;
        }
        ids.push_back(id);
    }
    r = expect_refused(lib, {"show", a.substr(0, 1)}, 3, {"matches more than one", a, b});
    CHECK(r.out.empty());
    CHECK(lib.ok({"show", a}).at("id") == a);  // the full id still works
}

TEST_CASE("bad times, dates, people and commands are refused without storing anything") {
    Library lib;
    const std::string id = lib.first_id;
    expect_refused(lib, {"comment", id, "--at", "99:00", "too late"}, 2, {"past the end", "nothing was saved"});
    CHECK(lib.ok({"comments", id}).empty());
    expect_refused(lib, {"comment", id, "--at", "1:75", "not a time"}, 2, {"1:75"});
    CHECK(lib.ok({"comments", id}).empty());

    CHECK(lib.ok({"people", "add", "bob"}).at("name") == "bob");
    expect_refused(lib, {"assign", id, "--to", "bob", "--due", "2026-13-45"}, 2, {"2026-13-45", "YYYY-MM-DD"});
    CHECK(lib.ok({"assignments"}).empty());
    expect_refused(lib, {"assign", id, "--to", "nobody"}, 3, {"nobody", "people add"});
    CHECK(lib.ok({"assignments"}).empty());

    auto unknown = lib.run({"frobnicate"});
    CHECK(unknown.exit_code == 2);
    CHECK(contains(unknown.err, "--help"));
    CHECK(lib.run({"import"}).exit_code == 2);  // a missing argument is a usage error too
    CHECK(lib.run({"import", lib.tiny.string(), "--kind", "movie"}).exit_code == 2);
    CHECK(lib.ok({"list"}).size() == 1);
}

TEST_CASE("export never deletes or overwrites someone else's files, and survives broken UTF-8") {
    Library lib;
    const fs::path out = lib.dir / "out";
    fs::create_directory(out);
    // Files that a naive "<name>.part" scheme would clobber or delete.
    write_file(out / "clip.mp4.part", "user data 1");
    write_file(out / "clip.json.part", "user data 2");
    json exported = lib.ok({"export", lib.first_id, (out / "clip.mp4").string()});
    CHECK(read_file(out / "clip.mp4.part") == "user data 1");
    CHECK(read_file(out / "clip.json.part") == "user data 2");
    CHECK(read_file(out / "clip.mp4") == read_file(lib.tiny));

    // The sidecar would take the video's own name.
    auto same = lib.run({"export", lib.first_id, (out / "x.json").string()});
    CHECK(same.exit_code == 2);
    CHECK(contains(same.err, "both the video and its .json sidecar"));
    CHECK_FALSE(fs::exists(out / "x.json"));

    // A title that is not valid UTF-8 is exported with replacement characters, not a crash.
    const std::string bad_id = lib.import_tiny("bad\xff title\xc3");
    json bad = lib.ok({"export", bad_id, out.string()});
    json side = json::parse(read_file(bad.at("sidecar").get<std::string>()));
    CHECK(side.at("title") == "bad\xef\xbf\xbd title\xef\xbf\xbd");
    const std::string name = fs::path(bad.at("media").get<std::string>()).filename().string();
    CHECK(name == "bad_ title_-" + bad_id + ".mp4");
    for (const auto& f : fs::directory_iterator(out)) {
        CHECK_MESSAGE(f.path().filename().string().find(".XXXXXX") == std::string::npos, f.path());
    }
}

TEST_CASE("control characters never reach the terminal; tags cannot hold them") {
    Library lib;
    const std::string id = lib.import_tiny("evil \x1b]0;pwned\x07 title");
    auto listed = lib.run({"list"});
    CHECK(listed.exit_code == 0);
    CHECK_FALSE(contains(listed.out, "\x1b"));
    CHECK(contains(listed.out, "evil"));
    CHECK(lib.ok({"show", id}).at("title") == "evil \x1b]0;pwned\x07 title");  // stored exactly
    expect_refused(lib,
                   {"edit", id, "--add-tag",
                    "a\x1f"
                    "b"},
                   2, {"control characters"});
    // A filter tag is read the way tags are stored: a leading '#' is dropped.
    lib.ok({"edit", id, "--add-tag", "#vpn"});
    CHECK(lib.ok({"list", "--tag", "#vpn"}).size() == 1);
}
