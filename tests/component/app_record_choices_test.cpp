// The Record view's choices in the desktop app, without a window: the pure view logic (microphone
// and window pickers, a region dragged on a still of the screen) and the controller listing, metering
// and picturing against a private Xvfb and PulseAudio null sink.
// (Beside tests/app_model_test.cpp, which is already at the size where files are split.)
#include <doctest/doctest.h>

#include <stdlib.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "app/desktop/model/controller.hpp"
#include "app/desktop/model/view_logic.hpp"
#include "tests/app_fixture.hpp"
#include "tests/capture_env.hpp"

using namespace wt;
using namespace wt::ui;
using namespace wt::test;
using recorder::MicLevel;

namespace {

recorder::Microphone mic(std::string name, std::string description, bool is_default = false, bool monitor = false) {
    return {std::move(name), std::move(description), is_default, monitor};
}

std::vector<std::string> labels(const std::vector<MicOption>& options) {
    std::vector<std::string> out;
    for (const auto& o : options) out.push_back(o.label);
    return out;
}

}  // namespace

// ---------------------------------------------------------------- pure view logic

TEST_CASE("the microphone picker: the default by name, every source, monitors labelled, a lost choice kept") {
    const std::vector<recorder::Microphone> mics = {mic("usb", "Yeti Stereo Microphone"),
                                                    mic("builtin", "Built-in Audio", true),
                                                    mic("out.monitor", "Speakers", false, true)};
    CHECK(mic_label(mics[0]) == "Yeti Stereo Microphone");
    CHECK(mic_label(mics[2]) == "(monitor of Speakers)");
    CHECK(default_mic_label(mics) == "Default microphone (Built-in Audio)");
    CHECK(default_mic_label({}) == "Default microphone");
    CHECK(default_mic_label({mic("m", "Null Output", true, true)}) == "Default microphone (monitor of Null Output)");

    auto options = mic_options(mics, true, "", true);
    CHECK(labels(options) == std::vector<std::string>{"Default microphone (Built-in Audio)", "Yeti Stereo Microphone",
                                                      "Built-in Audio · default", "(monitor of Speakers)",
                                                      "No microphone"});
    CHECK(options[1].choice == 1);
    CHECK(options[1].name == "usb");
    CHECK(options.back().choice == 2);
    CHECK(selected_mic_option(options, 0, "") == 0);
    CHECK(selected_mic_option(options, 1, "out.monitor") == 3);
    CHECK(selected_mic_option(options, 2, "usb") == 4);

    // A saved default that is not plugged in now: still offered (and chosen), marked once the list came.
    RecordForm form;
    AppSettings saved;
    saved.mic = "alsa_input.gone";
    fill_record_defaults(saved, form);
    REQUIRE(form.mic_choice == 1);
    options = mic_options(mics, true, form.mic, true);
    const int chosen = selected_mic_option(options, form.mic_choice, form.mic);
    CHECK(options[static_cast<std::size_t>(chosen)].label == "alsa_input.gone (not found)");
    CHECK(options[static_cast<std::size_t>(chosen)].name == "alsa_input.gone");
    CHECK(mic_options({}, false, "alsa_input.gone", false).back().label == "alsa_input.gone");  // not listed yet
    CHECK(mic_options(mics, true, "usb", false).size() == 4);  // listed: not repeated; no "No microphone"
}

TEST_CASE("the level meter: on only while the form shows a microphone; its words") {
    RecordData r;
    RecordForm f;
    CHECK(meter_target(Screen::record, r, f) == MeterTarget{true, std::nullopt});
    f.mic_choice = 1;
    f.mic = "usb";
    CHECK(meter_target(Screen::record, r, f) == MeterTarget{true, std::string("usb")});
    CHECK_FALSE(meter_target(Screen::library, r, f).on);
    r.phase = RecordPhase::starting;  // the recorder takes the microphone
    CHECK_FALSE(meter_target(Screen::record, r, f).on);
    r.phase = RecordPhase::setup;
    r.pick.phase = RegionPick::Phase::picking;
    CHECK_FALSE(meter_target(Screen::record, r, f).on);
    r.pick.phase = RegionPick::Phase::off;
    f.mic_choice = 2;
    CHECK_FALSE(meter_target(Screen::record, r, f).on);
    f.mic_choice = 0;
    f.audio_input = "lavfi:sine";
    CHECK_FALSE(meter_target(Screen::record, r, f).on);

    MicLevel l;
    CHECK(level_text(l) == "listening…");
    l.state = MicLevel::State::live;
    l.readings = 3;
    CHECK(level_text(l) == "silent: say something");
    l.peak = 0.125f;
    CHECK(level_text(l) == "-18 dB");
    l.state = MicLevel::State::failed;
    l.error = "cannot open the microphone";
    CHECK(level_text(l) == "cannot open the microphone");
}

