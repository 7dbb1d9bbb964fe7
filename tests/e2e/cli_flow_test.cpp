// The user flow of the command line through the real binary: import, list, show, comment, inbox,
// reply, resolve, assign, progress, watched, search, edit, export, delete; plus list filters,
// probe, doctor, and the desktop app without a display.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "tests/media_edit.hpp"
#include "tests/support.hpp"

namespace fs = std::filesystem;
using nlohmann::json;
using namespace wt::test;

namespace {

struct Library : CliLibrary {
    std::vector<std::string> list_ids(std::vector<std::string> filter = {}, const std::string& as = {}) const {
        filter.insert(filter.begin(), "list");
        std::vector<std::string> ids;
        for (const auto& r : ok(filter, as)) ids.push_back(r.at("id").get<std::string>());
        return ids;
    }
};

json find_by_id(const json& array, const std::string& id) {
    for (const auto& e : array) {
        if (e.at("id") == id) return e;
    }
    FAIL("id " << id << " not in " << array.dump());
    return {};
}

// The shortest start of `id` that no other id shares.
std::string unique_prefix(const std::string& id, const std::string& other) {
    size_t n = 1;
    while (n < id.size() && other.rfind(id.substr(0, n), 0) == 0) ++n;
    return id.substr(0, n);
}

std::vector<std::string> files_in(const fs::path& dir) {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
}

}  // namespace

