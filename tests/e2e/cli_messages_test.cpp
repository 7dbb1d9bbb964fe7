// What the command line prints, through the real binary: no stored or typed text can drive the
// terminal (--json still carries it exactly), and each refusal or partial success says once what
// happened and what to do.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <regex>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "tests/support.hpp"

namespace fs = std::filesystem;
using nlohmann::json;
using namespace wt::test;

namespace {

// An OSC sequence that retitles the window (ESC ... BEL), a colour (ESC [), and C1's CSI (U+009B,
// two bytes in UTF-8) that clears the screen.
const std::string k_escapes =
    "\x1b]0;T\x07\x1b[31m\xc2\x9b"
    "2J";

// The first control character in `text` a terminal would act on (newlines aside), or "" if none.
std::string control_in(const std::string& text) {
    for (size_t i = 0; i < text.size(); ++i) {
        const unsigned char c = static_cast<unsigned char>(text[i]);
        if ((c < 0x20 && c != '\n') || c == 0x7f) return fmt::format("byte {:#04x} at {}", c, i);
        if (c == 0xc2 && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) < 0xa0)
            return fmt::format("C1 control at {}", i);
    }
    return "";
}

// Both streams of a command are free of control characters.
void check_printable(const RunResult& r, const std::string& what) {
    CAPTURE(what);
    CHECK_MESSAGE(control_in(r.out).empty(), "stdout: " << control_in(r.out) << " in " << r.out);
    CHECK_MESSAGE(control_in(r.err).empty(), "stderr: " << control_in(r.err) << " in " << r.err);
}

struct Library : CliLibrary {
    fs::path tiny = make_clip(dir.path, "tiny.mp4", 1, "160x120", false);
    std::string import_tiny(const std::string& title = "Tiny") const {
        return ok({"import", tiny.string(), "--title", title}).at("id");
    }
};

bool has_long_number(const std::string& text) { return std::regex_search(text, std::regex(R"(\d{20})")); }

}  // namespace

TEST_CASE("names, emails, tags, excerpts, file names and quoted input reach the terminal without control characters") {
    Library lib;
    const std::string name = "p" + k_escapes + "RED";
    const std::string email = "e" + k_escapes + "@example.org";

    auto added = lib.run({"people", "add", name, "--email", email, "--role", "r" + k_escapes});
    REQUIRE(added.exit_code == 0);
    check_printable(added, "people add");
    CHECK(contains(added.out, "RED"));
    check_printable(lib.run({"people"}), "people");
    // Stored exactly; --json carries it escaped, byte for byte.
    bool found = false;
    for (const auto& p : lib.ok({"people"})) {
        if (p.at("name") == name) found = p.at("email") == email;
    }
    CHECK(found);

    // An author and a tag (C1 controls pass the tag check, which refuses C0 only) shown by `show`.
    const std::string id = lib.ok({"import", lib.tiny.string(), "--title", "Plain"}, name).at("id");
    lib.ok({"edit", id, "--add-tag",
            "t\xc2\x9b"
            "2J"});
    auto shown = lib.run({"show", id});
    REQUIRE(shown.exit_code == 0);
    check_printable(shown, "show");
    CHECK(lib.ok({"show", id}).at("author") == name);

    // Who watched and who was asked to: `progress`, `watched`, `assign`, `show`.
    check_printable(lib.run({"watched", id}, name), "watched");
    check_printable(lib.run({"assign", id, "--to", name}), "assign");
    check_printable(lib.run({"show", id}), "show with views and assignments");
    check_printable(lib.run({"settings"}, name), "settings");

    // A comment found by search: its excerpt, and the comment listings' authors.
    lib.ok({"comment", id, "look " + k_escapes + " needle here"}, name);
    auto hits = lib.run({"search", "needle"});
    REQUIRE(hits.exit_code == 0);
    CHECK(contains(hits.out, "needle"));
    check_printable(hits, "search");
    check_printable(lib.run({"comments", id}), "comments");
    check_printable(lib.run({"search", "nothing" + k_escapes}), "search without hits");

    // Input quoted back in refusals: an unknown person, an unknown command, an unknown file.
    auto nobody = lib.run({"assign", id, "--to", "no" + k_escapes + "body"});
    CHECK(nobody.exit_code == 3);
    CHECK(contains(nobody.err, "body"));
    check_printable(nobody, "assign to an unknown person");
    auto unknown = lib.run({"frob" + k_escapes});
    CHECK(unknown.exit_code == 2);
    check_printable(unknown, "unknown command");
    auto missing = lib.run({"import", (lib.dir / ("missing" + k_escapes + ".mp4")).string()});
    CHECK(missing.exit_code == 3);
    check_printable(missing, "import of a missing file");

    // A file name with escapes, probed.
    const fs::path odd = lib.dir / ("clip" + k_escapes + ".mp4");
    fs::copy_file(lib.tiny, odd);
    auto probed = lib.run({"probe", odd.string()});
    CHECK(probed.exit_code == 0);
    CHECK(contains(probed.out, "clip"));
    check_printable(probed, "probe");
}

