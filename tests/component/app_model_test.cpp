// The desktop app without a window: its controller driving a real library in a scratch folder
// through the worker threads (intents in, state out). The pure view logic: app_view_logic_test.
#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <chrono>
#include <condition_variable>
#include <future>
#include <mutex>
#include <thread>

#include "app/desktop/model/app_settings.hpp"
#include "app/desktop/model/controller.hpp"
#include "app/desktop/model/view_logic.hpp"
#include "tests/app_fixture.hpp"
#include "tests/support.hpp"

using namespace wt;
using namespace wt::ui;
using namespace wt::test;
namespace fs = std::filesystem;

namespace {

std::vector<std::string> ids_of(const std::vector<catalog::Recording>& recs, const std::vector<std::size_t>& idx) {
    std::vector<std::string> out;
    for (auto i : idx) out.push_back(recs[i].id);
    return out;
}

// Loads in two steps (first page, then the rest) so that path is exercised.
struct App : AppOnLibrary {
    App(LibraryFixture& fx, const std::string& person, player::AudioOutput audio = player::AudioOutput::silent)
        : AppOnLibrary(fx, person, [audio](Controller::Options& o) {
              o.audio = audio;
              o.first_page = 2;
          }) {}
};

// A small team library: ana's three recordings, bob assigned one, a question from bob answered by ana.
struct Team : LibraryFixture {
    Team() {
        auto ana = open_as("ana");
        open_as("bob").reset();
        add_recording("rec0000001", "VPN setup", "ana", 600'000, "For new laptops");
        now += k_hour;
        add_recording("rec0000002", "Deploy walkthrough", "ana", 120'000);
        now += k_hour;
        add_recording("rec0000003", "Billing basics", "ana", 300'000);
        catalog::RecordingEdit e;
        e.kind = catalog::Kind::training;
        e.add_tags = {"onboarding"};
        REQUIRE(ana->edit("rec0000001", e));
        REQUIRE(ana->assign("rec0000001", "bob", "2026-11-24"));
        auto bob = open_as("bob");
        REQUIRE(bob->record_progress("rec0000002", 0, 120'000));  // watched in full
        auto q = bob->comment({"rec0000001", "Why port 443?", 133'000, std::nullopt});
        REQUIRE(q);
        now += k_hour;
        REQUIRE(ana->comment({"rec0000001", "The firewall only allows 443", std::nullopt, q->id}));
        now += 2 * k_hour;
    }
};

}  // namespace
// ---------------------------------------------------------------- the controller on a real library

TEST_CASE("opening: the newest recordings, my watched marks and assignments, my inbox") {
    Team fx;
    App app(fx, "bob");
    const auto& s = app.s();
    CHECK(s.me == "bob");
    CHECK(s.library.complete);
    REQUIRE(s.library.recordings.size() == 3);
    CHECK(ids_of(s.library.recordings, s.library.visible) ==
          std::vector<std::string>{"rec0000003", "rec0000002", "rec0000001"});
    CHECK(s.library.watched.contains("rec0000002"));
    CHECK_FALSE(s.library.watched.contains("rec0000001"));
    REQUIRE(s.library.my_assignments.contains("rec0000001"));
    CHECK(card_assignment_text(s.library.my_assignments.at("rec0000001"), app.c->now()) == "assigned to you · due Tue");
    CHECK(s.library.tags == std::vector<std::string>{"onboarding"});
    CHECK(s.people.size() == 2);
    // ana's answer to bob's question waits for bob.
    REQUIRE(s.inbox.loaded);
    REQUIRE(s.inbox.inbox.items.size() == 1);
    CHECK(s.inbox.inbox.items[0].comment.body == "The firewall only allows 443");
    CHECK(s.inbox.inbox.items[0].reason == "reply to your comment");

    LibraryQuery q;
    q.unwatched = true;
    app.act(intent::SetQuery{q});
    CHECK(ids_of(s.library.recordings, s.library.visible) == std::vector<std::string>{"rec0000003", "rec0000001"});
    q = {};
    q.kind = catalog::Kind::training;
    app.act(intent::SetQuery{q});
    CHECK(ids_of(s.library.recordings, s.library.visible) == std::vector<std::string>{"rec0000001"});
}

TEST_CASE("search as you type: only the latest query's hits are kept; a comment hit gives its moment") {
    Team fx;
    App app(fx, "bob");
    app.c->apply(intent::Search{"bil"});
    app.c->apply(intent::Search{"fire"});
    app.act(intent::Search{"port"});
    const auto& sd = app.s().search;
    CHECK(sd.query == "port");
    CHECK_FALSE(sd.busy);
    REQUIRE_FALSE(sd.hits.empty());
    CHECK(sd.hits[0].recording_id == "rec0000001");
    CHECK(sd.hits[0].matched_in == "comment");
    REQUIRE(sd.hits[0].at_ms.has_value());
    CHECK(*sd.hits[0].at_ms == 133'000);
    CHECK(contains(hit_text(sd.hits[0]), "comment at 2:13"));
    app.act(intent::Search{"  "});
    CHECK(app.s().search.hits.empty());
}

TEST_CASE("details: load, edit, assign (bad dates refused before any work), delete") {
    Team fx;
    App app(fx, "ana");
    app.act(intent::OpenDetails{"rec0000001"});
    const auto& d = app.s().details;
    CHECK(app.s().screen == Screen::details);
    REQUIRE(d.recording.has_value());
    CHECK(app.c->drafts().title == "VPN setup");
    CHECK(app.c->drafts().tags == "onboarding");
    CHECK(app.c->drafts().kind == 1);
    REQUIRE(d.assignments.size() == 1);
    CHECK(d.assignments[0].assignee == "bob");
    REQUIRE(d.views.size() == 0);  // bob only commented on this one

    app.c->drafts().title = "VPN setup (2026)";
    app.c->drafts().tags = "onboarding, it";
    app.act(intent::SaveDetails{"rec0000001"});
    CHECK(d.recording->title == "VPN setup (2026)");
    CHECK(d.recording->tags == std::vector<std::string>{"it", "onboarding"});
    bool listed = false;
    for (const auto& r : app.s().library.recordings)
        if (r.id == "rec0000001") listed = r.title == "VPN setup (2026)";
    CHECK(listed);

    const auto banners_before = app.s().banners.size();
    app.act(intent::Assign{"rec0000001", "ana", "next friday"});
    CHECK(app.s().banners.size() == banners_before + 1);
    CHECK(app.s().banners.back().level == Level::warning);
    CHECK(d.assignments.size() == 1);
    app.act(intent::Assign{"rec0000001", "ana", "2026-12-04"});
    CHECK(d.assignments.size() == 2);
    REQUIRE(app.s().library.my_assignments.contains("rec0000001"));
    CHECK(app.s().library.my_assignments.at("rec0000001").due == "2026-12-04");

    app.act(intent::Delete{"rec0000002"});
    CHECK(app.s().library.recordings.size() == 2);
    for (const auto& r : app.s().library.recordings) CHECK(r.id != "rec0000002");
}

TEST_CASE("switching the acting person reopens the library as them and remembers it") {
    Team fx;
    App app(fx, "bob");
    app.act(intent::SwitchPerson{"ana"});
    CHECK(app.s().me == "ana");
    // bob's question waits for ana, the recording's author (ana's own reply answered it: nothing waits).
    CHECK(app.s().inbox.inbox.items.empty());
    CHECK_FALSE(app.s().library.my_assignments.contains("rec0000001"));
    auto saved = load_settings(app.config / "desktop.json");
    REQUIRE(saved.has_value());
    CHECK(saved->person == "ana");
    app.act(intent::AddPerson{"Zoë"});
    CHECK(app.s().people.size() == 3);
    app.act(intent::SetResponseWindow{8});
    CHECK(app.s().response_window_hours == 8);
    app.act(intent::SetResponseWindow{0});  // refused
    CHECK(app.s().banners.back().level == Level::warning);
    CHECK(app.s().response_window_hours == 8);
}

TEST_CASE("my training and the manager matrix load when their screens open") {
    Team fx;
    App app(fx, "bob");
    CHECK_FALSE(app.s().training.loaded);
    app.act(intent::Navigate{Screen::training});
    REQUIRE(app.s().training.loaded);
    REQUIRE(app.s().training.mine.size() == 1);
    CHECK(assignment_status_text(app.s().training.mine[0]) == "not started");
    const auto m = build_matrix(app.s().training.all);
    CHECK(m.people == std::vector<std::string>{"bob"});
    fx.now += 5 * k_day;  // past the due date
    app.act(intent::Navigate{Screen::team});
    CHECK(app.s().training.all[0].state == catalog::AssignmentState::overdue);
}

TEST_CASE("long work has its own worker: a search answers while an import waits its turn") {
    Team fx;
    App app(fx, "ana");
    TempDir clips;
    const fs::path clip = make_clip(clips.path, "clip.mp4", 1.0, "320x240");
    // Something long (a big import, say) holds the long-work worker until released.
    std::promise<void> release;
    std::shared_future<void> released = release.get_future().share();
    REQUIRE(app.c->long_worker().post([released](Worker::Env&) { released.wait(); }));
    app.c->apply(intent::Import{clip.string(), "Imported later", catalog::Kind::walkthrough});
    app.c->apply(intent::Search{"billing"});
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while ((app.s().search.busy || app.s().search.hits.empty()) && std::chrono::steady_clock::now() < until) {
        app.c->worker().wait(20);
        app.c->drain();
    }
    REQUIRE_FALSE(app.s().search.hits.empty());
    CHECK(app.s().search.hits[0].recording_id == "rec0000003");
    CHECK(app.s().library.recordings.size() == 3);  // the import has not run yet
    release.set_value();
    REQUIRE(app.c->settle(20000));
    REQUIRE(app.s().library.recordings.size() == 4);
    CHECK(app.s().details.recording.has_value());
    CHECK(app.s().details.recording->title == "Imported later");
    // The long worker's own connection wrote it: the catalog has it for everyone.
    auto lib = fx.open_as("bob");
    auto all = lib->list({});
    REQUIRE(all.has_value());
    CHECK(all->size() == 4);
}

TEST_CASE("long work that ends after a library switch stays in the library it began in") {
    Team fx;
    App app(fx, "ana");
    TempDir clips, other;
    const fs::path clip = make_clip(clips.path, "clip.mp4", 1.0, "320x240");
    std::promise<void> release;
    std::shared_future<void> released = release.get_future().share();
    REQUIRE(app.c->long_worker().post([released](Worker::Env&) { released.wait(); }));
    app.c->apply(intent::Import{clip.string(), "Into the first library", catalog::Kind::walkthrough});
    app.c->apply(intent::ChangeLibrary{(other / "second").string()});
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!(app.s().opened && app.c->worker().idle()) && std::chrono::steady_clock::now() < until) {
        app.c->worker().wait(20);
        app.c->drain();
    }
    REQUIRE(app.s().opened);
    CHECK(app.s().root == other / "second");
    release.set_value();
    REQUIRE(app.c->settle(20000));
    CHECK(app.s().library.recordings.empty());  // the new library shows none of it
    CHECK(app.s().screen != Screen::details);
    bool said = false;
    for (const auto& b : app.s().banners) said |= contains(b.text, "Imported 'Into the first library'");
    CHECK(said);
    auto first = fx.open_as("ana")->list({});
    REQUIRE(first.has_value());
    CHECK(first->size() == 4);  // the import went where it began
}

TEST_CASE("import with progress, thumbnail, play with comments at the moment, watched reaches the catalog") {
    LibraryFixture fx;
    fx.open_as("ana").reset();
    TempDir clips;
    const fs::path clip = make_clip(clips.path, "clip.mp4", 2.0, "320x240");
    // An interrupted recording waits in incoming/: it is recovered at start with a notice.
    fs::create_directories(fx.dir / "incoming");
    make_clip(fx.dir / "incoming", "cut.mkv", 1.0);
    App app(fx, "ana");
    REQUIRE(app.s().library.recordings.size() == 1);
    CHECK(app.s().library.recordings[0].status == catalog::Status::recovered);
    bool notice = false;
    for (const auto& b : app.s().banners) notice |= contains(b.text, "interrupted recording was recovered");
    CHECK(notice);

    app.act(intent::Import{clip.string(), "Clip", catalog::Kind::training});
    REQUIRE(app.s().library.recordings.size() == 2);
    CHECK_FALSE(app.s().busy.has_value());  // the progress bar went away
    CHECK(app.s().screen == Screen::details);
    const std::string id = app.s().details.id;
    REQUIRE(app.s().details.recording.has_value());
    CHECK(app.s().details.recording->title == "Clip");

    app.act(intent::LoadThumbnail{id, app.s().details.recording->thumbnail_path});
    REQUIRE(app.s().thumbnails_ready.size() == 1);
    CHECK(app.s().thumbnails_ready[0].id == id);
    CHECK(app.s().thumbnails_ready[0].width == 320);
    CHECK(app.s().thumbnails_ready[0].rgba.size() == 320u * 240 * 4);

    app.act(intent::Play{id, std::nullopt});
    CHECK(app.s().screen == Screen::player);
    REQUIRE(app.s().player.engine != nullptr);
    // Play to the end, ticking as the window's loop would.
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(15);
    while (app.s().player.snapshot.state != player::State::ended && std::chrono::steady_clock::now() < until) {
        app.c->tick();
        app.c->drain();
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    CHECK(app.s().player.snapshot.state == player::State::ended);
    app.c->tick();  // playing stopped: the last stretch is reported
    REQUIRE(app.c->settle(10000));
    REQUIRE(app.s().player.mine.has_value());
    CHECK(app.s().player.mine->coverage >= 0.9);
    CHECK(app.s().library.watched.contains(id));

    app.act(intent::AddComment{id, "Why this step?", 1500, ""});
    REQUIRE(app.s().player.comments.size() == 1);
    CHECK(app.s().player.comments[0].at_ms == 1500);
    const std::string cid = app.s().player.comments[0].id;
    app.act(intent::AddComment{id, "Because.", std::nullopt, cid});
    CHECK(app.s().player.comments.size() == 2);
    app.act(intent::Resolve{cid});
    CHECK(app.s().player.comments[0].resolved_at.has_value());
    app.act(intent::ClosePlayer{});
    CHECK(app.s().player.engine == nullptr);
    CHECK(app.s().screen == Screen::library);

    // What the app wrote is in the catalog for everyone.
    auto lib = fx.open_as("ana");
    auto views = lib->views(id);
    REQUIRE(views.has_value());
    REQUIRE(views->size() == 1);
    CHECK((*views)[0].watched_at.has_value());
}

TEST_CASE("a library that cannot be opened says so with what to do") {
    TempDir dir;
    write_file(dir / "file", "not a folder");
    Controller::Options o;
    o.library = dir / "file" / "lib";
    o.settings_file = dir / "desktop.json";
    Controller c(o);
    c.start();
    REQUIRE(c.settle(10000));
    CHECK_FALSE(c.state().opened);
    CHECK_FALSE(c.state().open_error.empty());
    REQUIRE_FALSE(c.state().banners.empty());
    CHECK(c.state().banners[0].level == Level::error);
    CHECK(contains(c.state().banners[0].hint, "Settings"));
}

TEST_CASE("recording from the Record form: countdown, pause, stop into the library and details; discard") {
    LibraryFixture fx;
    fx.open_as("ana").reset();
    App app(fx, "ana");
    auto& form = app.c->drafts().record;
    form.video_input = "lavfi:testsrc2=size=320x240:rate=15";
    form.audio_input = "lavfi:sine=frequency=440";
    form.countdown = 1;
    form.title = "Deploy notes";
    form.kind = 1;
    form.tags = "deploy, ops";
    form.area = RecordForm::Area::region;
    form.region = "not a region";
    app.act(intent::StartRecording{});
    CHECK(app.s().record.phase == RecordPhase::setup);  // refused before any work
    CHECK(contains(app.s().banners.back().text, "not a region"));
    form.area = RecordForm::Area::display;

    app.act(intent::StartRecording{});
    REQUIRE_MESSAGE(app.s().record.recorder != nullptr, app.s().record.error);
    bool counted_down = false;
    auto run_for = [&](double seconds) {
        const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(int(seconds * 1000));
        while (std::chrono::steady_clock::now() < until) {
            app.c->tick();
            app.c->drain();
            counted_down |= app.s().record.phase == RecordPhase::countdown;
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
    };
    run_for(2.5);
    CHECK(counted_down);
    CHECK(app.s().record.phase == RecordPhase::recording);
    CHECK(app.s().record.stats.elapsed_ms > 500);
    CHECK(app.s().record.stats.has_audio);
    app.act(intent::PauseRecording{});
    app.c->tick();
    CHECK(app.s().record.stats.paused);
    app.act(intent::ResumeRecording{});
    run_for(0.5);
    app.act(intent::StopRecording{});
    CHECK(app.s().record.phase == RecordPhase::setup);
    CHECK(app.s().record.recorder == nullptr);
    REQUIRE_FALSE(app.s().record.last_id.empty());
    CHECK(app.s().screen == Screen::details);
    REQUIRE(app.s().details.recording.has_value());
    CHECK(app.s().details.recording->title == "Deploy notes");
    CHECK(app.s().details.recording->kind == catalog::Kind::training);
    CHECK(app.s().details.recording->tags == std::vector<std::string>{"deploy", "ops"});
    CHECK(app.s().details.recording->duration_ms > 1000);
    CHECK(app.c->drafts().focus_title);
    CHECK(app.s().library.recordings.size() == 1);

    form.countdown = 0;
    app.act(intent::StartRecording{});
    REQUIRE(app.s().record.recorder != nullptr);
    run_for(0.5);
    app.act(intent::DiscardRecording{});
    CHECK(app.s().record.phase == RecordPhase::setup);
    CHECK(app.s().library.recordings.size() == 1);
    CHECK(contains(app.s().banners.back().text, "discarded"));
    // Nothing is left behind in incoming/ either.
    CHECK(recorder::interrupted_recordings(fx.dir / "incoming").empty());
}

// ---------------------------------------------------------------- team libraries, from results

TEST_CASE("a team server's state: offline since the first failure, online again reads again; others ignored") {
    Team fx;
    TempDir config;  // no connections here: the follower says so, and nothing else is reached
    ::setenv("XDG_CONFIG_HOME", (config / "config").c_str(), 1);
    ::setenv("XDG_DATA_HOME", (config / "data").c_str(), 1);  // no outbox of this computer's is sent
    App app(fx, "bob");
    const auto& s = app.s();
    auto tell = [&](JobResult r) {
        app.c->worker().tell(std::move(r));
        app.c->drain();
    };
    CHECK(s.connection.team.empty());
    CHECK(connection_line(s.connection, s.opened, fx.now).tone == ConnectionLine::Tone::none);

    // The library that opened is a team server's (as the worker says for `--library team`).
    tell(results::LibraryOpened{fx.dir.path, "team", s.settings, "bob", s.people});
    CHECK(s.connection.team == "team");
    // Its event follower finds no such connection on this computer, and says how to connect.
    REQUIRE(app.tick_until([&] { return !s.connection.problem.empty(); }));
    CHECK(contains(s.connection.problem, "walkthrough connect team"));
    CHECK_FALSE(s.connection.offline_since);

    // A job could not reach it: offline since now; a later failure keeps the first moment.
    const EpochMs first = fx.now;
    tell(results::Failed{Error{ErrorCode::unreachable, "cannot reach the team server"}, {}});
    REQUIRE(s.connection.offline_since);
    CHECK(*s.connection.offline_since == first);
    fx.now += 60'000;
    tell(results::ServerReachable{"team", false, false, Error{ErrorCode::unreachable, "still down"}});
    CHECK(*s.connection.offline_since == first);
    CHECK(s.connection.problem == "still down");
    const auto line = connection_line(s.connection, s.opened, fx.now);
    CHECK(line.tone == ConnectionLine::Tone::offline);
    CHECK(line.brief == "offline since " + format_local_time(first).substr(11));
    CHECK(line.text == line.brief + " — recordings wait and are sent when the server is back");

    // Another connection's news (a library left since) changes nothing.
    tell(results::ServerReachable{"elsewhere", true, true, {}});
    CHECK(s.connection.offline_since);

    // Back: online and live, and what is shown is read again (a new generation of the library).
    REQUIRE(app.c->settle(20000));
    const auto generation = s.library.generation;
    tell(results::ServerReachable{"team", true, true, {}});
    CHECK_FALSE(s.connection.offline_since);
    CHECK(s.connection.live);
    CHECK(s.library.generation > generation);
    CHECK(connection_line(s.connection, s.opened, fx.now).text == "online — changes arrive as they happen");
    REQUIRE(app.c->settle(20000));

    // A comment added elsewhere on the recording in the player: its comments are read again, unasked.
    // (The fixture's recordings have no video: the player shows why, with the comments beside it.)
    app.act(intent::Play{"rec0000001", std::nullopt, true});
    REQUIRE(s.player.id == "rec0000001");
    const auto before = s.player.comments;
    auto other = fx.open_as("ana");
    REQUIRE(other->comment({"rec0000001", "Added elsewhere", std::nullopt, std::nullopt}));
    const auto all = other->comments("rec0000001");
    REQUIRE(all);
    REQUIRE(app.c->settle(20000));
    CHECK(s.player.comments.size() == before.size());  // not until it is told
    tell(results::ServerChanged{"team", "comment.added", "rec0000001", "c1", "ana"});
    REQUIRE(app.c->settle(20000));
    REQUIRE(s.player.comments.size() == all->size());
    CHECK(std::any_of(s.player.comments.begin(), s.player.comments.end(),
                      [](const catalog::Comment& c) { return c.body == "Added elsewhere"; }));
    // News of another recording does not read this one's again.
    REQUIRE(other->comment({"rec0000001", "Unannounced", std::nullopt, std::nullopt}));
    tell(results::ServerChanged{"team", "comment.added", "rec0000002", "c2", "ana"});
    REQUIRE(app.c->settle(20000));
    CHECK(s.player.comments.size() == all->size());
    // A sign-in the server no longer takes: said, and not shown as offline.
    tell(results::ServerReachable{"team", false, false, Error{ErrorCode::unauthorized, "sign in again"}});
    CHECK_FALSE(s.connection.offline_since);
    CHECK(s.connection.problem == "sign in again");
    CHECK(connection_line(s.connection, s.opened, fx.now).brief == "not signed in");

    // Switching to a folder forgets the connection's state.
    app.act(intent::ChangeLibrary{fx.dir.path.string()});
    CHECK(s.connection == ConnectionData{});
    ::unsetenv("XDG_CONFIG_HOME");
    ::unsetenv("XDG_DATA_HOME");
}