TEST_CASE("the whole flow: import, comment, reply, assign, watch, search, edit, export, delete") {
    Library lib;
    const auto clip = make_clip(lib.dir.path, "onboarding.mp4", 6);
    const auto other_clip = make_clip(lib.dir.path, "numbers.mp4", 1, "160x120", false);

    // ---- import and list ----
    json rec = lib.ok(
        {"import", clip.string(), "--title", "Onboarding basics", "--kind", "training", "--tag", "x", "--tag", "y"},
        "dana");
    const std::string id = rec.at("id");
    json other = lib.ok({"import", other_clip.string(), "--title", "Quarterly numbers", "--tag", "finance"}, "alice");
    const std::string other_id = other.at("id");
    REQUIRE(id != other_id);

    json listed = lib.ok({"list"});
    REQUIRE(listed.size() == 2);
    json r = find_by_id(listed, id);
    CHECK(r.at("title") == "Onboarding basics");
    CHECK(r.at("kind") == "training");
    CHECK(r.at("author") == "dana");
    CHECK(r.at("tags") == json::array({"x", "y"}));
    CHECK(r.at("duration_ms").get<int>() >= 5900);
    CHECK(r.at("duration_ms").get<int>() <= 6100);
    CHECK(r.at("width") == 320);
    CHECK(r.at("height") == 240);
    CHECK(r.at("video_codec") == "h264");
    CHECK(r.at("status") == "ready");
    const fs::path media = lib.root() / r.at("media_path").get<std::string>();
    const fs::path thumb = lib.root() / r.at("thumbnail_path").get<std::string>();
    CHECK(media.parent_path() == lib.root() / "media");
    CHECK(thumb.parent_path() == lib.root() / "media");
    REQUIRE(fs::is_regular_file(media));
    CHECK(static_cast<std::int64_t>(fs::file_size(media)) == r.at("size_bytes").get<std::int64_t>());
    CHECK(read_file(media) == read_file(clip));
    REQUIRE(fs::is_regular_file(thumb));
    CHECK(read_file(thumb).substr(0, 2) == "\xFF\xD8");  // a JPEG

    // ---- show by a unique prefix ----
    json shown = lib.ok({"show", unique_prefix(id, other_id)});
    CHECK(shown.at("id") == id);
    CHECK(shown.at("title") == "Onboarding basics");
    CHECK(fs::path(shown.at("media_file").get<std::string>()) == media);

    // ---- comment, inbox, reply, resolve ----
    json question = lib.ok({"comment", id, "--at", "0:03", "Why does the giraffe appear here?"}, "alice");
    const std::string qid = question.at("id");
    CHECK(question.at("at_ms") == 3000);
    CHECK(question.at("author") == "alice");
    CHECK(question.at("parent_id").is_null());

    json dana_inbox = lib.ok({"inbox"}, "dana");
    CHECK(dana_inbox.at("total") == 1);
    CHECK(dana_inbox.at("response_window_hours") == 24);
    json inbox = dana_inbox.at("items");
    REQUIRE(inbox.size() == 1);
    CHECK(inbox[0].at("comment").at("id") == qid);
    CHECK(inbox[0].at("reason") == "on your recording");
    CHECK(inbox[0].at("recording_title") == "Onboarding basics");

    json answer = lib.ok({"comment", id, "--reply-to", qid.substr(0, 6), "It shows the welcome screen."}, "dana");
    const std::string aid = answer.at("id");
    CHECK(answer.at("parent_id") == qid);
    CHECK(answer.at("thread_id") == qid);
    CHECK(lib.ok({"inbox"}, "dana").at("items").empty());
    json alice_inbox = lib.ok({"inbox"}, "alice").at("items");
    REQUIRE(alice_inbox.size() == 1);
    CHECK(alice_inbox[0].at("comment").at("id") == aid);
    CHECK(alice_inbox[0].at("comment").at("body") == "It shows the welcome screen.");

    json resolved = lib.ok({"resolve", aid.substr(0, 6)}, "dana");
    CHECK(resolved.at("id") == qid);  // a reply resolves its thread
    CHECK(!resolved.at("resolved_at").is_null());
    CHECK(resolved.at("resolved_by") == "dana");
    CHECK(lib.ok({"inbox"}, "alice").at("items").empty());

    json thread = lib.ok({"comments", id});
    REQUIRE(thread.size() == 2);
    CHECK(thread[0].at("id") == qid);
    CHECK(thread[1].at("id") == aid);
    CHECK(thread[0].at("resolved_at") == resolved.at("resolved_at"));
    CHECK(thread[1].at("parent_id") == qid);

    // ---- assignments and watching ----
    CHECK(lib.ok({"people", "add", "bob"}).at("name") == "bob");
    json assigned = lib.ok({"assign", id, "--to", "bob", "--due", "2020-01-01"}, "dana");
    CHECK(assigned.at("due") == "2020-01-01");
    CHECK(assigned.at("assigned_by") == "dana");
    json overdue = lib.ok({"assignments", "--overdue"});
    REQUIRE(overdue.size() == 1);
    CHECK(overdue[0].at("recording_id") == id);
    CHECK(overdue[0].at("assignee") == "bob");
    CHECK(overdue[0].at("state") == "overdue");

    json half = lib.ok({"progress", id, "--from", "0", "--to", "3"}, "bob");
    CHECK(half.at("coverage").get<double>() == doctest::Approx(0.5).epsilon(0.02));
    CHECK(half.at("watched") == false);
    CHECK(half.at("how").is_null());
    json still = lib.ok({"assignments", "--person", "bob"});
    REQUIRE(still.size() == 1);
    CHECK(still[0].at("state") == "overdue");

    json full = lib.ok({"progress", id, "--from", "2.5", "--to", "6"}, "bob");
    CHECK(full.at("intervals").size() == 1);  // [0, 3) and [2.5, 6) merge
    CHECK(full.at("coverage").get<double>() >= 0.98);
    CHECK(full.at("watched") == true);
    CHECK(full.at("how") == "coverage");
    json done = lib.ok({"assignments", "--person", "bob"});
    REQUIRE(done.size() == 1);
    CHECK(done[0].at("state") == "done");
    CHECK(!done[0].at("completed_at").is_null());
    CHECK(lib.ok({"assignments", "--overdue"}).empty());

    json marked = lib.ok({"watched", id}, "carol");
    CHECK(marked.at("watched") == true);
    CHECK(marked.at("how") == "explicit");
    json views = lib.ok({"show", id}).at("views");
    REQUIRE(views.size() == 2);
    CHECK(views[0].at("person") == "bob");
    CHECK(views[1].at("person") == "carol");

    // ---- list filters ----
    CHECK(lib.list_ids({"--kind", "training"}) == std::vector<std::string>{id});
    CHECK(lib.list_ids({"--kind", "walkthrough"}) == std::vector<std::string>{other_id});
    CHECK(lib.list_ids({"--tag", "x"}) == std::vector<std::string>{id});
    CHECK(lib.list_ids({"--tag", "finance"}) == std::vector<std::string>{other_id});
    CHECK(lib.list_ids({"--author", "dana"}) == std::vector<std::string>{id});
    CHECK(lib.list_ids({"--author", "alice"}) == std::vector<std::string>{other_id});
    CHECK(lib.list_ids({"--unwatched"}, "bob") == std::vector<std::string>{other_id});
    CHECK(lib.list_ids({"--unwatched"}, "alice").size() == 2);
    CHECK(lib.list_ids({"--assigned-to", "bob"}) == std::vector<std::string>{id});
    CHECK(lib.list_ids({"--assigned-to", "alice"}).empty());

    // ---- search ----
    json hits = lib.ok({"search", "giraffe"});
    REQUIRE(hits.size() == 1);
    CHECK(hits[0].at("matched_in") == "comment");
    CHECK(hits[0].at("comment_id") == qid);
    CHECK(hits[0].at("at_ms") == 3000);
    CHECK(hits[0].at("recording_id") == id);
    hits = lib.ok({"search", "onbo"});
    REQUIRE(hits.size() == 1);
    CHECK(hits[0].at("matched_in") == "recording");
    CHECK(hits[0].at("recording_id") == id);

    // ---- edit ----
    json edited = lib.ok(
        {"edit", id, "--title", "Payroll basics", "--kind", "walkthrough", "--add-tag", "hr", "--remove-tag", "x"});
    CHECK(edited.at("title") == "Payroll basics");
    r = find_by_id(lib.ok({"list"}), id);
    CHECK(r.at("title") == "Payroll basics");
    CHECK(r.at("kind") == "walkthrough");
    CHECK(r.at("tags") == json::array({"hr", "y"}));
    CHECK(lib.list_ids({"--tag", "x"}).empty());
    CHECK(lib.list_ids({"--tag", "hr"}) == std::vector<std::string>{id});
    CHECK(lib.list_ids({"--kind", "training"}).empty());
    hits = lib.ok({"search", "payr"});
    REQUIRE(hits.size() == 1);
    CHECK(hits[0].at("recording_id") == id);
    CHECK(hits[0].at("recording_title") == "Payroll basics");
    CHECK(lib.ok({"search", "onbo"}).empty());

    // ---- export ----
    const fs::path out = lib.dir / "out";
    fs::create_directory(out);
    json exported = lib.ok({"export", id, out.string()});
    const fs::path out_media = exported.at("media").get<std::string>();
    const fs::path sidecar = exported.at("sidecar").get<std::string>();
    REQUIRE(fs::is_regular_file(out_media));
    REQUIRE(fs::is_regular_file(sidecar));
    CHECK(out_media.parent_path() == out);
    CHECK(read_file(out_media) == read_file(media));
    json side = json::parse(read_file(sidecar));
    CHECK(side.at("id") == id);
    CHECK(side.at("title") == "Payroll basics");
    CHECK(side.at("media_file") == out_media.filename().string());
    REQUIRE(side.at("comments").size() == 2);
    CHECK(side.at("comments")[0].at("id") == qid);
    CHECK(side.at("comments")[0].at("body") == "Why does the giraffe appear here?");
    CHECK(side.at("comments")[0].at("at_ms") == 3000);
    CHECK(side.at("comments")[1].at("id") == aid);
    CHECK(side.at("comments")[1].at("body") == "It shows the welcome screen.");
    const auto before = files_in(out);
    const std::string side_text = read_file(sidecar);
    auto again = lib.run({"export", id, out.string()});
    CHECK(again.exit_code == 1);
    CHECK(again.err.find("already exists") != std::string::npos);
    CHECK(files_in(out) == before);
    CHECK(read_file(sidecar) == side_text);
    CHECK(read_file(out_media) == read_file(media));

    // ---- delete ----
    json deleted = lib.ok({"delete", id});
    CHECK(deleted.at("deleted").at("id") == id);
    CHECK(!fs::exists(media));
    CHECK(!fs::exists(thumb));
    CHECK(lib.list_ids() == std::vector<std::string>{other_id});
    CHECK(fs::exists(lib.root() / other.at("media_path").get<std::string>()));
    CHECK(lib.ok({"search", "giraffe"}).empty());
    auto gone = lib.run({"show", id});
    CHECK(gone.exit_code == 3);
    CHECK(gone.err.find(id) != std::string::npos);
    CHECK(fs::exists(out_media));  // the export is the user's, not the library's
}

