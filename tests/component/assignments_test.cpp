#include <doctest/doctest.h>

#include "tests/fixture.hpp"

using namespace wt;
using namespace wt::test;
using catalog::AssignmentState;

namespace {
AssignmentState state_of(catalog::Library& lib, const std::string& person) {
    auto all = lib.assignments({person, std::nullopt, false});
    REQUIRE_MESSAGE(all.has_value(), (all ? "" : all.error().message));
    REQUIRE(all->size() == 1);
    return all->at(0).state;
}
}  // namespace

TEST_CASE("an assignment goes not started -> in progress -> overdue -> done") {
    LibraryFixture f;  // now = 2026-11-20 noon
    auto ann = f.open_as("ann");
    auto bob = f.open_as("bob");
    f.add_recording("r1", "Security basics", "ann", 100'000);
    auto a = ann->assign("r1", "bob", "2026-11-21");
    REQUIRE(a.has_value());
    CHECK(a->assigned_by == "ann");
    CHECK(a->due == "2026-11-21");
    CHECK(a->state == AssignmentState::not_started);

    REQUIRE(bob->record_progress("r1", 0, 30'000).has_value());
    CHECK(state_of(*ann, "bob") == AssignmentState::in_progress);

    f.now += k_day;  // the due day itself: not yet overdue
    CHECK(state_of(*ann, "bob") == AssignmentState::in_progress);
    CHECK(ann->assignments({std::nullopt, std::nullopt, true})->empty());
    f.now += k_day;  // the day after
    CHECK(state_of(*ann, "bob") == AssignmentState::overdue);
    CHECK(ann->assignments({std::nullopt, std::nullopt, true})->size() == 1);

    REQUIRE(bob->record_progress("r1", 30'000, 95'000).has_value());  // 95 %
    auto done = ann->assignments({"bob", std::nullopt, false});
    CHECK(done->at(0).state == AssignmentState::done);
    CHECK(done->at(0).completed_at == f.now);
    CHECK(ann->assignments({std::nullopt, std::nullopt, true})->empty());
}

TEST_CASE("an explicit mark completes it; assigning something already watched is done at once") {
    LibraryFixture f;
    auto ann = f.open_as("ann");
    auto bob = f.open_as("bob");
    auto cat = f.open_as("cat");
    f.add_recording("r1", "Security basics", "ann", 100'000);
    REQUIRE(ann->assign("r1", "bob", std::nullopt).has_value());
    REQUIRE(bob->mark_watched("r1").has_value());
    CHECK(state_of(*ann, "bob") == AssignmentState::done);

    REQUIRE(cat->record_progress("r1", 0, 100'000).has_value());
    f.now += k_hour;
    auto late = ann->assign("r1", "cat", "2026-12-01");
    REQUIRE(late.has_value());
    CHECK(late->state == AssignmentState::done);
    CHECK(late->completed_at == f.now - k_hour);
}

TEST_CASE("re-assigning moves the due date and keeps one assignment") {
    LibraryFixture f;
    auto ann = f.open_as("ann");
    f.add_recording("r1", "Security basics", "ann", 100'000);
    REQUIRE(ann->add_person("bob", "", "").has_value());
    REQUIRE(ann->assign("r1", "bob", "2026-11-01").has_value());
    CHECK(state_of(*ann, "bob") == AssignmentState::overdue);
    auto moved = ann->assign("r1", "bob", "2026-12-24");
    REQUIRE(moved.has_value());
    CHECK(moved->due == "2026-12-24");
    CHECK(state_of(*ann, "bob") == AssignmentState::not_started);
}

TEST_CASE("overdue ones are listed first; bad dates and unknown people are refused") {
    LibraryFixture f;
    auto ann = f.open_as("ann");
    REQUIRE(ann->add_person("bob", "", "").has_value());
    f.add_recording("r1", "Later", "ann");
    f.add_recording("r2", "Missed", "ann");
    f.add_recording("r3", "Undated", "ann");
    REQUIRE(ann->assign("r1", "bob", "2026-12-10").has_value());
    REQUIRE(ann->assign("r3", "bob", std::nullopt).has_value());
    REQUIRE(ann->assign("r2", "bob", "2026-11-02").has_value());
    auto all = ann->assignments({"bob", std::nullopt, false});
    REQUIRE(all->size() == 3);
    CHECK(all->at(0).recording_id == "r2");
    CHECK(all->at(1).recording_id == "r1");
    CHECK(all->at(2).recording_id == "r3");

    auto bad = ann->assign("r1", "bob", "2026-02-30");
    REQUIRE_FALSE(bad.has_value());
    CHECK(bad.error().code == ErrorCode::invalid_input);
    auto nobody = ann->assign("r1", "zed", std::nullopt);
    REQUIRE_FALSE(nobody.has_value());
    CHECK(nobody.error().code == ErrorCode::not_found);
    CHECK(ann->assignments({"bob", std::nullopt, false})->at(1).due == "2026-12-10");  // unchanged by the failures
}
