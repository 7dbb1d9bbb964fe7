// The desktop app's model on a team library, without a window: `walkthrough serve` on a loopback
// port, this computer connected to it (`walkthrough connect`), and the controller opening it by the
// connection's name. Switching libraries is remembered in the settings; a comment posted through
// the API reaches the open player by the server's events, with no reload asked for; a server that
// goes away shows as offline since then, and once it is back the app is online again and reads
// what changed meanwhile. A recording made in the app goes through the spool and the outbox to the
// server, its state shown until it is published; also when the server was away from the start.
#include <doctest/doctest.h>

#include <chrono>
#include <cstdlib>
#include <thread>

#include "app/desktop/model/app_settings.hpp"
#include "app/desktop/model/controller.hpp"
#include "app/desktop/model/view_logic.hpp"
#include "tests/app_fixture.hpp"
#include "tests/serve_support.hpp"

using namespace wt;
using namespace wt::ui;
using namespace wt::test;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

// ann's library served, with one recording; this process connected to it as "team".
struct TeamServer {
    CliLibrary lib;
    TempDir home;
    std::string payroll;
    std::unique_ptr<Served> server;
    TeamServer() {
        // The controller finds connections (and the outbox) where `walkthrough connect` keeps them.
        ::setenv("XDG_CONFIG_HOME", (home / "config").c_str(), 1);
        ::setenv("XDG_DATA_HOME", (home / "data").c_str(), 1);
        payroll = lib.ok({"import", make_clip(lib.dir.path, "clip.mp4", 2, "160x120", false).string(), "--title",
                          "Payroll run"},
                         "ann")
                      .at("id");
        server = std::make_unique<Served>(lib);
        auto r = walkthrough({"--json", "connect", server->url, server->invite_code("ann"), "--name", "team"},
                             {{"XDG_CONFIG_HOME", (home / "config").string()}});
        REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    }
};

struct AppOnTeam {
    TempDir settings;
    std::unique_ptr<Controller> c;
    explicit AppOnTeam(const std::string& library) {
        Controller::Options o;
        o.library = library;
        o.settings_file = settings / "desktop.json";
        o.audio = player::AudioOutput::silent;
        c = std::make_unique<Controller>(o);
        c->start();
    }
    const AppState& s() const { return c->state(); }
    template <class F>
    bool until(F done, int timeout_ms = 10000) {
        return tick_until(*c, done, timeout_ms);
    }
};

// Stops the team's server; returns where it listened, to start it there again.
std::string stop_server(TeamServer& t) {
    const std::string listen = t.server->url.substr(std::string("http://").size());
    REQUIRE(t.server->stop(std::chrono::milliseconds(5000)) == 0);
    return listen;
}

// Records 1.5 s of lavfi input in the app, titled `title`, and stops.
void record_in_app(AppOnTeam& app, const std::string& title, const std::string& tags = {}) {
    const AppState& s = app.s();
    auto& form = app.c->drafts().record;
    form.video_input = "lavfi:testsrc2=size=320x240:rate=15";
    form.audio_input = "lavfi:sine=frequency=440";
    form.countdown = 0;
    form.title = title;
    form.tags = tags;
    app.c->apply(intent::Navigate{Screen::record});
    app.c->apply(intent::StartRecording{});
    REQUIRE_MESSAGE(app.until([&] { return s.record.phase == RecordPhase::recording; }), s.record.error);
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    app.c->apply(intent::StopRecording{});
}

}  // namespace