TEST_CASE("the window picker: title and size, ids as xwininfo prints them, the app's own left out") {
    recorder::WindowInfo a{0x3a00007, "Terminal", 10, 20, 800, 600, 42};
    recorder::WindowInfo b{0x400001, "", 0, 0, 300, 200, 7};
    CHECK(window_label(a) == "Terminal — 800×600");
    CHECK(window_label(b) == "(untitled) — 300×200");
    CHECK(window_id_text(a.id) == "0x3a00007");
    CHECK(recorder::parse_window_id(window_id_text(a.id)) == a.id);
    const auto kept = pickable_windows({a, b}, 7);
    REQUIRE(kept.size() == 1);
    CHECK(kept[0].id == a.id);
    CHECK(pickable_windows({a, b}, 0).size() == 2);  // unknown own pid: nothing left out
}

TEST_CASE("a region dragged on the still: view to screen pixels, either direction, even, within the screen") {
    // A 1920x1080 screen shown in an area 1000 wide and 800 high at (100, 50): as wide as fits.
    const ViewRect still = fit_still({100, 50, 1000, 800}, 1920, 1080);
    CHECK(still.x == 100);
    CHECK(still.y == 50);
    CHECK(still.width == doctest::Approx(1000));
    CHECK(still.height == doctest::Approx(562.5));
    const ViewRect tall = fit_still({0, 0, 1000, 300}, 1920, 1080);  // as high as fits
    CHECK(tall.height == doctest::Approx(300));
    CHECK(tall.width == doctest::Approx(533.33).epsilon(0.001));
    CHECK(fit_still({0, 0, 100, 100}, 0, 0).width == 0);

    auto at = view_to_screen({600, 331.25f}, still, 1920, 1080);  // the middle
    CHECK(at.x == doctest::Approx(960));
    CHECK(at.y == doctest::Approx(540));
    at = view_to_screen({50, 2000}, still, 1920, 1080);  // outside: on the edge
    CHECK(at.x == 0);
    CHECK(at.y == 1080);
    const ViewPoint back = screen_to_view({960, 540}, still, 1920, 1080);
    CHECK(back.x == doctest::Approx(600));
    CHECK(back.y == doctest::Approx(331.25));

    // Dragged up-left from (1001.4, 600.2) to (100.6, 40): whole pixels, even sizes.
    PixelRect r = drag_region({1001.4f, 600.2f}, {100.6f, 40.0f}, 1920, 1080);
    CHECK(r == PixelRect{100, 40, 902, 560});
    CHECK(region_text(r) == "100,40,902x560");
    CHECK(checked_region(region_text(r)).has_value());   // what the recorder is given
    r = drag_region({10, 10}, {20.5f, 15}, 1920, 1080);  // 11 x 5 -> 10 x 4
    CHECK(r == PixelRect{10, 10, 10, 4});
    r = drag_region({1900, 1070}, {1925, 1090}, 1920, 1080);  // past the edge: cut there, still even
    CHECK(r == PixelRect{1900, 1070, 20, 10});
    r = drag_region({1919, 5}, {1920, 5}, 1921, 1080);  // odd screen width: never past it
    CHECK(r.x + r.width <= 1921);
    CHECK(r.width % 2 == 0);
    CHECK(drag_region({5, 5}, {5, 5}, 1920, 1080).width == 0);  // a click is no region

    CHECK(region_of(" 10, 20 , 640x480") == PixelRect{10, 20, 640, 480});
    CHECK_FALSE(region_of("640x480").has_value());
    CHECK_FALSE(region_of("-1,0,640x480").has_value());
}

// ---------------------------------------------------------------- the controller

