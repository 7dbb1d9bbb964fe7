// The desktop app driven by real input (xdotool) on a private Xvfb with a PulseAudio null sink as
// the microphone: start a recording from the Record view, stop it on the recording bar, find it in
// the library, play it, comment on it and add a chapter. The catalog (through the CLI) then holds
// what was done.
//
// Positions are the app's layout at 1280x800 with DejaVu Sans at 16 px (Xvfb's 96 dpi); set
// WT_UI_SNAPSHOTS=DIR to keep a picture of the screen after each step when changing the layout.
#include <doctest/doctest.h>

#include <chrono>
#include <cstdlib>
#include <thread>

#include "tests/desktop_driver.hpp"

using namespace wt::test;
namespace fs = std::filesystem;

TEST_CASE("real input: record from the Record view, stop on the bar, find it in the library, play it, comment") {
    VirtualScreen screen("1280x800x24");
    VirtualMicrophone mic;
    CliLibrary lib;
    TempDir home;
    ChildProcess app;
    app.start({binary_path(), "--library", lib.root().string(), "--as", "ana"},
              {{"DISPLAY", screen.display},
               {"PULSE_SERVER", mic.server},
               {"XDG_CONFIG_HOME", (home / "config").string()},
               {"HOME", home.path.string()},
               {"WALKTHROUGH_LIBRARY", ""},
               {"WALKTHROUGH_USER", ""}},
              home / "app.log");
    Desktop d(screen);
    INFO(read_file(home / "app.log"));
    REQUIRE(d.find_window());
    sleep_s(1.0);
    d.snapshot("start");

    d.click(45, 97, "record-view");        // sidebar: Record
    d.click(318, 739, "start-recording");  // ● Start recording (countdown 3 s)
    sleep_s(7.0);
    d.snapshot("recording");
    REQUIRE(app.running());
    // The bar: 800x83 at the top centre of the 1280-wide screen; Stop is its second button.
    d.click(240 + 503, 16 + 24, "stop");
    // Finishing, then Details of the new recording.
    sleep_s(3.0);
    d.snapshot("details");
    auto listed = lib.ok({"list"});
    REQUIRE(listed.size() == 1);
    const std::string id = listed[0].at("id").get<std::string>();
    CHECK(listed[0].at("status") == "ready");
    CHECK(listed[0].at("duration_ms").get<int>() >= 1500);
    CHECK(listed[0].at("author") == "ana");

    d.click(261, 24, "library");  // ← Library
    d.click(347, 219, "play");    // the first card's picture plays it
    sleep_s(2.0);
    d.click(1098, 257, "comment-box");  // under the Chapters section
    d.type("Nice demo");
    d.click(978, 303, "comment");
    sleep_s(1.5);
    d.snapshot("commented");
    // It has played to the end by now, where no chapter can start: back to the start (the 0 key) first;
    // it plays on from there while the title is typed.
    REQUIRE(d.x({"xdotool", "key", "0"}).exit_code == 0);
    sleep_s(0.5);
    d.click(1018, 115, "chapter-title");
    d.type("First part");
    d.click(1189, 115, "add-chapter");  // "Add chapter at M:SS"
    sleep_s(1.5);
    d.snapshot("chapter");
    app.stop();  // SIGTERM: the app closes as from the window's close button

    auto comments = lib.ok({"comments", id});
    REQUIRE(comments.size() == 1);
    CHECK(comments[0].at("body") == "Nice demo");
    CHECK(comments[0].at("author") == "ana");
    CHECK(comments[0].contains("at_ms"));
    auto chapters = lib.ok({"chapters", id});
    REQUIRE(chapters.size() == 1);
    CHECK(chapters[0].at("title") == "First part");
    CHECK(chapters[0].at("at_ms").get<int>() < listed[0].at("duration_ms").get<int>());  // where it played on to
    // What played was reported to the catalog.
    auto shown = lib.ok({"show", id});
    REQUIRE(shown.at("views").size() == 1);
    CHECK(shown.at("views")[0].at("person") == "ana");
    CHECK(shown.at("views")[0].at("coverage").get<double>() > 0);
}