TEST_CASE("a team library by its connection's name: its recordings, live comments, offline and back") {
    TeamServer t;
    AppOnTeam app("team");
    const AppState& s = app.s();
    REQUIRE_MESSAGE(app.until([&] { return s.opened && s.connection.live && s.library.loaded; }), s.open_error);
    CHECK(s.connection.team == "team");
    CHECK(s.me == "ann");
    REQUIRE(s.library.recordings.size() == 1);
    CHECK(s.library.recordings[0].title == "Payroll run");
    CHECK(connection_line(s.connection, s.opened, now_ms()).text == "online — changes arrive as they happen");
    // Settings → Libraries: this computer's folder, then the server.
    REQUIRE(app.until([&] { return s.libraries.size() == 2; }));
    CHECK_FALSE(s.libraries[0].team);
    CHECK(s.libraries[1].team);
    CHECK(s.libraries[1].location == "team");
    CHECK(s.libraries[1].url == t.server->url);
    CHECK(s.libraries[1].person == "ann");
    CHECK(is_current_library(s, s.libraries[1]));
    CHECK_FALSE(is_current_library(s, s.libraries[0]));

    // The player, then a comment from bob through the API: it arrives by the server's events.
    app.c->apply(intent::Play{t.payroll, std::nullopt, true});
    REQUIRE(app.until([&] { return s.player.engine != nullptr; }));
    CHECK(s.player.comments.empty());
    const std::string bob = t.server->sign_in("bob");
    auto posted = t.server->post("/api/v1/recordings/" + t.payroll + "/comments", bob,
                                 json{{"body", "Which form is this?"}, {"at_ms", 500}}.dump());
    REQUIRE_MESSAGE(posted.status == 201, posted.body);
    REQUIRE(app.until([&] { return s.player.comments.size() == 1; }));
    CHECK(s.player.comments[0].body == "Which form is this?");
    CHECK(s.player.comments[0].author == "bob");

    // The server goes away: offline since then, with what that means; nothing else changes.
    const std::string listen = t.server->url.substr(std::string("http://").size());
    REQUIRE(t.server->stop(std::chrono::milliseconds(5000)) == 0);
    REQUIRE(app.until([&] { return s.connection.offline_since.has_value(); }));
    CHECK_FALSE(s.connection.live);
    const auto line = connection_line(s.connection, s.opened, now_ms());
    CHECK(line.tone == ConnectionLine::Tone::offline);
    CHECK(line.text.starts_with("offline since "));
    CHECK(line.text.ends_with("— recordings wait and are sent when the server is back"));
    CHECK(s.opened);
    CHECK(s.library.recordings.size() == 1);

    // Meanwhile bob comments through the CLI on the server's folder; the server comes back on the
    // same port: online again, and the comment is read (the stream resumes from the last event).
    REQUIRE(t.lib.run({"comment", t.payroll, "--at", "1", "Second question"}, "bob").exit_code == 0);
    t.server = std::make_unique<Served>(t.lib, std::vector<std::string>{}, listen);
    REQUIRE(app.until([&] { return s.connection.live && !s.connection.offline_since; }, 40000));
    REQUIRE(app.until([&] { return s.player.comments.size() == 2; }));
}

TEST_CASE("switching between this computer's folder and a team library is remembered in the settings") {
    TeamServer t;
    TempDir folder;
    AppOnTeam app((folder / "lib").string());
    const AppState& s = app.s();
    REQUIRE(app.until([&] { return s.opened && s.libraries.size() == 2; }));
    CHECK(s.connection.team.empty());
    CHECK(connection_line(s.connection, s.opened, now_ms()).text == "On this computer");
    CHECK(s.libraries[0].location == (folder / "lib").string());
    CHECK(is_current_library(s, s.libraries[0]));

    app.c->apply(intent::ChangeLibrary{"team"});
    REQUIRE(app.until([&] { return s.opened && s.connection.team == "team" && s.library.loaded; }));
    CHECK(s.library.recordings.size() == 1);
    REQUIRE(app.c->settle(10000));
    auto saved = load_settings(app.settings / "desktop.json");
    REQUIRE(saved);
    CHECK(saved->library == "team");
    CHECK(saved->folder == (folder / "lib").string());  // to switch back to
    // The folder is still offered, and switching back opens it.
    REQUIRE(app.until([&] { return s.libraries.size() == 2; }));
    CHECK(s.libraries[0].location == (folder / "lib").string());
    app.c->apply(intent::ChangeLibrary{s.libraries[0].location});
    REQUIRE(app.until([&] { return s.opened && s.connection.team.empty() && s.library.loaded; }));
    CHECK(s.library.recordings.empty());
    REQUIRE(app.c->settle(10000));
    CHECK(load_settings(app.settings / "desktop.json")->library == (folder / "lib").string());

    // The next start opens the library last chosen.
    app.c->apply(intent::ChangeLibrary{"team"});
    REQUIRE(app.c->settle(10000));
    Controller::Options o;
    o.settings_file = app.settings / "desktop.json";
    o.audio = player::AudioOutput::silent;
    Controller again(o);
    again.start();
    const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!again.state().opened && std::chrono::steady_clock::now() < end) again.settle(200);
    CHECK(again.state().connection.team == "team");
}