TEST_CASE("a file name starting with '-' is named, with how to give it") {
    Library lib;
    fs::copy_file(lib.tiny, lib.dir / "-dash.mp4");
    // Run from the clip's folder, as a person would type it.
    auto in_dir = [&](const std::string& args) {
        return run({"sh", "-c", "cd \"$0\" && exec \"$1\" --library \"$2\" " + args, lib.dir.path.string(),
                    binary_path(), lib.root().string()});
    };
    auto r = in_dir("import -dash.mp4");
    CHECK(r.exit_code == 2);
    CHECK_FALSE(contains(r.err, "is required"));
    CHECK(contains(r.err, "'-dash.mp4'"));
    CHECK(contains(r.err, "walkthrough import -- -dash.mp4"));
    CHECK(contains(r.err, "./-dash.mp4"));
    CHECK(lib.ok({"list"}).empty());
    // Both ways it suggests work.
    CHECK(in_dir("--json import -- -dash.mp4").json().at("title") == "-dash");
    CHECK(in_dir("--json import ./-dash.mp4").json().at("title") == "-dash");
    // An option that does not exist, and is no file either, is named as such.
    auto bad = lib.run({"list", "--newest"});
    CHECK(bad.exit_code == 2);
    CHECK(contains(bad.err, "'--newest'"));
    CHECK(contains(bad.err, "walkthrough list --help"));
}

TEST_CASE("an empty moment is named as empty, with an example") {
    Library lib;
    const std::string id = lib.import_tiny();
    for (const std::vector<std::string>& args : {std::vector<std::string>{"comment", id, "--at=", "text"},
                                                 {"comment", id, "--at", "", "text"},
                                                 {"chapter", id, "--at=", "Intro"},
                                                 {"progress", id, "--from=", "--to", "0:01"},
                                                 {"play", id, "--snapshot=", "--out", (lib.dir / "x.png").string()}}) {
        CAPTURE(args[0] + " " + args[2]);
        auto r = lib.run(args);
        CHECK(r.exit_code == 2);
        CHECK_FALSE(contains(r.err, "is required"));
        CHECK(contains(r.err, "is empty"));
        CHECK(contains(r.err, "2:13"));
    }
    CHECK(lib.ok({"comments", id}).empty());
}

TEST_CASE("negative counts are refused plainly") {
    Library lib;
    lib.import_tiny();
    auto r = lib.run({"list", "--offset", "-5"});
    CHECK(r.exit_code == 2);
    CHECK(contains(r.err, "--offset"));
    CHECK(contains(r.err, "cannot be negative"));
    CHECK(contains(r.err, "e.g. --offset 20"));
    CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);  // said once, on one line
    CHECK_FALSE(has_long_number(r.err));
    auto d = lib.run({"record", "--duration", "-1", "--no-mic"});
    CHECK(d.exit_code == 2);
    CHECK(contains(d.err, "must be more than 0 seconds"));
    CHECK_FALSE(has_long_number(d.err));
    CHECK(lib.ok({"list", "--offset", "0"}).size() == 1);
}

