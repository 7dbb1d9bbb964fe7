// The desktop app's view logic (pure functions, no window, no library) and its worker thread.
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "app/desktop/model/controller.hpp"
#include "app/desktop/model/view_logic.hpp"
#include "app/desktop/model/worker.hpp"
#include "common/text.hpp"
#include "tests/fixture.hpp"

using namespace wt;
using namespace wt::ui;
using namespace wt::test;

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
    CHECK(meter_fraction(0.001f) == doctest::Approx(0).epsilon(0.01));     // -60 dB
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
    // Each job answers with a result that names it.
    auto answer = [](int n) {
        return [n](Worker::Env& env) { env.post(results::Notice{Level::info, std::to_string(n), {}}); };
    };
    REQUIRE(w.post(answer(1), "k"));
    REQUIRE(w.post(answer(2), "k"));  // replaces 1
    REQUIRE(w.post(answer(3)));
    CHECK_FALSE(w.post([](Worker::Env&) {}));  // full: two waiting
    {
        std::lock_guard g(m);
        release = true;
    }
    cv.notify_all();
    REQUIRE(w.wait(5000));
    while (!w.idle()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    auto answers = w.take();
    REQUIRE(answers.size() == 2);
    for (auto& a : answers) ran.push_back(std::stoi(std::get<results::Notice>(a).text));
    CHECK(ran == std::vector<int>{2, 3});
    CHECK(wakes.load() >= 1);
    CHECK(w.take().empty());
}

TEST_CASE("team libraries: which one the app is on, its server's state, each upload's state") {
    LibraryChoice here{"/home/ana/walkthrough", false, {}, {}, {}};
    LibraryChoice team{"team", true, "https://wt.example.org", "ana", "admin"};
    CHECK(library_label(here) == "This computer");
    CHECK(library_detail(here) == "/home/ana/walkthrough");
    CHECK(library_label(team) == "Team: team");
    CHECK(library_detail(team) == "https://wt.example.org · as ana (admin)");

    AppState s;
    s.root = "/home/ana/walkthrough";
    CHECK(is_current_library(s, here));
    CHECK_FALSE(is_current_library(s, team));
    s.root = "team";
    s.connection.team = "team";
    CHECK(is_current_library(s, team));
    CHECK_FALSE(is_current_library(s, here));

    const EpochMs now = k_start;
    ConnectionData c;
    CHECK(connection_line(c, true, now) == ConnectionLine{ConnectionLine::Tone::none, "On this computer", "on this computer"});
    c.team = "team";
    CHECK(connection_line(c, false, now).tone == ConnectionLine::Tone::connecting);
    c.live = true;
    CHECK(connection_line(c, true, now).brief == "online");
    c.live = false;
    c.offline_since = now - 5 * 60'000;
    const std::string hhmm = format_local_time(*c.offline_since).substr(11);
    CHECK(connection_line(c, true, now).text ==
          "offline since " + hhmm + " — recordings wait and are sent when the server is back");
    // Since another day: with the date.
    c.offline_since = now - 3 * k_day;
    CHECK(connection_line(c, true, now).brief == "offline since " + format_local_time(*c.offline_since));

    UploadRow u;
    u.state = "sending";
    u.size_bytes = 100'000'000;
    u.sent_bytes = 42'000'000;
    CHECK(upload_text(u, now) == "uploading 42 %");
    u.bytes_per_second = 1'200'000;
    CHECK(upload_text(u, now) == "uploading 42 % · " + human_size(1'200'000) + "/s");
    u.state = "waiting";
    u.retry_at = now + 30'000;
    CHECK(upload_text(u, now) == "waiting for the server — retrying in 30 s");
    CHECK(upload_text(u, now + 29'500) == "waiting for the server — retrying in 1 s");
    CHECK(upload_text(u, now + 31'000) == "waiting for the server — retrying now");
    u.retry_at = 0;
    CHECK(upload_text(u, now) == "waiting to be sent");
    u.state = "published";
    CHECK(upload_text(u, now) == "published");
}
