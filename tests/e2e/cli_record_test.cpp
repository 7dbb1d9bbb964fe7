// The recorder through the binary: lavfi sources paced as devices, a private Xvfb + PulseAudio,
// clean stops, kill -9 and recover, and the failures of DESIGN.md §7.
#include <doctest/doctest.h>

#include <signal.h>

#include <algorithm>
#include <chrono>
#include <sstream>
#include <thread>

#include <fmt/format.h>

#include "tests/capture_env.hpp"
#include "tests/media_edit.hpp"
#include "tests/record_support.hpp"
#include "tests/support.hpp"

namespace fs = std::filesystem;
using nlohmann::json;
using namespace wt::test;

TEST_CASE("a recording lands in the library with the asked duration, both streams, BT.709 tags") {
    CliLibrary lib;
    json r = lib.ok({"record", "--title", "Sync demo", "--kind", "training", "--tag", "demo", "--duration", "3",
                     "--video-input", k_moving, "--audio-input", k_tone});
    CHECK(r.at("status") == "ready");
    CHECK(r.at("title") == "Sync demo");
    CHECK(r.at("kind") == "training");
    CHECK(r.at("tags") == json::array({"demo"}));
    CHECK(r.at("video_codec") == "h264");
    CHECK(r.at("audio_codec") == "opus");
    CHECK(r.at("frames_captured") == 90);
    CHECK(r.at("frames_dropped") == 0);
    CHECK(std::abs(r.at("audio_drift_ms").get<int>()) <= 40);
    CHECK(r.at("finish_ms").get<int>() < 1000);

    const fs::path media = lib.root() / r.at("media_path").get<std::string>();
    json p = probe(media);
    double video_s = 0, audio_s = 0;
    for (const auto& s : p.at("streams")) {
        if (s.at("codec_type") == "video") {
            video_s = std::stod(s.at("duration").get<std::string>());
            CHECK(s.at("color_space") == "bt709");
            CHECK(s.at("color_primaries") == "bt709");
            CHECK(s.at("color_range") == "tv");
        } else {
            audio_s = std::stod(s.at("duration").get<std::string>());
        }
    }
    CHECK(video_s == doctest::Approx(3.0).epsilon(0.0112));  // ±1 frame at 30 fps
    CHECK(audio_s == doctest::Approx(3.0).epsilon(0.03));
    check_decodes_cleanly(media);
    // Every picture encoded is in the file, the last one included.
    auto counted = run({"ffprobe", "-v", "error", "-count_frames", "-select_streams", "v", "-show_entries",
                        "stream=nb_read_frames", "-of", "csv=p=0", media.string()});
    CHECK(std::stoi(counted.out) == r.at("frames_encoded").get<int>());
    CHECK(fs::exists(lib.root() / r.at("thumbnail_path").get<std::string>()));
    CHECK(files_in(lib.root() / "incoming").empty());  // nothing left behind

    // The x264 settings bench/x264-trials chose, as x264 wrote them into the stream: UMH finds
    // scrolled text, whole pixels only (a screen moves by whole pixels), nothing held back (no
    // lookahead, no B-frames, one thread).
    const std::string bytes = read_file(media);
    const auto at = bytes.find("x264 - core");
    REQUIRE(at != std::string::npos);
    const std::string options = " " + bytes.substr(at, bytes.find('\0', at) - at) + " ";
    INFO(options);
    for (const char* want : {" me=umh ", " subme=0 ", " weightp=0 ", " 8x8dct=0 ", " mbtree=0 ", " bframes=0 ",
                             " threads=1 ", " keyint=300 ", " keyint_min=30 ", " rc=crf ", " crf=23.0 "}) {
        CHECK(options.find(want) != std::string::npos);
    }
    // x264 names its lookahead only when it has one.
    CHECK(options.find("rc_lookahead=") == std::string::npos);
}

TEST_CASE("an unchanged screen is not re-encoded, yet a frame at least every second is written") {
    CliLibrary lib;
    json r =
        lib.ok({"record", "--duration", "4", "--no-mic", "--video-input", "lavfi:color=c=navy:size=1280x720:rate=30"});
    const int captured = r.at("frames_captured"), encoded = r.at("frames_encoded");
    CHECK(captured == 120);
    CHECK(r.at("frames_skipped_unchanged").get<int>() + encoded == captured);
    CHECK(encoded >= 4);             // ≥ 1 a second keeps the crash-loss window bounded
    CHECK(encoded <= captured / 5);  // ... but far fewer than captured
    CHECK(r.at("title").get<std::string>().rfind("Recording ", 0) == 0);  // no --title: a dated one
    json p = probe(lib.root() / r.at("media_path").get<std::string>());
    CHECK(std::stod(p.at("format").at("duration").get<std::string>()) == doctest::Approx(4.0).epsilon(0.0085));
}

