// The desktop app driven by real input (xdotool) on a private Xvfb, on a team library: a
// `walkthrough serve` on a loopback port that this computer is connected to (`walkthrough connect`),
// opened with `--library team`. Play a recording, comment on it; then a teammate's comment posted
// through the API appears in the open player's list with no input at all (the server's events).
//
// Positions are the app's layout at 1280x800 with DejaVu Sans at 16 px, as in app_ui_flow_test; set
// WT_UI_SNAPSHOTS=DIR to keep a picture of the screen after each step.
#include <doctest/doctest.h>

#include <chrono>
#include <cstdlib>
#include <thread>

#include "tests/desktop_driver.hpp"
#include "tests/serve_support.hpp"

using namespace wt::test;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

std::size_t count(const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
    return n;
}

}  // namespace

TEST_CASE("real input on a team library: play, comment; a teammate's comment appears without a reload") {
    VirtualScreen screen("1280x800x24");
    VirtualMicrophone sound;  // the player's audio output goes to its null sink
    CliLibrary lib;
    const auto clip = make_clip(lib.dir.path, "clip.mp4", 8, "320x240", false);
    const std::string id = lib.ok({"import", clip.string(), "--title", "Payroll run"}, "ann").at("id");
    Served server(lib);
    TempDir home;
    const std::map<std::string, std::string> env{{"XDG_CONFIG_HOME", (home / "config").string()},
                                                 {"XDG_DATA_HOME", (home / "data").string()},
                                                 {"HOME", home.path.string()}};
    auto connected = walkthrough({"--json", "connect", server.url, server.invite_code("ann"), "--name", "team"}, env);
    REQUIRE_MESSAGE(connected.exit_code == 0, connected.err);

    ChildProcess app;
    auto app_env = env;
    app_env.insert({{"DISPLAY", screen.display},
                    {"PULSE_SERVER", sound.server},
                    {"WALKTHROUGH_LIBRARY", ""},
                    {"WALKTHROUGH_USER", ""}});
    app.start({binary_path(), "--library", "team"}, app_env, home / "app.log");
    Desktop d(screen, "team-");
    INFO(read_file(home / "app.log"));
    INFO(server.log());
    REQUIRE(d.find_window());
    sleep_s(2.0);
    d.snapshot("start");
    // The app read the library from the server, as ann.
    CHECK(contains(server.log(), "ann GET /api/v1/recordings"));

    d.click(347, 219, "play");  // the first card's picture plays it
    sleep_s(2.0);
    d.click(1098, 257, "comment-box");
    d.type("Nice demo");
    d.click(978, 303, "comment");
    sleep_s(1.5);
    d.snapshot("commented");
    auto comments = lib.ok({"comments", id});
    REQUIRE(comments.size() == 1);
    CHECK(comments[0].at("body") == "Nice demo");
    CHECK(comments[0].at("author") == "ann");

    // bob comments through the API. Nothing is clicked or typed: the app hears it from the server's
    // events, reads the comments again and draws them in the list under the comment box.
    const std::string reads = "ann GET /api/v1/recordings/" + id + "/comments";
    const std::size_t reads_before = count(server.log(), reads);
    const std::string list_before = d.pixels(870, 330, 400, 300);
    const std::string bob = server.sign_in("bob");
    auto posted = server.post("/api/v1/recordings/" + id + "/comments", bob,
                              json{{"body", "Which form is this?"}, {"at_ms", 1000}}.dump());
    REQUIRE_MESSAGE(posted.status == 201, posted.body);
    bool shown = false;
    for (int i = 0; i < 50 && !shown; ++i) {
        sleep_s(0.2);
        shown = count(server.log(), reads) > reads_before && d.pixels(870, 330, 400, 300) != list_before;
    }
    d.snapshot("teammate-comment");
    CHECK(shown);
    REQUIRE(app.running());
    app.stop();

    comments = lib.ok({"comments", id});
    REQUIRE(comments.size() == 2);
    // What played was counted at the server, for ann.
    auto views = lib.ok({"show", id}).at("views");
    REQUIRE(views.size() == 1);
    CHECK(views[0].at("person") == "ann");
    CHECK(views[0].at("coverage").get<double>() > 0);
}