TEST_CASE("the recording bar stays off what is recorded when the screen has room") {
    const PixelRect screen{0, 0, 1920, 1080};
    const int bw = 800, bh = 84, gap = 16;
    auto overlaps = [](const PixelRect& a, const PixelRect& b) {
        return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
    };
    // Whole screen: at the top, centred (it is in the video; nothing else fits).
    CHECK(recording_bar_place(screen, bw, bh, std::nullopt, gap) == PixelRect{560, 16, bw, bh});
    // A region away from the top: the usual place already misses it.
    const PixelRect low{100, 400, 1280, 600};
    CHECK(recording_bar_place(screen, bw, bh, low, gap) == PixelRect{340, 16, bw, bh});
    // A region at the top: the bar goes below it, centred on it.
    const PixelRect high{0, 0, 1280, 720};
    const PixelRect below = recording_bar_place(screen, bw, bh, high, gap);
    CHECK(below == PixelRect{240, 736, bw, bh});
    CHECK_FALSE(overlaps(below, high));
    // Tall and near the left edge: beside it, on the right.
    const PixelRect tall{0, 0, 900, 1080};
    const PixelRect right = recording_bar_place(screen, bw, bh, tall, gap);
    CHECK(right.x == 916);
    CHECK_FALSE(overlaps(right, tall));
    // Almost the whole screen: nowhere fits, so the top as for the whole screen.
    CHECK(recording_bar_place(screen, bw, bh, PixelRect{10, 10, 1900, 1060}, gap).y == 16);
    // The recorded area comes from the region, or from the chosen window as listed.
    recorder::RecordOptions o;
    o.region = "0,0,1280x720";
    CHECK(recorded_area(o, {}) == high);
    o.region.reset();
    CHECK_FALSE(recorded_area(o, {}).has_value());
    o.window = 0x3a00007;
    recorder::WindowInfo w;
    w.id = 0x3a00007;
    w.x = 50, w.y = 60, w.width = 640, w.height = 480;
    CHECK(recorded_area(o, {w}) == PixelRect{50, 60, 640, 480});
    o.window = 0x1234;
    CHECK_FALSE(recorded_area(o, {w}).has_value());
}

namespace {

struct RecordApp : AppOnLibrary {
    std::vector<bool> hidden;  // what hide_window was asked, in order
    explicit RecordApp(LibraryFixture& fx, bool hide = false)
        : AppOnLibrary(fx, "ana", [this, hide](ui::Controller::Options& o) {
              if (hide) o.hide_window = [this](bool h) { hidden.push_back(h); };
          }) {}
};

}  // namespace

TEST_CASE("the Record view lists the microphones, meters the chosen one, and lets go of it to record") {
    VirtualMicrophone pulse;
    ::setenv("PULSE_SERVER", pulse.server.c_str(), 1);
    LibraryFixture fx;
    fx.open_as("ana").reset();
    RecordApp app(fx);
    CHECK(app.s().record.meter == nullptr);  // not before the view opens

    app.act(intent::Navigate{Screen::record});
    REQUIRE(app.s().record.mics_listed);
    CHECK(app.s().record.mics_error.empty());
    REQUIRE(app.s().record.microphones.size() == 1);
    CHECK(app.s().record.microphones[0].name == "test_mic.monitor");
    REQUIRE(app.s().record.meter != nullptr);
    CHECK(app.s().record.meter->source() == std::nullopt);  // the default microphone
    CHECK(app.tick_until([&] { return app.s().record.level.readings > 2; }));
    CHECK(app.s().record.level.state == MicLevel::State::live);

    // Choosing a microphone (the combo edits the form) moves the meter to it.
    auto& form = app.c->drafts().record;
    form.mic_choice = 1;
    form.mic = "test_mic.monitor";
    app.c->tick();
    REQUIRE(app.s().record.meter != nullptr);
    CHECK(app.s().record.meter->source() == std::optional<std::string>("test_mic.monitor"));
    form.mic_choice = 2;  // none: nothing to meter
    app.c->tick();
    CHECK(app.s().record.meter == nullptr);
    form.mic_choice = 0;
    app.act(intent::Navigate{Screen::library});
    CHECK(app.s().record.meter == nullptr);  // leaving the view stops it
    app.act(intent::Navigate{Screen::record});
    CHECK(app.s().record.meter != nullptr);

    // Starting: the meter is gone before the recorder opens the microphone.
    form.video_input = "lavfi:testsrc2=size=320x240:rate=15";
    form.countdown = 0;
    app.c->apply(intent::StartRecording{});
    CHECK(app.s().record.meter == nullptr);
    REQUIRE(app.c->settle(20000));
    REQUIRE_MESSAGE(app.s().record.recorder != nullptr, app.s().record.error);
    CHECK(app.tick_until([&] { return app.s().record.stats.elapsed_ms > 800; }));
    CHECK(app.s().record.stats.has_audio);
    CHECK(app.s().record.meter == nullptr);  // and stays gone while recording
    app.act(intent::StopRecording{});
    CHECK(app.s().record.phase == RecordPhase::setup);
    CHECK(app.s().record.meter == nullptr);  // the new recording shows in details
    app.act(intent::Navigate{Screen::record});
    CHECK(app.s().record.meter != nullptr);  // back on the form: metering again
}

