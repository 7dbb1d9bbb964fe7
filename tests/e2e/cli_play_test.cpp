// `walkthrough play` through the binary: a window on a private Xvfb that plays a library recording
// to the end (watch tracking reaches the catalog and marks it watched), resume, the chapter keys,
// the PNG snapshot, and the errors a person can meet.
#include <doctest/doctest.h>

#include <chrono>
#include <thread>

#include "tests/capture_env.hpp"
#include "tests/support.hpp"

using namespace wt::test;
namespace fs = std::filesystem;

namespace {

std::string import_clip(const CliLibrary& lib, const fs::path& clip) {
    auto j = lib.ok({"import", clip.string(), "--title", "Onboarding: VPN", "--kind", "training"});
    return j["id"].get<std::string>();
}

RunResult play(const CliLibrary& lib, const std::string& display, std::vector<std::string> args) {
    std::vector<std::string> all{"--library", lib.root().string(), "--json", "play"};
    all.insert(all.end(), args.begin(), args.end());
    return walkthrough(all, {{"DISPLAY", display}});
}

}  // namespace

TEST_CASE("playing a recording to the end marks it watched; the next play resumes where it stopped") {
    VirtualScreen screen("1024x768x24");
    CliLibrary lib;
    TempDir dir;
    const std::string id = import_clip(lib, make_clip(dir.path, "clip.mp4", 3.0));
    lib.ok({"comment", id, "--at", "0:01", "Why this step?"});

    auto r = play(lib, screen.display, {id, "--silent", "--exit-at-end", "--speed", "2"});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    auto out = r.json();
    CHECK(out["id"] == id);
    CHECK(out["watched"] == true);
    CHECK(out["coverage"].get<double>() >= 0.9);
    CHECK(out["frames_shown"].get<int>() >= 25);  // 75 frames at 2x on a software GL: late ones may be skipped

    auto shown = lib.ok({"show", id});
    REQUIRE(shown["views"].size() == 1);
    CHECK(shown["views"][0]["watched"] == true);
    CHECK(shown["views"][0]["how"] == "coverage");

    // A second person watches only the second half (--start): not enough to count as watched.
    auto part = walkthrough({"--library", lib.root().string(), "--as", "Ana", "--json", "play", id, "--silent",
                             "--exit-at-end", "--start", "1.5"},
                            {{"DISPLAY", screen.display}});
    REQUIRE(part.exit_code == 0);
    auto pj = part.json();
    CHECK(pj["watched"] == false);
    CHECK(pj["coverage"].get<double>() == doctest::Approx(0.5).epsilon(0.1));
}

TEST_CASE("play --snapshot writes the exact frame as a PNG, for a file or a recording") {
    VirtualScreen screen("640x480x24");
    CliLibrary lib;
    TempDir dir;
    const fs::path clip = make_clip(dir.path, "clip.mp4", 2.0, "320x240");
    const std::string id = import_clip(lib, clip);
    for (const std::string& target : {clip.string(), id}) {
        const fs::path png = dir / ("frame-" + std::to_string(target.size()) + ".png");
        auto r = play(lib, screen.display, {target, "--snapshot", "1.0", "--out", png.string()});
        INFO(r.err);
        REQUIRE(r.exit_code == 0);
        auto j = r.json();
        CHECK(j["width"] == 320);
        CHECK(j["height"] == 240);
        CHECK(j["seconds"].get<double>() == doctest::Approx(1.0).epsilon(0.05));
        const std::string bytes = read_file(png);
        REQUIRE(bytes.size() > 1000);
        CHECK(bytes.substr(1, 3) == "PNG");
    }
    // Moments as `comment --at` reads them.
    const fs::path mmss = dir / "mmss.png";
    auto at = play(lib, screen.display, {clip.string(), "--snapshot", "0:01.5", "--out", mmss.string()});
    INFO(at.err);
    REQUIRE(at.exit_code == 0);
    CHECK(at.json()["seconds"].get<double>() == doctest::Approx(1.5).epsilon(0.05));
    auto missing_out = play(lib, screen.display, {clip.string(), "--snapshot", "1"});
    CHECK(missing_out.exit_code == 2);
    CHECK(contains(missing_out.err, "--out"));
    auto bad_start = play(lib, screen.display, {clip.string(), "--start", "2:x"});
    CHECK(bad_start.exit_code == 2);
    CHECK(contains(bad_start.err, "--start '2:x' is not a moment"));
}

TEST_CASE("play says what is wrong: no display, a damaged file, an unknown recording") {
    CliLibrary lib;
    TempDir dir;
    const fs::path clip = make_clip(dir.path, "clip.mp4", 1.0);
    auto no_display = play(lib, "", {clip.string(), "--silent"});
    CHECK(no_display.exit_code != 0);
    CHECK(contains(no_display.err, "DISPLAY"));

    write_file(dir / "broken.mp4", std::string(5000, 'x'));
    auto broken = play(lib, ":0", {(dir / "broken.mp4").string(), "--silent"});
    CHECK(broken.exit_code == 4);
    CHECK(contains(broken.err, "broken.mp4"));

    auto unknown = play(lib, ":0", {"zzzzzz", "--silent"});
    CHECK(unknown.exit_code == 3);
    CHECK(contains(unknown.err, "zzzzzz"));

    auto speed = play(lib, ":0", {clip.string(), "--speed", "4"});
    CHECK(speed.exit_code == 2);
    CHECK(contains(speed.err, "0.5 to 2"));
}

TEST_CASE("PageDown and PageUp go to the next and the previous chapter, exactly") {
    VirtualScreen screen("1024x768x24");
    CliLibrary lib;
    TempDir dir;
    // Far from where playing on its own would be by the end, so only the keys can land there.
    const std::string id = import_clip(lib, make_clip(dir.path, "clip.mp4", 10.0));
    lib.ok({"chapter", id, "--at", "0:02", "Second part"});
    lib.ok({"chapter", id, "--at", "0:08.5", "Third part"});
    lib.ok({"chapter", id, "--at", "0:09", "Last words"});
    ChildProcess app;
    app.start({binary_path(), "--library", lib.root().string(), "--json", "play", id, "--silent", "--start", "0"},
              {{"DISPLAY", screen.display}}, dir / "play.log");
    std::string window;
    for (int i = 0; i < 100 && window.empty(); ++i) {
        auto r = run({"xdotool", "search", "--onlyvisible", "--name", "walkthrough$"}, {{"DISPLAY", screen.display}});
        if (r.exit_code == 0 && !r.out.empty())
            window = r.out.substr(0, r.out.find('\n'));
        else
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    INFO(read_file(dir / "play.log"));
    REQUIRE_FALSE(window.empty());
    x_client(screen, {"xdotool", "windowfocus", "--sync", window});
    // Paused at the start, then next (2 s), next (8.5 s), next (9 s), and previous: just landed on
    // that one, so back to 8.5 s.
    for (const char* key : {"space", "0", "Next", "Next", "Next", "Prior"}) {
        x_client(screen, {"xdotool", "key", key});
        std::this_thread::sleep_for(std::chrono::milliseconds(400));
    }
    app.stop();  // SIGTERM: closes as from the window's close button, printing where it stopped
    const std::string log = read_file(dir / "play.log");
    INFO(log);
    const auto from = log.find('{'), to = log.rfind('}');
    REQUIRE(from != std::string::npos);
    REQUIRE(to != std::string::npos);
    const auto out = nlohmann::json::parse(log.substr(from, to - from + 1));
    CHECK(out["position_ms"].get<int>() == doctest::Approx(8500).epsilon(0.005));
}
