#include <doctest/doctest.h>

#include "tests/fixture.hpp"

using namespace wt;
using namespace wt::test;

namespace {
std::vector<std::string> bodies(catalog::Library& lib) {
    auto items = lib.inbox();
    REQUIRE_MESSAGE(items.has_value(), (items ? "" : items.error().message));
    CHECK(items->total == static_cast<std::int64_t>(items->items.size()));
    std::vector<std::string> out;
    for (const auto& i : items->items) out.push_back(i.comment.body);
    return out;
}
}  // namespace

TEST_CASE("a question on my recording waits for me until I answer in its thread") {
    LibraryFixture f;
    auto ann = f.open_as("ann");
    auto bob = f.open_as("bob");
    f.add_recording("r1", "Deploys", "ann");

    auto q = bob->comment({"r1", "What if the build fails?", 60'000, std::nullopt});
    REQUIRE(q.has_value());
    CHECK(bodies(*bob).empty());  // my own comments never wait for me
    auto inbox = ann->inbox();
    REQUIRE(inbox.has_value());
    auto* items = &inbox->items;
    REQUIRE(items->size() == 1);
    CHECK(items->at(0).reason == "on your recording");
    CHECK(items->at(0).recording_title == "Deploys");
    CHECK(items->at(0).age_ms == 0);
    CHECK_FALSE(items->at(0).overdue);

    f.now += 25 * k_hour;  // past the default 24 h window
    inbox = ann->inbox();
    items = &inbox->items;
    CHECK(items->at(0).age_ms == 25 * k_hour);
    CHECK(items->at(0).overdue);

    // A new top-level comment from me is not an answer to bob's thread.
    REQUIRE(ann->comment({"r1", "Also see the runbook", std::nullopt, std::nullopt}).has_value());
    CHECK(bodies(*ann) == std::vector<std::string>{"What if the build fails?"});

    REQUIRE(ann->comment({"r1", "It rolls back", std::nullopt, q->id}).has_value());
    CHECK(bodies(*ann).empty());
    // bob's answer to my reply waits for bob? No: it is bob's own thread; my reply to bob waits for bob.
    CHECK(bodies(*bob) == std::vector<std::string>{"It rolls back"});

    f.now += k_hour;
    REQUIRE(bob->comment({"r1", "And then?", std::nullopt, q->id}).has_value());
    CHECK(bodies(*ann) == std::vector<std::string>{"And then?"});  // a follow-up waits again
    CHECK(bodies(*bob).empty());
}

TEST_CASE("resolved threads wait for nobody") {
    LibraryFixture f;
    auto ann = f.open_as("ann");
    auto bob = f.open_as("bob");
    f.add_recording("r1", "Deploys", "ann");
    auto q = bob->comment({"r1", "typo at 0:10", 10'000, std::nullopt});
    REQUIRE(q.has_value());
    REQUIRE(bob->resolve(q->id).has_value());
    CHECK(bodies(*ann).empty());
}

TEST_CASE("replies to my comments on someone else's recording wait for me too") {
    LibraryFixture f;
    auto ann = f.open_as("ann");
    auto carol = f.open_as("carol");
    auto dave = f.open_as("dave");
    f.add_recording("rd", "Dave's demo", "dave");
    auto mine = ann->comment({"rd", "Nice, but why two steps?", 5'000, std::nullopt});
    REQUIRE(mine.has_value());
    REQUIRE(carol->comment({"rd", "Because of caching", std::nullopt, mine->id}).has_value());

    auto inbox = ann->inbox();
    REQUIRE(inbox.has_value());
    auto* items = &inbox->items;
    REQUIRE(items->size() == 1);
    CHECK(items->at(0).reason == "reply to your comment");
    CHECK(items->at(0).comment.body == "Because of caching");
    // Dave owns the recording: both remarks wait for him, oldest first.
    CHECK(bodies(*dave) == std::vector<std::string>{"Nice, but why two steps?", "Because of caching"});
    CHECK(bodies(*carol).empty());
}

TEST_CASE("overdue first, and the response window is a library setting") {
    LibraryFixture f;
    auto ann = f.open_as("ann");
    auto bob = f.open_as("bob");
    f.add_recording("r1", "One", "ann");
    f.add_recording("r2", "Two", "ann");
    REQUIRE(bob->comment({"r1", "old question", std::nullopt, std::nullopt}).has_value());
    f.now += 3 * k_hour;
    REQUIRE(bob->comment({"r2", "new question", std::nullopt, std::nullopt}).has_value());
    f.now += 30 * 60'000;

    REQUIRE(ann->set_response_window_hours(2).has_value());
    auto inbox = ann->inbox();
    REQUIRE(inbox.has_value());
    auto* items = &inbox->items;
    REQUIRE(items->size() == 2);
    CHECK(items->at(0).comment.body == "old question");
    CHECK(items->at(0).overdue);
    CHECK_FALSE(items->at(1).overdue);
    CHECK(ann->stats()->response_window_hours == 2);
    CHECK(inbox->response_window_hours == 2);
    CHECK_FALSE(ann->set_response_window_hours(0).has_value());
}
