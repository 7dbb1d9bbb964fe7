// The desktop app without a window: its view logic (pure functions) and its controller driving a
// real library in a scratch folder through the worker thread (intents in, state out).
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <future>
#include <mutex>
#include <thread>

#include "app/ui/app_settings.hpp"
#include "app/ui/controller.hpp"
#include "app/ui/view_logic.hpp"
#include "tests/fixture.hpp"

using namespace wt;
using namespace wt::ui;
using namespace wt::test;
namespace fs = std::filesystem;

namespace {

catalog::Recording rec(std::string id, std::string title, std::string author, EpochMs created, std::int64_t ms,
                       catalog::Kind kind = catalog::Kind::walkthrough, std::vector<std::string> tags = {},
                       int comments = 0) {
    catalog::Recording r;
    r.id = std::move(id);
    r.title = std::move(title);
    r.author = std::move(author);
    r.created_at = created;
    r.duration_ms = ms;
    r.kind = kind;
    r.tags = std::move(tags);
    r.comment_count = comments;
    return r;
}

std::vector<std::string> ids_of(const std::vector<catalog::Recording>& recs, const std::vector<std::size_t>& idx) {
    std::vector<std::string> out;
    for (auto i : idx) out.push_back(recs[i].id);
    return out;
}

catalog::Assignment assignment(std::string rec, std::string who, catalog::AssignmentState st, double coverage,
                               std::optional<std::string> due = {}) {
    catalog::Assignment a;
    a.recording_id = rec;
    a.recording_title = "Module " + rec;
    a.assignee = std::move(who);
    a.state = st;
    a.coverage = coverage;
    a.due = std::move(due);
    return a;
}

// A controller on the fixture's library, acting as `person`, with the fixture's clock.
struct App {
    TempDir config;
    std::unique_ptr<Controller> c;
    App(LibraryFixture& fx, const std::string& person, player::AudioOutput audio = player::AudioOutput::silent) {
        Controller::Options o;
        o.library = fx.dir.path;
        o.person = person;
        o.settings_file = config / "desktop.json";
        o.clock = [&fx] { return fx.now; };
        o.audio = audio;
        o.first_page = 2;  // so the two-step load (first page, then the rest) is exercised
        c = std::make_unique<Controller>(o);
        c->start();
        REQUIRE(c->settle(20000));
        REQUIRE_MESSAGE(c->state().opened, c->state().open_error);
    }
    const AppState& s() const { return c->state(); }
    void act(const Intent& i) {
        c->apply(i);
        REQUIRE(c->settle(20000));
    }
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

// ---------------------------------------------------------------- pure view logic

TEST_CASE("library filters and sort orders over the loaded recordings") {
    const std::vector<catalog::Recording> recs{
        rec("a", "zebra crossing", "ana", 3000, 60'000, catalog::Kind::training, {"onboarding"}, 1),
        rec("b", "Alpha deploy", "bob", 2000, 300'000, catalog::Kind::walkthrough, {"deploy", "onboarding"}, 7),
        rec("c", "middle", "ana", 1000, 120'000, catalog::Kind::walkthrough, {}, 3),
    };
    const std::unordered_set<std::string> watched{"b"};
    LibraryQuery q;
    CHECK(ids_of(recs, filter_and_sort(recs, watched, q)) == std::vector<std::string>{"a", "b", "c"});
    q.sort = SortOrder::oldest;
    CHECK(ids_of(recs, filter_and_sort(recs, watched, q)) == std::vector<std::string>{"c", "b", "a"});
    q.sort = SortOrder::title;  // case-insensitive
    CHECK(ids_of(recs, filter_and_sort(recs, watched, q)) == std::vector<std::string>{"b", "c", "a"});
    q.sort = SortOrder::longest;
    CHECK(ids_of(recs, filter_and_sort(recs, watched, q)) == std::vector<std::string>{"b", "c", "a"});
    q.sort = SortOrder::most_comments;
    CHECK(ids_of(recs, filter_and_sort(recs, watched, q)) == std::vector<std::string>{"b", "c", "a"});
    q = {};
    q.kind = catalog::Kind::walkthrough;
    CHECK(ids_of(recs, filter_and_sort(recs, watched, q)) == std::vector<std::string>{"b", "c"});
    q = {};
    q.tag = "onboarding";
    CHECK(ids_of(recs, filter_and_sort(recs, watched, q)) == std::vector<std::string>{"a", "b"});
    q.author = "ana";
    CHECK(ids_of(recs, filter_and_sort(recs, watched, q)) == std::vector<std::string>{"a"});
    q = {};
    q.unwatched = true;
    CHECK(ids_of(recs, filter_and_sort(recs, watched, q)) == std::vector<std::string>{"a", "c"});
    CHECK(all_tags(recs) == std::vector<std::string>{"deploy", "onboarding"});
    CHECK(all_authors(recs) == std::vector<std::string>{"ana", "bob"});
}

TEST_CASE("due dates read as people say them, relative to today (Friday 2026-11-20)") {
    const EpochMs now = k_start;
    CHECK(days_until("2026-11-20", now) == 0);
    CHECK(days_until("2026-12-20", now) == 30);
    CHECK(due_text("2026-11-20", now) == "due today");
    CHECK(due_text("2026-11-21", now) == "due tomorrow");
    CHECK(due_text("2026-11-24", now) == "due Tue");
    CHECK(due_text("2026-11-27", now) == "due 27 Nov");
    CHECK(due_text("2027-01-05", now) == "due 5 Jan 2027");
    CHECK(due_text("2026-11-19", now) == "was due yesterday");
    CHECK(due_text("2026-11-17", now) == "was due Tue");
    CHECK(due_text("2026-10-02", now) == "was due 2 Oct");
    CHECK_FALSE(days_until("not a date", now).has_value());

    auto a = assignment("r", "bob", catalog::AssignmentState::not_started, 0, "2026-11-27");
    a.due = "2026-11-27";
    CHECK(card_assignment_text(a, now) == "assigned to you · due 27 Nov");
    a.due = "2026-11-24";
    CHECK(card_assignment_text(a, now) == "assigned to you · due Tue");
    a.state = catalog::AssignmentState::overdue;
    a.due = "2026-11-17";
    CHECK(card_assignment_text(a, now) == "assigned to you · overdue");
    a.state = catalog::AssignmentState::done;
    CHECK(card_assignment_text(a, now) == "assigned to you · done");
    a.state = catalog::AssignmentState::not_started;
    a.due.reset();
    CHECK(card_assignment_text(a, now) == "assigned to you");
}

TEST_CASE("assignment status, my list by due date, and the manager's matrix") {
    using S = catalog::AssignmentState;
    CHECK(assignment_status_text(assignment("r", "x", S::not_started, 0)) == "not started");
    CHECK(assignment_status_text(assignment("r", "x", S::in_progress, 0.426)) == "in progress 42 %");
    CHECK(assignment_status_text(assignment("r", "x", S::done, 0.95)) == "done");
    CHECK(assignment_status_text(assignment("r", "x", S::overdue, 0.5)) == "overdue · 50 %");
    CHECK(assignment_status_text(assignment("r", "x", S::overdue, 0)) == "overdue · not started");

    std::vector<catalog::Assignment> mine{
        assignment("done", "me", S::done, 1, "2026-11-01"),
        assignment("later", "me", S::not_started, 0, "2026-12-01"),
        assignment("undated", "me", S::in_progress, 0.2),
        assignment("late", "me", S::overdue, 0.1, "2026-11-10"),
        assignment("soon", "me", S::in_progress, 0.3, "2026-11-22"),
    };
    std::vector<std::string> order;
    for (const auto& a : by_due_date(mine)) order.push_back(a.recording_id);
    CHECK(order == std::vector<std::string>{"late", "soon", "later", "undated", "done"});

    std::vector<catalog::Assignment> all{
        assignment("m2", "zoe", S::overdue, 0.4, "2026-11-01"), assignment("m1", "ana", S::done, 1),
        assignment("m2", "ana", S::in_progress, 0.5), assignment("m1", "bob", S::not_started, 0)};
    all[0].recording_title = "Security";
    all[2].recording_title = "Security";
    all[1].recording_title = "Basics";
    all[3].recording_title = "Basics";
    const TrainingMatrix m = build_matrix(all);
    REQUIRE(m.modules.size() == 2);
    CHECK(m.modules[0].title == "Basics");
    CHECK(m.modules[0].assigned == 2);
    CHECK(m.modules[0].done == 1);
    CHECK(m.modules[1].overdue == 1);
    CHECK(m.people == std::vector<std::string>{"ana", "bob", "zoe"});
    CHECK(m.cell[0][0] == 1);   // Basics x ana
    CHECK(m.cell[0][2] == -1);  // Basics x zoe: not assigned
    CHECK(m.cell[1][2] == 0);   // Security x zoe
    CHECK(cell_text(all[m.cell[1][2]]) == "! 40 %");
    CHECK(cell_text(all[m.cell[0][0]]) == "✓");
    CHECK(cell_text(all[m.cell[0][1]]) == "–");
    CHECK(cell_text(all[m.cell[1][0]]) == "50 %");
}

TEST_CASE("coverage, inbox age against the response window, overdue first") {
    CHECK(coverage_text(std::nullopt) == "not watched yet");
    catalog::View v;
    v.coverage = 0.934;
    CHECK(coverage_text(v) == "watched 93 %");
    v.watched_at = 1;
    v.how = catalog::WatchedHow::coverage;
    CHECK(coverage_text(v) == "watched 93 % ✓");
    v.how = catalog::WatchedHow::explicit_mark;
    v.coverage = 0.1;
    CHECK(coverage_text(v) == "marked watched ✓ · 10 % seen");

    CHECK(inbox_age_text(3 * k_hour, 24) == "waiting 3 h · reply within 24 h");
    CHECK(inbox_age_text(2 * k_day + 4 * k_hour, 24) == "waiting 2 d 4 h · 28 h past the 24 h window");

    std::vector<catalog::InboxItem> items(3);
    items[0].age_ms = 5 * k_hour;
    items[1].age_ms = 30 * k_hour;
    items[1].overdue = true;
    items[2].age_ms = 10 * k_hour;
    items[0].comment.id = "young";
    items[1].comment.id = "late";
    items[2].comment.id = "older";
    const auto ordered = inbox_order(items);
    CHECK(ordered[0].comment.id == "late");
    CHECK(ordered[1].comment.id == "older");
    CHECK(ordered[2].comment.id == "young");
}

TEST_CASE("comments beside the player: threads by moment, replies under them") {
    std::vector<catalog::Comment> cs(5);
    auto set = [&](int i, std::string id, std::string parent, std::string thread, std::optional<std::int64_t> at,
                   EpochMs created) {
        cs[i].id = id;
        cs[i].parent_id = parent;
        cs[i].thread_id = thread;
        cs[i].at_ms = at;
        cs[i].created_at = created;
    };
    set(0, "late", "", "late", 90'000, 1);
    set(1, "early", "", "early", 10'000, 2);
    set(2, "r2", "early", "early", std::nullopt, 5);
    set(3, "whole", "", "whole", std::nullopt, 3);
    set(4, "r1", "early", "early", std::nullopt, 4);
    cs[1].resolved_at = 9;
    const auto rows = comment_rows(cs);
    std::vector<std::string> order;
    for (const auto& r : rows) order.push_back(cs[r.index].id);
    CHECK(order == std::vector<std::string>{"whole", "early", "r1", "r2", "late"});
    CHECK(rows[1].depth == 0);
    CHECK(rows[2].depth == 1);
    CHECK(rows[2].resolved);
    CHECK_FALSE(rows[4].resolved);
}

TEST_CASE("editing: tags as typed, and only what changed is sent") {
    CHECK(split_tags(" onboarding, vpn ,#it,, vpn") == std::vector<std::string>{"it", "onboarding", "vpn"});
    CHECK(join_tags({"a", "b"}) == "a, b");
    const auto before = rec("x", "Old", "ana", 0, 1000, catalog::Kind::walkthrough, {"keep", "drop"});
    auto e = edit_between(before, "Old", "", catalog::Kind::training, "keep, new");
    CHECK_FALSE(e.title.has_value());
    CHECK_FALSE(e.description.has_value());
    CHECK(e.kind == catalog::Kind::training);
    CHECK(e.add_tags == std::vector<std::string>{"new"});
    CHECK(e.remove_tags == std::vector<std::string>{"drop"});
}

TEST_CASE("the recording bar: countdown, elapsed and size, the soft 5-minute guide, the meter") {
    recorder::RecordStats s;
    s.countdown_ms = 2001;
    CHECK(countdown_text(s) == "3");
    s.countdown_ms = 1;
    CHECK(countdown_text(s) == "1");
    s.countdown_ms = 0;
    CHECK(countdown_text(s).empty());
    s.elapsed_ms = 133'000;
    s.bytes_written = 4'300'000;
    CHECK(recording_bar_text(s) == "2:13 · 4.1 MB");
    s.paused = true;
    CHECK(recording_bar_text(s) == "2:13 · 4.1 MB · paused");
    CHECK(five_minute_guide(100'000).empty());
    CHECK(five_minute_guide(270'000) == "0:30 left of 5 min");
    CHECK(five_minute_guide(301'000) == "over 5 min: shorter videos get watched");
    CHECK(meter_fraction(0) == 0);
    CHECK(meter_fraction(1) == doctest::Approx(1));
    CHECK(meter_fraction(0.001f) == doctest::Approx(0).epsilon(0.01));  // -60 dB
    CHECK(meter_fraction(0.0316f) == doctest::Approx(0.5).epsilon(0.01));  // -30 dB
    CHECK(checked_region(" 10, 20 , 640x480") == "10,20,640x480");
    CHECK_FALSE(checked_region("640x480").has_value());
    CHECK_FALSE(checked_region("0,0,8x8").has_value());
}

// ---------------------------------------------------------------- the worker

TEST_CASE("the worker: bounded queue, latest-wins keys, answers through the mailbox with a wake-up") {
    std::atomic<int> wakes{0};
    std::mutex m;
    std::condition_variable cv;
    bool release = false;
    Worker w([&] { ++wakes; }, 2);
    // The first job blocks the thread, so the next ones wait in the queue.
    std::atomic<bool> started{false};
    REQUIRE(w.post([&](Worker::Env&) {
        started = true;
        std::unique_lock g(m);
        cv.wait(g, [&] { return release; });
    }));
    while (!started) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    std::vector<int> ran;
    REQUIRE(w.post([&](Worker::Env& env) { env.post([&](Controller&) { ran.push_back(1); }); }, "k"));
    REQUIRE(w.post([&](Worker::Env& env) { env.post([&](Controller&) { ran.push_back(2); }); }, "k"));  // replaces 1
    REQUIRE(w.post([&](Worker::Env& env) { env.post([&](Controller&) { ran.push_back(3); }); }));
    CHECK_FALSE(w.post([](Worker::Env&) {}));  // full: two waiting
    {
        std::lock_guard g(m);
        release = true;
    }
    cv.notify_all();
    REQUIRE(w.wait(5000));
    while (!w.idle()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    auto applies = w.take();
    REQUIRE(applies.size() == 2);
    Controller unused{Controller::Options{}};  // these answers do not touch it
    for (auto& a : applies) a(unused);
    CHECK(ran == std::vector<int>{2, 3});
    CHECK(wakes.load() >= 1);
    CHECK(w.take().empty());
}

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