TEST_CASE("a moment near the end is judged and shown to the millisecond") {
    Library lib;
    // 5001 frames at 1000 fps: exactly 5.001 s.
    const fs::path clip = lib.dir / "five.mp4";
    ffmpeg({"-f", "lavfi", "-i", "testsrc=size=64x48:rate=1000:duration=5.001", "-c:v", "libx264", "-preset",
            "ultrafast", clip.string()});
    json rec = lib.ok({"import", clip.string(), "--title", "Five"});
    REQUIRE(rec.at("duration_ms") == 5001);
    const std::string id = rec.at("id");

    auto at_end = lib.run({"comment", id, "--at", "5.001", "at the very end"});
    CHECK(at_end.exit_code == 0);
    CHECK(contains(at_end.out, "at 0:05.001"));
    auto past = lib.run({"comment", id, "--at", "5.002", "just past"});
    CHECK(past.exit_code == 2);
    CHECK(contains(past.err, "0:05.002 is past the end of 'Five' (0:05.001 long)"));
    auto from_end = lib.run({"progress", id, "--from", "5.001", "--to", "6"});
    CHECK(from_end.exit_code == 2);
    CHECK(contains(from_end.err, "0:05.001 is at or past the end of 'Five' (0:05.001 long)"));
    CHECK(lib.ok({"comments", id}).size() == 1);
}

// A file that is no video is set aside on the run that finds it (exit 4, damaged media, said once);
// after that recovering has nothing left to do and succeeds.
TEST_CASE("recover says once what it did: nothing, or what it set aside") {
    Library lib;
    auto nothing = lib.run({"recover"});
    CHECK(nothing.exit_code == 0);
    CHECK(contains(nothing.out, "Nothing to recover."));

    fs::create_directories(lib.root() / "incoming");
    write_file(lib.root() / "incoming" / "rec-broken.mkv", std::string(4096, 'x'));
    auto r = lib.run({"recover"});
    CHECK(r.exit_code == 4);
    CHECK_FALSE(contains(r.out, "Nothing to recover"));
    CHECK(contains(r.err, "rec-broken.mkv could not be decoded"));
    CHECK(r.err.find("rec-broken.mkv could not") == r.err.rfind("rec-broken.mkv could not"));  // said once
    CHECK(fs::exists(lib.root() / "incoming" / "rec-broken.mkv.unrecoverable"));               // kept
    auto again = lib.run({"recover"});
    CHECK(again.exit_code == 0);
    CHECK(contains(again.out, "Nothing to recover."));
}

TEST_CASE("delete says once that a file was left behind, and how to remove it") {
    Library lib;
    const std::string id = lib.import_tiny("Old demo");
    lib.ok({"comment", id, "one"});
    const fs::path thumb = lib.root() / lib.ok({"show", id}).at("thumbnail_path").get<std::string>();
    // A non-empty folder where the thumbnail was cannot be removed, even by root.
    fs::remove(thumb);
    fs::create_directories(thumb / "inside");
    auto r = lib.run({"delete", id});
    CHECK(r.exit_code == 0);
    CHECK(contains(r.out, "deleted 'Old demo' and its comment from the library"));
    CHECK(contains(r.out, thumb.string() + " could not be removed"));
    CHECK(contains(r.out, "rm -- '" + thumb.string() + "'"));
    CHECK_FALSE(contains(r.out, "with its media"));
    CHECK(r.err.empty());
    CHECK(lib.ok({"list"}).empty());
    CHECK_FALSE(fs::exists(lib.root() / "media" / (id + ".mp4")));  // the media file itself went

    // Without trouble, the short message.
    const std::string other = lib.import_tiny("Fine");
    auto fine = lib.run({"delete", other});
    CHECK(fine.exit_code == 0);
    CHECK(contains(fine.out, "deleted 'Fine' with its media and no comments"));
    CHECK(fine.err.empty());
}
