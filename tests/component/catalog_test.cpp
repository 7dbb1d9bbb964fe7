#include <doctest/doctest.h>

#include "tests/fixture.hpp"

using namespace wt;
using namespace wt::test;

TEST_CASE("ids: any unique prefix works, an exact id always wins, ambiguity lists the candidates") {
    LibraryFixture f;
    auto lib = f.open_as("ann");
    f.add_recording("abc111aaaa", "First demo", "ann");
    f.add_recording("abc222bbbb", "Second demo", "ann");
    f.add_recording("abd333cccc", "Third demo", "ann");
    f.add_recording("xyz", "Short id", "ann");
    f.add_recording("xyzq", "Longer id with the short one as prefix", "ann");

    CHECK(lib->get("abd")->title == "Third demo");
    CHECK(lib->get("ABD3")->title == "Third demo");  // typed in capitals
    CHECK(lib->get("abc1")->title == "First demo");
    CHECK(lib->get("xyz")->title == "Short id");

    auto amb = lib->get("abc");
    REQUIRE_FALSE(amb.has_value());
    CHECK(amb.error().code == ErrorCode::ambiguous);
    CHECK(amb.error().message.find("abc111aaaa") != std::string::npos);
    CHECK(amb.error().message.find("abc222bbbb") != std::string::npos);
    CHECK(amb.error().message.find("Second demo") != std::string::npos);
    CHECK(amb.error().message.find("abd333cccc") == std::string::npos);

    auto none = lib->get("qqq");
    REQUIRE_FALSE(none.has_value());
    CHECK(none.error().code == ErrorCode::not_found);
    CHECK(none.error().message.find("'qqq'") != std::string::npos);

    auto empty = lib->get("");
    REQUIRE_FALSE(empty.has_value());
    CHECK(empty.error().code == ErrorCode::invalid_input);
}

TEST_CASE("people: names are unique regardless of case; the acting person is created on first use") {
    LibraryFixture f;
    auto lib = f.open_as("Ann");
    CHECK(lib->me().name == "Ann");
    CHECK(lib->add_person("bob", "bob@example.org", "new hire").has_value());
    auto dup = lib->add_person("BOB", "", "");
    REQUIRE_FALSE(dup.has_value());
    CHECK(dup.error().code == ErrorCode::conflict);
    CHECK(lib->person("Bob")->email == "bob@example.org");
    CHECK(lib->people()->size() == 2);
    CHECK_FALSE(lib->add_person("   ", "", "").has_value());
    auto ghost = lib->person("nobody");
    REQUIRE_FALSE(ghost.has_value());
    CHECK(ghost.error().message.find("people add") != std::string::npos);
    // Opening as the same name in another case finds the same person.
    auto again = f.open_as("ann");
    CHECK(again->me().id == lib->me().id);
}