TEST_CASE("probe describes a clip's streams") {
    TempDir dir;
    const auto clip = make_clip(dir.path, "probe me.mp4", 2, "320x240", true);
    auto r = walkthrough({"probe", clip.string(), "--json"});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    json j = r.json();
    CHECK(j.at("has_decodable_video") == true);
    CHECK(j.at("video_codec") == "h264");
    CHECK(j.at("duration_ms").get<int>() >= 1900);
    CHECK(j.at("duration_ms").get<int>() <= 2100);
    CHECK(j.at("size_bytes").get<std::uintmax_t>() == fs::file_size(clip));
    bool video = false, audio = false;
    for (const auto& s : j.at("streams")) {
        if (s.at("type") == "video") {
            video = true;
            CHECK(s.at("codec") == "h264");
            CHECK(s.at("width") == 320);
            CHECK(s.at("height") == 240);
            CHECK(s.at("decodable") == true);
        } else if (s.at("type") == "audio") {
            audio = true;
            CHECK(s.at("codec") == "aac");
        }
    }
    CHECK(video);
    CHECK(audio);
}

TEST_CASE("doctor reports a healthy library") {
    Library lib;
    json j = lib.ok({"doctor"});
    CHECK(j.at("healthy") == true);
    bool library_ok = false;
    for (const auto& c : j.at("checks")) {
        if (c.at("check") == "library") library_ok = c.at("ok") == true;
    }
    CHECK(library_ok);
    CHECK(fs::exists(lib.root() / "catalog.db"));
}