TEST_CASE("SIGINT, SIGTERM and SIGHUP stop cleanly: the recording is finished and in the library") {
    for (int sig : {SIGINT, SIGTERM, SIGHUP}) {
        CAPTURE(sig);
        CliLibrary lib;
        ChildProcess rec;
        start_record_into_incoming(rec, lib, {"--video-input", k_moving, "--audio-input", k_tone});
        std::this_thread::sleep_for(std::chrono::milliseconds(2500));
        ::kill(rec.pid(), sig);
        CHECK(rec.wait() == 0);
        json r = record_output(lib);
        CHECK(r.at("status") == "ready");
        CHECK(r.at("duration_ms").get<int>() > 1500);
        CHECK(lib.ok({"list"}).size() == 1);
    }
}

TEST_CASE("under nohup (SIGHUP ignored at start) a closed terminal does not stop the recording") {
    CliLibrary lib;
    ChildProcess rec;
    struct sigaction ignore {};
    struct sigaction before {};
    ignore.sa_handler = SIG_IGN;
    sigemptyset(&ignore.sa_mask);
    sigaction(SIGHUP, &ignore, &before);  // inherited through exec, as nohup passes it on
    start_record(rec, lib, {"--video-input", k_moving, "--audio-input", k_tone});
    sigaction(SIGHUP, &before, nullptr);
    // Counted from when the recording has started (its file is in incoming/), however slow the start.
    for (int i = 0; i < 500 && with_extension(lib.root() / "incoming", ".mkv").empty(); ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    REQUIRE(with_extension(lib.root() / "incoming", ".mkv").size() == 1);
    std::this_thread::sleep_for(std::chrono::milliseconds(1000));
    ::kill(rec.pid(), SIGHUP);
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    CHECK(rec.running());  // still recording
    ::kill(rec.pid(), SIGINT);
    CHECK(rec.wait() == 0);
    json r = record_output(lib);
    CHECK(r.at("status") == "ready");
    CHECK(r.at("duration_ms").get<int>() > 1500);  // it went on past the hangup
}

TEST_CASE("kill -9 loses at most the last 2 s; recover makes the rest playable and marks it recovered") {
    CliLibrary lib;
    ChildProcess rec;
    // The file appears as recording starts, with what was typed for it next to it.
    start_record_into_incoming(
        rec, lib,
        {"--title", "doomed", "--video-input", "lavfi:testsrc2=size=1280x720:rate=30", "--audio-input", k_tone}, {},
        "rec.log");
    REQUIRE(with_extension(lib.root() / "incoming", ".mkv").size() == 1);
    std::this_thread::sleep_for(std::chrono::seconds(5));
    ::kill(rec.pid(), SIGKILL);
    CHECK(rec.wait() == 128 + SIGKILL);

    const RunResult recover = lib.run({"--json", "recover"});
    REQUIRE(recover.exit_code == 0);
    CHECK_FALSE(contains(recover.err, "recovered an interrupted recording"));  // reported once, on stdout
    json recovered = recover.json();
    REQUIRE(recovered.size() == 1);
    CHECK(recovered[0].at("status") == "recovered");
    CHECK(recovered[0].at("note").get<std::string>().find("interrupted") != std::string::npos);
    const int kept_ms = recovered[0].at("duration_ms");
    CHECK(kept_ms >= 3000);  // 5 s recorded, ≤ 2 s lost
    CHECK(kept_ms <= 5300);
    const fs::path media = lib.root() / recovered[0].at("media_path").get<std::string>();
    check_decodes_cleanly(media);
    CHECK(files_in(lib.root() / "incoming").empty());
    CHECK(lib.ok({"recover"}).empty());  // nothing twice
}

TEST_CASE("kill -9 on a still screen after a change: the change is in what is kept") {
    // Blue, then from 1 s on a red square that stays: one change, then a still screen, on which
    // only one picture a second is written. An encoder that holds pictures back (a lookahead,
    // B-frames) would keep the change until enough pictures follow it, long after 2 s.
    CliLibrary lib;
    ChildProcess rec;
    start_record_into_incoming(
        rec, lib,
        {"--title", "still", "--video-input",
         "lavfi:color=c=blue:s=320x240:r=30,drawbox=x=0:y=0:w=160:h=120:c=red:t=fill:enable='gte(t,1)'",
         "--audio-input", k_tone},
        {}, "rec.log");
    REQUIRE(with_extension(lib.root() / "incoming", ".mkv").size() == 1);
    std::this_thread::sleep_for(std::chrono::milliseconds(4500));
    ::kill(rec.pid(), SIGKILL);
    CHECK(rec.wait() == 128 + SIGKILL);
    json recovered = lib.run({"--json", "recover"}).json();
    REQUIRE(recovered.size() == 1);
    CHECK(recovered[0].at("duration_ms").get<int>() >= 2500);
    const Picture last = picture_by_ffmpeg(lib.root() / recovered[0].at("media_path").get<std::string>(), true);
    CHECK(last.colour_at(40, 30) == "red");
    CHECK(last.colour_at(280, 200) == "blue");
}

TEST_CASE("no display: a clear error naming DISPLAY, nothing written") {
    CliLibrary lib;
    auto r =
        walkthrough({"--library", lib.root().string(), "record", "--no-mic", "--duration", "1"}, {{"DISPLAY", ""}});
    CHECK(r.exit_code == 3);
    CHECK(contains(r.err, "DISPLAY"));
    CHECK(files_in(lib.root() / "incoming").empty());
    CHECK(lib.ok({"list"}).empty());
    // A display that is set but not there.
    r = walkthrough({"--library", lib.root().string(), "record", "--no-mic", "--display", ":987"});
    CHECK(r.exit_code == 3);
    CHECK(contains(r.err, ":987"));
}

TEST_CASE("no microphone: a clear error that offers --no-mic, nothing written") {
    CliLibrary lib;
    auto r = walkthrough({"--library", lib.root().string(), "record", "--duration", "1", "--video-input", k_moving},
                         {{"PULSE_SERVER", "unix:/nonexistent/pulse"}, {"ALSA_CONFIG_PATH", "/nonexistent"}});
    CHECK(r.exit_code == 3);
    CHECK(contains(r.err, "no microphone"));
    CHECK(contains(r.err, "--no-mic"));
    CHECK(files_in(lib.root() / "incoming").empty());
}

TEST_CASE("bad options are refused before anything is recorded") {
    CliLibrary lib;
    for (const auto& args : std::vector<std::vector<std::string>>{
             {"record", "--region", "10,10", "--no-mic"},
             {"record", "--quality", "ultra", "--no-mic"},
             {"record", "--fps", "0", "--no-mic"},
             {"record", "--no-mic", "--mic", "x"},
             {"record", "--no-mic", "--video-input", "nosuchformat:x"},
             {"record", "--no-mic", "--window", "0x400001", "--region", "0,0,100x100"},
             {"record", "--no-mic", "--window", "notanid"}}) {
        CAPTURE(args[1]);
        auto r = lib.run(args);
        CHECK(r.exit_code != 0);
        CHECK_FALSE(r.err.empty());
    }
    CHECK(files_in(lib.root() / "incoming").empty());
}

TEST_CASE("the real screen and microphone: a private Xvfb and a PulseAudio null sink") {
    VirtualScreen screen("1280x720x24");
    VirtualMicrophone mic;
    CliLibrary lib;
    auto env = mic.env();
    env["DISPLAY"] = screen.display;
    auto r = walkthrough({"--library", lib.root().string(), "--json", "record", "--duration", "3", "--mic",
                          "test_mic.monitor", "--fps", "30", "--region", "0,0,640x480"},
                         env);
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    json j = json::parse(r.out);
    CHECK(j.at("width") == 640);
    CHECK(j.at("height") == 480);
    CHECK(j.at("audio_codec") == "opus");
    CHECK(j.at("frames_captured").get<int>() >= 80);
    // Xvfb's screen does not change: nearly everything is skipped as unchanged.
    CHECK(j.at("frames_skipped_unchanged").get<int>() > j.at("frames_encoded").get<int>());
    CHECK(j.at("duration_ms").get<int>() == doctest::Approx(3000).epsilon(0.05));
    check_decodes_cleanly(lib.root() / j.at("media_path").get<std::string>());
}

namespace {
json record_screen(const CliLibrary& lib, const VirtualScreen& screen, std::vector<std::string> args) {
    std::vector<std::string> argv = {"--library", lib.root().string(), "--json", "record", "--no-mic"};
    argv.insert(argv.end(), args.begin(), args.end());
    auto r = walkthrough(argv, {{"DISPLAY", screen.display}});
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    return json::parse(r.out);
}
}  // namespace

TEST_CASE("the own X11 source: an unchanged screen is neither grabbed nor encoded, yet written once a second") {
    VirtualScreen screen("640x480x24");
    CliLibrary lib;
    // The path record takes is the one doctor reports (both open the screen the same way).
    auto doctor = walkthrough({"--library", lib.root().string(), "--json", "doctor"}, {{"DISPLAY", screen.display}});
    REQUIRE(doctor.exit_code == 0);
    CHECK(contains(doctor.out, "MIT-SHM + XDamage"));

    json j = record_screen(lib, screen, {"--duration", "4"});
    const int captured = j.at("frames_captured"), encoded = j.at("frames_encoded");
    CHECK(captured >= 115);  // 30 fps, 4 s
    CHECK(captured <= 121);
    CHECK(j.at("frames_skipped_unchanged").get<int>() + encoded == captured);
    CHECK(j.at("frames_dropped") == 0);
    CHECK(encoded >= 4);  // the first picture, then one a second
    CHECK(encoded <= 6);
    const fs::path media = lib.root() / j.at("media_path").get<std::string>();
    const std::vector<double> written = packet_times(media, "v");
    REQUIRE(written.size() == static_cast<size_t>(encoded));
    for (size_t i = 1; i < written.size(); ++i) CHECK(written[i] - written[i - 1] <= 1.05);
    CHECK(written.back() > 3.8);  // the unchanged picture lasts to the end
    check_decodes_cleanly(media);
}

TEST_CASE("the own X11 source: a window moved on screen is captured at its moment, in BT.709 colours") {
    VirtualScreen screen("640x480x24");
    FlatWindow red(screen, "red", "20x5+400+300");
    CliLibrary lib;
    ChildProcess rec;
    start_record_into_incoming(rec, lib, {"--no-mic", "--duration", "5"}, {{"DISPLAY", screen.display}});
    std::this_thread::sleep_for(std::chrono::milliseconds(2500));
    x_client(screen, {"xdotool", "windowmove", red.id, "20", "20"});
    REQUIRE(rec.wait() == 0);
    const json j = record_output(lib);
    const fs::path media = lib.root() / j.at("media_path").get<std::string>();
    CHECK(j.at("frames_encoded").get<int>() <= 12);  // one change, and one picture a second

    const auto before = area_stats(media, 1.0, 40, 40, 60, 30);
    CHECK(before.at("YMAX") < 30);  // black root window there
    const auto after = area_stats(media, 4.5, 40, 40, 60, 30);
    // Red in BT.709 limited range: Y 63, Cb 102, Cr 240 (BT.601 would give Y 81, Cb 90).
    CHECK(after.at("YAVG") == doctest::Approx(63).epsilon(0.05));
    CHECK(after.at("UAVG") == doctest::Approx(102).epsilon(0.04));
    CHECK(after.at("VAVG") == doctest::Approx(240).epsilon(0.02));
    CHECK(area_stats(media, 4.5, 420, 320, 60, 30).at("YMAX") < 30);  // gone from where it was
    // Moved 2.5 s after record started, less record's own start-up: stamped when grabbed.
    const double moved = red_from(media, 40, 40, 60, 30);
    CHECK(moved > 1.5);
    CHECK(moved < 2.7);
}

TEST_CASE("the own X11 source: the pointer is drawn where it is, and moving it is a change") {
    VirtualScreen screen("640x480x24");
    x_client(screen, {"xdotool", "mousemove", "100", "100"});
    CliLibrary lib;
    ChildProcess rec;
    start_record_into_incoming(rec, lib, {"--no-mic", "--duration", "4"}, {{"DISPLAY", screen.display}});
    std::this_thread::sleep_for(std::chrono::milliseconds(2000));
    x_client(screen, {"xdotool", "mousemove", "500", "380"});
    REQUIRE(rec.wait() == 0);
    const json j = record_output(lib);
    const fs::path media = lib.root() / j.at("media_path").get<std::string>();
    // X's default cursor is a black cross with a white outline, over a black screen.
    CHECK(area_stats(media, 1.0, 88, 88, 24, 24).at("YMAX") > 150);
    CHECK(area_stats(media, 1.0, 488, 368, 24, 24).at("YMAX") < 40);
    CHECK(area_stats(media, 3.7, 88, 88, 24, 24).at("YMAX") < 40);
    CHECK(area_stats(media, 3.7, 488, 368, 24, 24).at("YMAX") > 150);
    CHECK(j.at("frames_encoded").get<int>() >= 5);  // 4 once-a-second pictures and the move
}

TEST_CASE("the own X11 source: --region records that rectangle, with the pointer placed inside it") {
    VirtualScreen screen("640x480x24");
    FlatWindow red(screen, "red", "20x5+400+300");
    x_client(screen, {"xdotool", "mousemove", "580", "410"});
    CliLibrary lib;
    json j = record_screen(lib, screen, {"--duration", "2", "--region", "380,280,240x160"});
    CHECK(j.at("width") == 240);
    CHECK(j.at("height") == 160);
    const fs::path media = lib.root() / j.at("media_path").get<std::string>();
    CHECK(area_stats(media, 1.0, 40, 35, 60, 30).at("VAVG") > 230);    // the window, 20 px in from the corner
    CHECK(area_stats(media, 1.0, 2, 2, 12, 12).at("YMAX") < 30);       // the black screen before it
    CHECK(area_stats(media, 1.0, 190, 120, 20, 20).at("YMAX") > 150);  // the pointer at (580, 410) - (380, 280)
    CHECK(area_stats(media, 1.0, 190, 60, 20, 20).at("YMAX") < 30);
    // A region that does not fit on the screen is refused before anything is written.
    auto r = walkthrough({"--library", lib.root().string(), "record", "--no-mic", "--region", "500,400,320x240"},
                         {{"DISPLAY", screen.display}});
    CHECK(r.exit_code == 2);
    CHECK(contains(r.err, "does not fit"));
}

TEST_CASE("the own X11 source: an X server that goes away ends the recording cleanly, with a warning") {
    VirtualScreen screen("640x480x24");
    CliLibrary lib;
    ChildProcess rec;
    start_record_into_incoming(rec, lib, {"--no-mic", "--duration", "10"}, {{"DISPLAY", screen.display}});
    std::this_thread::sleep_for(std::chrono::milliseconds(2000));
    screen.xvfb.stop();
    REQUIRE(rec.wait() == 0);  // Xlib would exit(1) on a lost connection; the recorder ends cleanly
    const json j = record_output(lib);
    CHECK(j.at("status") == "ready");
    CHECK(j.at("duration_ms").get<int>() > 1000);
    CHECK(j.at("duration_ms").get<int>() < 3500);  // of the 10 asked for: it ended when the X server did
    CHECK(contains(j.at("note").get<std::string>(), "X server"));
    check_decodes_cleanly(lib.root() / j.at("media_path").get<std::string>());
}

namespace {

// Records through the binary, pausing with SIGUSR1 after `before_ms` for `paused_ms`, then stops
// with SIGINT `after_ms` after resuming; returns record's JSON.
json record_with_pause(const CliLibrary& lib, const std::string& video, const std::string& audio, int before_ms,
                       int paused_ms, int after_ms) {
    ChildProcess rec;
    start_record(rec, lib, {"--video-input", video, "--audio-input", audio});
    for (auto [wait_ms, sig] : {std::pair{before_ms, SIGUSR1}, {paused_ms, SIGUSR1}, {after_ms, SIGINT}}) {
        std::this_thread::sleep_for(std::chrono::milliseconds(wait_ms));
        ::kill(rec.pid(), sig);
    }
    REQUIRE(rec.wait() == 0);
    return record_output(lib);
}
}  // namespace

TEST_CASE("SIGUSR1 pauses and resumes: the paused time is left out, with no gap or jump") {
    CliLibrary lib;
    json r = record_with_pause(lib, k_moving, k_tone, 2000, 2000, 1500);
    CHECK(r.at("paused_ms").get<int>() == doctest::Approx(2000).epsilon(0.1));
    CHECK(r.at("duration_ms").get<int>() < 4000);  // 5.5 s of wall time minus the pause
    const fs::path media = lib.root() / r.at("media_path").get<std::string>();
    // Cut at the same instants in both streams: audio to the sample (no gap), video by dropping
    // frames inside the pause (the frame before it then shows for at most two frame times).
    CHECK(largest_gap(media, "a") < 0.03);
    CHECK(largest_gap(media, "v") < 0.07);
    json p = probe(media);
    const double v = std::stod(p.at("streams")[0].at("duration").get<std::string>());
    const double a = std::stod(p.at("streams")[1].at("duration").get<std::string>());
    CHECK(std::abs(v - a) < 0.1);  // the pause was cut from both (a miss would be ~2 s)
    check_decodes_cleanly(media);
}

TEST_CASE("a microphone that disappears mid-recording: video goes on, silence is filled, a warning is noted") {
    VirtualMicrophone mic;
    CliLibrary lib;
    ChildProcess rec;
    start_record_into_incoming(rec, lib, {"--duration", "5", "--video-input", k_moving, "--mic", "test_mic.monitor"},
                               mic.env());
    std::this_thread::sleep_for(std::chrono::milliseconds(2500));
    mic.daemon.stop();  // the sound server goes away (stopped by its PID)
    REQUIRE(rec.wait() == 0);
    json r = record_output(lib);
    CHECK(r.at("duration_ms").get<int>() == doctest::Approx(5000).epsilon(0.02));
    CHECK(contains(r.at("note").get<std::string>(), "microphone stopped"));
    REQUIRE(r.at("warnings").size() >= 1);
    json p = probe(lib.root() / r.at("media_path").get<std::string>());
    for (const auto& s : p.at("streams")) {  // the audio runs to the end too
        CHECK(std::stod(s.at("duration").get<std::string>()) == doctest::Approx(5.0).epsilon(0.03));
    }
}

TEST_CASE("a full disk stops the recording cleanly; what was written is kept and recovered") {
    SmallDisk disk("4m");
    const fs::path root = disk.dir / "lib";
    REQUIRE(walkthrough({"--library", root.string(), "people"}).exit_code == 0);
    write_file(disk.dir / "filler", std::string(2'200'000, '\0'));
    auto r = walkthrough({"--library", root.string(), "record", "--duration", "30", "--video-input",
                          "lavfi:testsrc2=size=1280x720:rate=30", "--audio-input", k_tone});
    CHECK(r.exit_code != 0);
    CHECK(contains(r.err, "No space left on device"));
    CHECK(contains(r.err, "recover"));
    REQUIRE(with_extension(root / "incoming", ".mkv").size() == 1);  // kept

    fs::remove(disk.dir / "filler");  // the person frees some space
    auto rec = walkthrough({"--library", root.string(), "--json", "recover"});
    REQUIRE_MESSAGE(rec.exit_code == 0, rec.err);
    json recovered = json::parse(rec.out);
    REQUIRE(recovered.size() == 1);
    CHECK(recovered[0].at("duration_ms").get<int>() > 2000);
    check_decodes_cleanly(root / recovered[0].at("media_path").get<std::string>());
}

namespace {
// RMS level in dB of seconds [from, to) of a file's audio.
double rms_db(const fs::path& file, double from, double to) {
    auto r = run({"ffmpeg", "-nostdin", "-v", "info", "-i", file.string(), "-af",
                  "atrim=" + std::to_string(from) + ":" + std::to_string(to) +
                      ",astats=measure_overall=RMS_level:measure_perchannel=0",
                  "-f", "null", "-"});
    REQUIRE(r.exit_code == 0);
    auto at = r.err.find("RMS level dB: ");
    REQUIRE(at != std::string::npos);
    return std::stod(r.err.substr(at + 14));
}
}  // namespace

TEST_CASE("--denoise lowers the noise floor of a hissing microphone") {
    CliLibrary lib;
    const std::string hiss = "lavfi:anoisesrc=color=white:amplitude=0.02:sample_rate=48000[out0]";
    const std::string still = "lavfi:color=c=black:size=320x240:rate=10";
    json plain = lib.ok({"record", "--duration", "3", "--video-input", still, "--audio-input", hiss});
    json cleaned = lib.ok({"record", "--duration", "3", "--denoise", "--video-input", still, "--audio-input", hiss});
    const double before = rms_db(lib.root() / plain.at("media_path").get<std::string>(), 1, 3);
    const double after = rms_db(lib.root() / cleaned.at("media_path").get<std::string>(), 1, 3);
    CAPTURE(before);
    CAPTURE(after);
    CHECK(before > -45);          // the hiss is really there
    CHECK(after < before - 6.0);  // measured here: -40.7 dB -> -50.8 dB
}

namespace {
// Times (s) where the picture turns bright.
std::vector<double> flash_onsets(const fs::path& file) {
    auto r = run({"ffmpeg", "-nostdin", "-v", "info", "-i", file.string(), "-an", "-vf",
                  "signalstats,metadata=print:key=lavfi.signalstats.YAVG", "-f", "null", "-"});
    REQUIRE(r.exit_code == 0);
    std::vector<double> out;
    double t = 0;
    bool bright = false;
    std::istringstream in(r.err);
    for (std::string line; std::getline(in, line);) {
        if (auto p = line.find("pts_time:"); p != std::string::npos) t = std::stod(line.substr(p + 9));
        if (auto p = line.find("YAVG="); p != std::string::npos) {
            const bool now = std::stod(line.substr(p + 5)) > 128;
            if (now && !bright) out.push_back(t);
            bright = now;
        }
    }
    return out;
}
// Times (s) where a sound starts after silence.
std::vector<double> beep_onsets(const fs::path& file) {
    auto r = run({"ffmpeg", "-nostdin", "-v", "info", "-i", file.string(), "-vn", "-af", "silencedetect=n=-30dB:d=0.05",
                  "-f", "null", "-"});
    REQUIRE(r.exit_code == 0);
    std::vector<double> out;
    for (size_t p = r.err.find("silence_end: "); p != std::string::npos; p = r.err.find("silence_end: ", p + 1)) {
        out.push_back(std::stod(r.err.substr(p + 13)));
    }
    return out;
}
}  // namespace

TEST_CASE("A/V sync: a flash and a beep made together stay together, also across a pause") {
    // Both sources mark the same 100 ms of every second: white picture, 1 kHz tone.
    const std::string flash =
        "lavfi:color=c=black:size=320x240:rate=30,drawbox=x=0:y=0:w=320:h=240:color=white:"
        "t=fill:enable='between(mod(t\\,1)\\,0.5\\,0.6)'";
    const std::string beep = "lavfi:aevalsrc='sin(2*PI*1000*t)*between(mod(t\\,1)\\,0.5\\,0.6)':s=48000";
    CliLibrary lib;
    json r = record_with_pause(lib, flash, beep, 2300, 1200, 3000);
    const fs::path media = lib.root() / r.at("media_path").get<std::string>();
    const auto flashes = flash_onsets(media);
    const auto beeps = beep_onsets(media);
    CAPTURE(flashes);
    CAPTURE(beeps);
    REQUIRE(flashes.size() >= 4);  // two before the pause, two or more after
    for (double f : flashes) {
        double nearest = 1e9;
        for (double b : beeps) nearest = std::min(nearest, std::abs(b - f));
        CHECK_MESSAGE(nearest <= 0.040, "flash at " << f << " s has no beep within 40 ms");
    }
}

TEST_CASE("a countdown delays the start; the file holds only what came after it") {
    CliLibrary lib;
    const auto t0 = std::chrono::steady_clock::now();
    json r = lib.ok({"record", "--countdown", "1.5", "--duration", "2", "--no-mic", "--video-input", k_moving});
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    CHECK(wall > 3.4);  // 1.5 s of countdown, then 2 s of recording
    CHECK(r.at("duration_ms").get<int>() == doctest::Approx(2000).epsilon(0.02));
    CHECK(r.at("frames_captured") == 60);
}

namespace {
// 4 s of a moving picture delivered at `input_fps`, with a tone, recorded at --fps 30: record's
// JSON, the file, and the duration ffprobe gives each of its streams, which must agree.
struct RateRecording {
    json out;
    fs::path media;
    double video_s = 0, audio_s = 0;
};
RateRecording record_input_at(const CliLibrary& lib, int input_fps) {
    RateRecording rec;
    rec.out = lib.ok({"record", "--duration", "4", "--fps", "30", "--video-input",
                      fmt::format("lavfi:testsrc2=size=640x360:rate={}", input_fps), "--audio-input", k_tone});
    rec.media = lib.root() / rec.out.at("media_path").get<std::string>();
    const json p = probe(rec.media);
    for (const auto& s : p.at("streams")) {
        (s.at("codec_type") == "video" ? rec.video_s : rec.audio_s) = std::stod(s.at("duration").get<std::string>());
    }
    CHECK_MESSAGE(std::abs(rec.video_s - rec.audio_s) < 0.2,
                  "video " << rec.video_s << " s, audio " << rec.audio_s << " s at " << input_fps << " fps");
    return rec;
}
}  // namespace

TEST_CASE("an input faster than --fps keeps its time: the extra pictures are dropped and counted") {
    CliLibrary lib;
    // Before, every picture was kept and written a frame time after the one before: 7.9 s of
    // video against 4.0 s of sound.
    const RateRecording rec = record_input_at(lib, 60);
    CHECK(rec.video_s == doctest::Approx(4.0).epsilon(0.0112));
    CHECK(rec.out.at("frames_captured") == 120);  // every second picture of 240
    CHECK(rec.out.at("frames_over_fps").get<int>() == doctest::Approx(120).epsilon(0.02));
    CHECK(rec.out.at("frames_dropped") == 0);
    // Kept at their own times, a frame time apart.
    const std::vector<double> times = packet_times(rec.media, "v");
    REQUIRE(times.size() >= 100);
    for (size_t i = 1; i < times.size(); ++i) CHECK(times[i] - times[i - 1] == doctest::Approx(1.0 / 30).epsilon(0.1));
}

TEST_CASE("an input slower than --fps keeps its timing: each picture at its own moment, none dropped") {
    CliLibrary lib;
    const RateRecording rec = record_input_at(lib, 10);
    CHECK(rec.out.at("frames_captured") == 40);
    CHECK(rec.out.at("frames_over_fps") == 0);
    const std::vector<double> times = packet_times(rec.media, "v");
    REQUIRE(times.size() == 40);
    for (size_t i = 1; i < times.size(); ++i) {
        CHECK(std::abs(times[i] - times[0] - 0.1 * static_cast<double>(i)) < 0.002);  // 10 a second, from the first
    }
}

TEST_CASE("an input whose audio jumps over a hole keeps what follows in place (silence fills the hole)") {
    TempDir src;
    const fs::path file = src / "holes.mkv";
    // 6 s of video; 5 s of tone whose timestamps jump 1 s ahead at t = 2 s.
    auto made = run({"ffmpeg",
                     "-nostdin",
                     "-v",
                     "error",
                     "-y",
                     "-f",
                     "lavfi",
                     "-i",
                     "testsrc2=size=320x240:rate=30:duration=6",
                     "-f",
                     "lavfi",
                     "-i",
                     "sine=frequency=440:sample_rate=48000:duration=5",
                     "-af",
                     "asetpts=PTS+gte(T\\,2)*1/TB",
                     "-c:v",
                     "libx264",
                     "-c:a",
                     "flac",
                     file.string()});
    REQUIRE_MESSAGE(made.exit_code == 0, made.err);
    CliLibrary lib;
    json r = lib.ok({"record", "--video-input", file.string(), "--audio-input", file.string()});
    const fs::path media = lib.root() / r.at("media_path").get<std::string>();
    json p = probe(media);
    for (const auto& s : p.at("streams")) {
        CHECK(std::stod(s.at("duration").get<std::string>()) == doctest::Approx(6.0).epsilon(0.02));
    }
    // The tone resumes at 3 s, as in the input, not at 2 s.
    auto r2 = run({"ffmpeg", "-nostdin", "-v", "info", "-i", media.string(), "-vn", "-af",
                   "silencedetect=n=-30dB:d=0.3", "-f", "null", "-"});
    auto at = r2.err.find("silence_end: ");
    REQUIRE(at != std::string::npos);
    CHECK(std::stod(r2.err.substr(at + 13)) == doctest::Approx(3.0).epsilon(0.02));
}

TEST_CASE("doctor opens the screen and the microphone as record would, and says what it found") {
    VirtualScreen screen("1280x720x24");
    VirtualMicrophone mic;
    CliLibrary lib;
    auto checks_of = [&](const std::map<std::string, std::string>& env) {
        auto r = walkthrough({"--library", lib.root().string(), "--json", "doctor"}, env);
        REQUIRE_MESSAGE(r.exit_code == 0, r.err);
        const json report = json::parse(r.out);
        std::map<std::string, json> by_name;
        for (const auto& c : report.at("checks")) by_name[c.at("check").get<std::string>()] = c;
        return by_name;
    };
    auto env = mic.env();
    env["DISPLAY"] = screen.display;
    auto found = checks_of(env);
    CHECK(found.at("display").at("ok") == true);
    CHECK(contains(found.at("display").at("detail").get<std::string>(), "1280x720"));
    CHECK(contains(found.at("display").at("detail").get<std::string>(), "XDamage"));  // the own source, not x11grab
    CHECK(found.at("microphone").at("ok") == true);
    CHECK(contains(found.at("microphone").at("detail").get<std::string>(), "48000 Hz"));

    auto missing = checks_of({{"DISPLAY", ""}, {"PULSE_SERVER", "unix:/nonexistent/pulse"}});
    CHECK(missing.at("display").at("ok") == false);
    CHECK(contains(missing.at("display").at("detail").get<std::string>(), "DISPLAY"));
    CHECK(missing.at("microphone").at("ok") == false);
    CHECK_FALSE(missing.at("microphone").at("fix").is_null());
}