TEST_CASE("comments: moments, threads, replies across recordings refused, resolving a reply resolves its thread") {
    LibraryFixture f;
    auto ann = f.open_as("ann");
    auto bob = f.open_as("bob");
    f.add_recording("r1", "VPN setup", "ann", 120'000);
    f.add_recording("r2", "Payroll", "ann", 120'000);

    auto q = bob->comment({"r1", "Why port 443?", 73'000, std::nullopt});
    REQUIRE(q.has_value());
    CHECK(q->thread_id == q->id);
    auto whole = bob->comment({"r1", "Great overview", std::nullopt, std::nullopt});
    REQUIRE(whole.has_value());
    auto a = ann->comment({"r1", "Because the firewall allows it", std::nullopt, q->id.substr(0, 6)});
    REQUIRE(a.has_value());
    CHECK(a->parent_id == q->id);
    CHECK(a->thread_id == q->id);

    auto past_end = bob->comment({"r1", "late", 121'000, std::nullopt});
    REQUIRE_FALSE(past_end.has_value());
    CHECK(past_end.error().message.find("past the end") != std::string::npos);

    auto cross = bob->comment({"r2", "wrong place", std::nullopt, q->id});
    REQUIRE_FALSE(cross.has_value());
    CHECK(cross.error().message.find("another recording") != std::string::npos);

    auto blank = bob->comment({"r1", " \n\t", std::nullopt, std::nullopt});
    REQUIRE_FALSE(blank.has_value());
    CHECK(blank.error().code == ErrorCode::invalid_input);

    auto list = ann->comments("r1");
    REQUIRE(list.has_value());
    REQUIRE(list->size() == 3);
    CHECK(list->at(0).id == whole->id);  // whole-video remarks first, then by moment
    CHECK(list->at(1).id == q->id);
    CHECK(list->at(2).id == a->id);  // replies follow their thread
    CHECK(ann->get("r1")->open_comment_count == 2);

    auto resolved = ann->resolve(a->id);  // resolving via the reply
    REQUIRE(resolved.has_value());
    CHECK(resolved->id == q->id);
    CHECK(resolved->resolved_by == "ann");
    CHECK(resolved->resolved_at == f.now);
    CHECK(ann->get("r1")->open_comment_count == 1);
}

TEST_CASE("edit: titles kept exactly, blank titles dated, tags added and removed") {
    LibraryFixture f;
    auto lib = f.open_as("ann");
    f.add_recording("r1", "old", "ann");
    const std::string odd = "Prüfung — 日本語 🎬 \"q\" 'q' '; DROP TABLE recordings; --";
    catalog::RecordingEdit e;
    e.title = odd;
    e.add_tags = {"onboarding", "#vpn"};
    auto r = lib->edit("r1", e);
    REQUIRE(r.has_value());
    CHECK(r->title == odd);
    CHECK(r->tags == std::vector<std::string>{"onboarding", "vpn"});

    catalog::RecordingEdit blank;
    blank.title = "";
    blank.remove_tags = {"vpn"};
    r = lib->edit("r1", blank);
    REQUIRE(r.has_value());
    CHECK(r->title.rfind("Recording ", 0) == 0);
    CHECK(r->tags == std::vector<std::string>{"onboarding"});

    catalog::RecordingEdit missing;
    missing.remove_tags = {"nope"};
    auto m = lib->edit("r1", missing);
    REQUIRE_FALSE(m.has_value());
    CHECK(m.error().message.find("no tag 'nope'") != std::string::npos);
    CHECK(lib->get("r1")->tags == std::vector<std::string>{"onboarding"});  // the failed edit changed nothing
}

TEST_CASE("list filters: kind, tag, author, unwatched, assigned") {
    LibraryFixture f;
    auto ann = f.open_as("ann");
    auto bob = f.open_as("bob");
    f.add_recording("r1", "one", "ann", 10'000);
    f.now += 1000;
    f.add_recording("r2", "two", "bob", 10'000);
    catalog::RecordingEdit e;
    e.kind = catalog::Kind::training;
    e.add_tags = {"hr"};
    REQUIRE(ann->edit("r1", e).has_value());
    REQUIRE(ann->assign("r2", "bob", std::nullopt).has_value());
    REQUIRE(bob->mark_watched("r1").has_value());

    auto ids = [&](catalog::Library& lib, catalog::ListFilter filter) {
        std::vector<std::string> out;
        auto rows = lib.list(filter);
        REQUIRE(rows.has_value());
        for (const auto& r : *rows) out.push_back(r.id);
        return out;
    };
    CHECK(ids(*ann, {}) == std::vector<std::string>{"r2", "r1"});  // newest first
    catalog::ListFilter k;
    k.kind = catalog::Kind::training;
    CHECK(ids(*ann, k) == std::vector<std::string>{"r1"});
    catalog::ListFilter t;
    t.tag = "HR";
    CHECK(ids(*ann, t) == std::vector<std::string>{"r1"});
    catalog::ListFilter a;
    a.author = "bob";
    CHECK(ids(*ann, a) == std::vector<std::string>{"r2"});
    catalog::ListFilter u;
    u.unwatched = true;
    CHECK(ids(*bob, u) == std::vector<std::string>{"r2"});
    CHECK(ids(*ann, u) == std::vector<std::string>{"r2", "r1"});
    catalog::ListFilter as;
    as.assigned_to = "bob";
    CHECK(ids(*ann, as) == std::vector<std::string>{"r2"});
    catalog::ListFilter page;
    page.limit = 1;
    page.offset = 1;
    CHECK(ids(*ann, page) == std::vector<std::string>{"r1"});
}

TEST_CASE("progress: only real stretches count, clipped to the video, resume point kept") {
    LibraryFixture f;
    auto bob = f.open_as("bob");
    f.add_recording("r1", "ten minutes", "bob", 600'000);
    auto v = bob->record_progress("r1", 0, 300'000);
    REQUIRE(v.has_value());
    CHECK(v->coverage == doctest::Approx(0.5));
    CHECK_FALSE(v->watched_at.has_value());
    v = bob->record_progress("r1", 100'000, 200'000);  // rewatching adds nothing
    CHECK(v->covered_ms == 300'000);
    CHECK(v->last_position_ms == 200'000);
    v = bob->record_progress("r1", 300'000, 539'999);
    CHECK_FALSE(v->watched_at.has_value());  // 89.99 %
    f.now += 5000;
    v = bob->record_progress("r1", 539'999, 700'000);  // past the end: clipped
    REQUIRE(v.has_value());
    CHECK(v->covered_ms == 600'000);
    CHECK(v->watched_at == f.now);
    CHECK(v->how == catalog::WatchedHow::coverage);
    f.now += 5000;
    v = bob->mark_watched("r1");  // an explicit mark later keeps the first way it was reached
    CHECK(v->how == catalog::WatchedHow::coverage);
    CHECK(v->watched_at == f.now - 5000);

    CHECK_FALSE(bob->record_progress("r1", 50'000, 40'000).has_value());
    CHECK_FALSE(bob->record_progress("r1", 600'000, 700'000).has_value());
    CHECK_FALSE(bob->record_progress("r1", -1, 10).has_value());
}