TEST_CASE("the Record view lists the windows (not its own) and pictures the screen to drag a region on") {
    VirtualScreen screen("640x480x24");
    FlatWindow red(screen, "red", "20x5+400+300");
    LibraryFixture fx;
    fx.open_as("ana").reset();
    RecordApp app(fx, true);
    auto& form = app.c->drafts().record;
    form.display = screen.display;

    form.area = RecordForm::Area::window;
    app.act(intent::Navigate{Screen::record});
    CHECK(app.s().record.windows_error.empty());
    bool found = false;
    for (const auto& w : app.s().record.windows) {
        found |= std::to_string(w.id) == red.id && w.title == "wt-flat-red-" + std::to_string(::getpid());
        CHECK(w.pid != ::getpid());
    }
    CHECK(found);

    // The still: the window hidden while it is taken, shown again, the picture queued for the shell.
    form.area = RecordForm::Area::region;
    form.region = "400,300,100x60";
    app.c->apply(intent::PickRegion{});
    CHECK(app.s().record.pick.phase == RegionPick::Phase::grabbing);
    CHECK(app.hidden == std::vector<bool>{true});
    REQUIRE(app.c->settle(20000));
    const RegionPick& pick = app.s().record.pick;
    REQUIRE(pick.phase == RegionPick::Phase::picking);
    CHECK(app.hidden == std::vector<bool>{true, false});
    CHECK(pick.width == 640);
    CHECK(pick.height == 480);
    REQUIRE_FALSE(app.s().thumbnails_ready.empty());
    const Thumbnail& still = app.s().thumbnails_ready.back();
    CHECK(still.id == pick.texture);
    CHECK(still.width == 640);
    CHECK(still.height == 480);
    REQUIRE(still.rgba.size() == 640u * 480u * 4u);
    const std::size_t inside = (310u * 640u + 420u) * 4u;  // in the red window
    CHECK(static_cast<int>(still.rgba[inside]) == 255);
    CHECK(static_cast<int>(still.rgba[inside + 1]) == 0);
    CHECK(static_cast<int>(still.rgba[inside + 2]) == 0);
    // The typed region is where the rectangle starts.
    CHECK(form.drag.chosen);
    CHECK(form.drag.x0 == 400);
    CHECK(form.drag.x1 == 500);
    CHECK(form.drag.y1 == 360);
    CHECK(app.s().record.meter == nullptr);  // nothing listens while the picture shows

    // Done (the view wrote the region): the texture is let go.
    const std::string texture = pick.texture;
    form.region = "0,0,320x240";
    app.act(intent::EndPick{});
    CHECK(app.s().record.pick.phase == RegionPick::Phase::off);
    REQUIRE_FALSE(app.s().thumbnails_ready.empty());
    CHECK(app.s().thumbnails_ready.back().id == texture);
    CHECK(app.s().thumbnails_ready.back().rgba.empty());
    CHECK(form.region == "0,0,320x240");
    CHECK_FALSE(form.drag.chosen);

    // Cancelled before the picture came: it is dropped when it comes, and the window is back.
    app.c->apply(intent::PickRegion{});
    app.c->apply(intent::EndPick{});
    REQUIRE(app.c->settle(20000));
    CHECK(app.s().record.pick.phase == RegionPick::Phase::off);
    CHECK(app.hidden == std::vector<bool>{true, false, true, false});

    // A display that cannot be pictured: a notice, the form as it was.
    form.display = ":4093";
    app.act(intent::PickRegion{});
    CHECK(app.s().record.pick.phase == RegionPick::Phase::off);
    REQUIRE_FALSE(app.s().banners.empty());
    CHECK(contains(app.s().banners.back().text, ":4093"));
    CHECK(app.hidden.back() == false);
}