TEST_CASE("without arguments and without a display, the app says so and points at the CLI") {
    auto r = walkthrough({}, {{"DISPLAY", ""}, {"WAYLAND_DISPLAY", ""}});
    CHECK(r.exit_code != 0);
    CHECK(r.err.find("DISPLAY") != std::string::npos);
    CHECK(r.err.find("walkthrough list") != std::string::npos);
}

TEST_CASE("a phone clip turned by its display matrix: probe says so, import files it upright") {
    TempDir dir;
    const fs::path portrait = wt::test::make_quadrants(dir / "portrait.mp4", 360, 640);
    const fs::path rotated = dir / "rotated.mp4";
    wt::test::ffmpeg({"-i", portrait.string(), "-c", "copy", "-metadata:s:v:0", "rotate=90", rotated.string()});
    const auto probed = wt::test::walkthrough({"--json", "probe", rotated.string()}).json();
    CHECK(probed["streams"][0]["rotation"] == 270);
    CHECK(probed["streams"][0]["mirrored"] == false);
    CHECK(probed["width"] == 640);
    CHECK(contains(wt::test::walkthrough({"probe", rotated.string()}).out, "turned 270°"));
    CliLibrary lib;
    const auto imported = lib.ok({"import", rotated.string(), "--title", "Portrait from a phone"});
    CHECK(imported["width"] == 640);
    CHECK(imported["height"] == 360);
}