TEST_CASE("a team server that is down when the app starts: offline, then opened once it is back") {
    TeamServer t;
    const std::string listen = stop_server(t);
    AppOnTeam app("team");
    const AppState& s = app.s();
    REQUIRE(app.until([&] { return s.connection.offline_since.has_value(); }));
    CHECK_FALSE(s.opened);
    CHECK(s.connection.team == "team");
    t.server = std::make_unique<Served>(t.lib, std::vector<std::string>{}, listen);
    // The follower tries again after 1, 2, 4 … s: within a few seconds the library opens by itself.
    REQUIRE(app.until([&] { return s.opened && s.library.loaded && s.connection.live; }, 40000));
    CHECK(s.library.recordings.size() == 1);
    CHECK_FALSE(s.connection.offline_since);
}

TEST_CASE("recording in the app for a team library: into the spool, then sent, its state shown until published") {
    TeamServer t;
    AppOnTeam app("team");
    const AppState& s = app.s();
    REQUIRE_MESSAGE(app.until([&] { return s.opened && s.library.loaded; }), s.open_error);
    record_in_app(app, "Expense claims", "finance");
    // Sent in the background: the Record view lists it until the server has it.
    REQUIRE(app.until([&] { return !s.uploads.empty() && s.uploads.back().state == "published"; }, 60000));
    const UploadRow& u = s.uploads.back();
    CHECK(u.title == "Expense claims");
    CHECK(u.server == "team");
    CHECK(upload_text(u, now_ms()) == "published");
    // The server's library has it, with its title and tags; and the grid shows it (its event).
    auto listed = t.lib.ok({"list"});
    REQUIRE(listed.size() == 2);
    bool found = false;
    for (const auto& r : listed)
        found |= r.at("title") == "Expense claims" && r.at("author") == "ann" && r.at("tags") == json{"finance"};
    CHECK(found);
    REQUIRE(app.until([&] { return s.library.recordings.size() == 2; }));
}

TEST_CASE("a team server that is down when the app starts: recording still works, and is sent once it is back") {
    TeamServer t;
    const std::string listen = stop_server(t);
    AppOnTeam app("team");
    const AppState& s = app.s();
    REQUIRE(app.until([&] { return s.connection.offline_since.has_value(); }));
    REQUIRE_FALSE(s.opened);
    CHECK(can_record(s));  // the spool is on this computer
    record_in_app(app, "Made on the train");
    // Safe on this computer and waiting for the server, with why.
    REQUIRE(app.until([&] {
        return s.record.phase == RecordPhase::setup && !s.uploads.empty() && !s.uploads.back().last_error.empty();
    }));
    CHECK(s.uploads.back().title == "Made on the train");
    CHECK(s.uploads.back().state == "waiting");
    CHECK(t.lib.ok({"list"}).size() == 1);
    // The server comes back: the library opens by itself and the recording is sent.
    t.server = std::make_unique<Served>(t.lib, std::vector<std::string>{}, listen);
    REQUIRE(app.until([&] { return s.opened && !s.uploads.empty() && s.uploads.back().state == "published"; }, 60000));
    auto listed = t.lib.ok({"list"});
    REQUIRE(listed.size() == 2);
    bool found = false;
    for (const auto& r : listed) found |= r.at("title") == "Made on the train" && r.at("author") == "ann";
    CHECK(found);
}
