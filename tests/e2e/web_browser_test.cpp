// The web viewer in a real browser: Debian's chromium, headless, driven by playwright-core
// (tests/e2e/web_browser.mjs, run with node). This suite makes the library and the invites with
// the CLI, runs the browser's steps against `walkthrough serve`, then checks through the CLI what
// they did: playing a training to its end at 2x marked it watched and completed the assignment;
// seeking past the middle and playing on did not; comments from the page landed as typed; a guest of
// a share link saw one recording and commented as a guest.
// WT_WEB_SCREENSHOTS=DIR also saves each page as DIR/web-*.png (README's pictures).
#include <doctest/doctest.h>

#include <cstdlib>

#include "tests/serve_support.hpp"

using nlohmann::json;
using namespace wt::test;

namespace {

const std::filesystem::path k_source = WT_SOURCE_DIR;
const std::string k_xss = "<img src=x onerror=alert(1)>";

json view_of(const CliLibrary& lib, const std::string& id, const std::string& person) {
    json shown = lib.ok({"show", id});
    for (const auto& v : shown.at("views")) {
        if (v.at("person") == person) return v;
    }
    return json{};
}

}  // namespace

TEST_CASE("in chromium: join, search a comment, play to the end, seek past the middle, live comments, XSS, 360 px") {
    REQUIRE_MESSAGE(std::filesystem::exists(k_source / "node_modules/playwright-core/package.json"),
                    "playwright-core is missing: run `npm ci` in " << k_source.string() << " (scripts/setup.sh does)");
    REQUIRE_MESSAGE(std::filesystem::exists("/usr/bin/chromium"),
                    "Debian's chromium is missing: apt-get install chromium (scripts/setup.sh does)");
    CliLibrary lib;
    const auto clip = make_clip(lib.dir.path, "training.mp4", 4);
    const auto other_clip = make_clip(lib.dir.path, "other.mp4", 2);
    const std::string training =
        lib.ok({"import", clip.string(), "--title", "Onboarding basics", "--kind", "training", "--tag", "onboarding"},
               "ann")
            .at("id");
    const std::string other = lib.ok({"import", other_clip.string(), "--title", k_xss}, "ann").at("id");
    lib.ok({"chapter", training, "--at", "2", "The form"}, "ann");
    lib.ok({"comment", training, "What goes in field 3?", "--at", "0:03"}, "ann");
    lib.ok({"people", "add", "bob"}, "ann");
    lib.ok({"assign", training, "--to", "bob", "--due", "2099-12-31"}, "ann");

    Served server(lib);
    const std::string used = server.invite_code("dan");
    REQUIRE(server.post("/api/v1/session", "", json{{"invite", used}}.dump()).status == 200);
    json config{{"url", server.url},
                {"invites",
                 {{"bob", server.invite_code("bob")},
                  {"carol", server.invite_code("carol")},
                  {"ann", server.invite_code("ann")},
                  {"used", used}}},
                {"training", training},
                {"upload", make_clip(lib.dir.path, "screen-capture.mp4", 1).string()},
                {"other", other}};
    if (const char* shots = std::getenv("WT_WEB_SCREENSHOTS")) config["screenshots"] = shots;

    INFO("server: " << server.log());
    const json steps = browser_steps(k_source / "tests/e2e/web_browser.mjs", config);
    INFO(steps.dump(2));

    // Join: the used invite says so and who to ask; bob, with a training assigned, lands on it.
    CHECK(contains(steps.at("used_invite"), "expired or was already used"));
    CHECK(contains(steps.at("used_invite"), "admin"));
    CHECK(steps.at("bob_landed") == "/training");
    // The page keeps its cookie session and ends the personal token the sign-in also gave.
    const std::string bobs =
        "SELECT count(*) FROM credentials JOIN people ON people.seq = person_seq WHERE "
        "name = 'bob' AND revoked_at IS NULL AND kind = ";
    CHECK(count_rows(lib, bobs + "'token'") == 0);
    CHECK(count_rows(lib, bobs + "'session'") == 1);
    CHECK(contains(steps.at("training_text"), "Onboarding basics"));
    // A member sees no admin links, and the server refuses an admin's action anyway; an admin sees them.
    CHECK(steps.at("bob_admin_links") == 0);
    CHECK(steps.at("member_assign_status") == 403);
    CHECK(steps.at("ann_admin_links") == 2);
    // The library shows the XSS title as text; nothing of it became an element or ran.
    CHECK(steps.at("cards") == 2);
    CHECK(steps.at("xss_title_shown") == 1);
    CHECK(steps.at("xss_img_elements") == 0);
    CHECK(steps.at("xss_comment_img") == 0);
    CHECK(steps.at("dialogs") == 0);
    CHECK(!steps.contains("page_errors"));
    // The search hit in a comment opened the training at its moment.
    CHECK(steps.at("hit_url") == "/r/" + training + "?t=0:03");
    CHECK(steps.at("chapter_hit_href") == "/r/" + training + "?t=0:02");
    CHECK(steps.at("hit_time").get<double>() == doctest::Approx(3.0).epsilon(0.05));
    // Played to the end at 2x: watched by coverage, the assignment done.
    CHECK(contains(steps.at("bob_watched_label"), "✓"));
    json bob = view_of(lib, training, "bob");
    CHECK(bob.at("watched") == true);
    CHECK(bob.at("how") == "coverage");
    CHECK(bob.at("coverage").get<double>() >= 0.9);
    json assignments = lib.ok({"assignments", "--person", "bob"});
    REQUIRE(assignments.size() == 1);
    CHECK(assignments.at(0).at("state") == "done");
    // Seeking past the middle and playing on counts only what played.
    json carol = view_of(lib, training, "carol");
    REQUIRE(carol.is_object());
    CHECK(carol.at("watched") == false);
    CHECK(carol.at("coverage").get<double>() > 0.2);
    CHECK(carol.at("coverage").get<double>() < 0.9);
    // Comments from the page: live in the other page within 2 s, kept exactly as typed.
    CHECK(steps.at("live_comment_ms").get<int>() < 2000);
    json comments = lib.ok({"comments", other});
    std::vector<std::string> bodies;
    for (const auto& c : comments) bodies.push_back(c.at("body"));
    CHECK(bodies == std::vector<std::string>{"Which form is this?", "The expenses form.", k_xss});
    CHECK(comments.at(0).at("resolved_by") == "carol");
    CHECK(steps.at("inbox_items").get<int>() >= 1);
    // Admin pages: the grid of modules x people, the people; a member gets no controls there.
    CHECK(contains(steps.at("team_text"), "Onboarding basics"));
    CHECK(contains(steps.at("team_text"), "done"));
    CHECK(steps.at("people_rows").get<int>() >= 4);
    CHECK(steps.at("member_people_forms") == 0);
    // The author edited and assigned from the page; bob saw no such controls.
    json edited = lib.ok({"show", other});
    CHECK(edited.at("title") == "Expense report");
    CHECK(edited.at("tags") == json::array({"finance", "howto"}));
    json carols = lib.ok({"assignments", "--person", "carol"});
    REQUIRE(carols.size() == 1);
    CHECK(carols.at(0).at("recording_id") == other);
    CHECK(carols.at(0).at("due") == "2099-01-31");
    CHECK(steps.at("member_edit_controls") == 0);
    CHECK(steps.at("people_revoke_buttons").get<int>() >= 3);  // everyone but ann herself
    // A guest of a share link: no library around the recording, no author's controls, and their
    // comment kept as a guest's under the name they typed (a team member's).
    CHECK(steps.at("guest_nav_visible") == 0);
    CHECK(steps.at("guest_controls") == 0);
    bool guest_comment = false;
    for (const auto& c : lib.ok({"comments", training})) {
        if (c.at("body") == "Looks clear to me")
            guest_comment = c.at("author") == "bob" && c.at("author_guest") == true;
    }
    CHECK(guest_comment);
    // An upload from the page became bob's recording.
    json uploaded = lib.ok({"show", steps.at("uploaded").get<std::string>()});
    CHECK(uploaded.at("author") == "bob");
    CHECK(uploaded.at("title") == "screen-capture");
    // 360 px wide: no horizontal scroll.
    CHECK(steps.at("phone_watch_scroll") == 0);
    CHECK(steps.at("phone_library_scroll") == 0);
}
