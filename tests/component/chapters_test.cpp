// Chapters in the catalog: add (same moment again renames), list in time order, remove, the bounds
// of a moment, odd titles kept exactly, the cascade from recordings, and search on chapter titles.
#include <doctest/doctest.h>

#include "tests/fixture.hpp"

using namespace wt;
using namespace wt::test;

namespace {

struct Chapters : LibraryFixture {
    std::unique_ptr<catalog::Library> ann = open_as("ann");
    Chapters() {
        add_recording("rvpn000001", "VPN setup for new laptops", "ann", 300'000);
        add_recording("rpay000001", "Payroll close", "ann", 120'000);
    }
    std::vector<std::int64_t> moments(const std::string& id) {
        auto all = ann->chapters(id);
        REQUIRE_MESSAGE(all.has_value(), (all ? "" : all.error().message));
        std::vector<std::int64_t> out;
        for (const auto& c : *all) out.push_back(c.at_ms);
        return out;
    }
    std::int64_t rows_in(const char* table) {
        auto db = sql::Database::open(dir.path / "catalog.db", 1000);
        REQUIRE(db.has_value());
        auto st = db->prepare(std::string("SELECT count(*) FROM ") + table);
        REQUIRE(st.has_value());
        REQUIRE(st->step().value());
        return st->int64(0);
    }
};

}  // namespace

TEST_CASE_FIXTURE(Chapters, "chapters: listed in time order; the same moment again renames; removal by moment") {
    now += 1000;
    auto late = ann->set_chapter("rvpn", 125'500, "Import the profile");
    REQUIRE_MESSAGE(late.has_value(), (late ? "" : late.error().message));
    CHECK(late->recording_id == "rvpn000001");
    CHECK(late->at_ms == 125'500);
    CHECK(late->title == "Import the profile");
    CHECK(late->created_at == now);
    now += 1000;
    REQUIRE(ann->set_chapter("rvpn", 0, "Install the client"));
    REQUIRE(ann->set_chapter("rvpn", 60'000, "Sign in"));
    CHECK(moments("rvpn") == std::vector<std::int64_t>{0, 60'000, 125'500});
    CHECK(moments("rpay").empty());  // another recording's are its own

    now += 1000;
    auto renamed = ann->set_chapter("rvpn", 60'000, "Sign in with the token");
    REQUIRE(renamed.has_value());
    CHECK(renamed->title == "Sign in with the token");
    CHECK(renamed->created_at == k_start + 2000);  // still the chapter made then
    auto all = ann->chapters("rvpn");
    REQUIRE(all->size() == 3);
    CHECK((*all)[1].title == "Sign in with the token");

    auto gone = ann->remove_chapter("rvpn", 60'000);
    REQUIRE(gone.has_value());
    CHECK(gone->title == "Sign in with the token");
    CHECK(moments("rvpn") == std::vector<std::int64_t>{0, 125'500});

    // A moment without a chapter: nothing removed, and the message names the moments there are.
    auto missing = ann->remove_chapter("rvpn", 125'000);
    REQUIRE_FALSE(missing.has_value());
    CHECK(missing.error().code == ErrorCode::not_found);
    CHECK(contains(missing.error().message, "no chapter at 2:05"));
    CHECK(contains(missing.error().message, "0:00, 2:05.5"));
    CHECK(moments("rvpn").size() == 2);
    CHECK(ann->remove_chapter("rpay", 0).error().code == ErrorCode::not_found);
}

TEST_CASE_FIXTURE(Chapters, "chapters: moments outside the video, empty titles and unknown recordings are refused") {
    for (std::int64_t at : {std::int64_t{120'000}, std::int64_t{120'001}, std::int64_t{9'000'000}}) {
        CAPTURE(at);
        auto r = ann->set_chapter("rpay", at, "Too late");
        REQUIRE_FALSE(r.has_value());
        CHECK(r.error().code == ErrorCode::invalid_input);
        CHECK(contains(r.error().message, "Payroll close"));
        CHECK(contains(r.error().message, "2:00 long"));
    }
    CHECK(ann->set_chapter("rpay", 119'999, "Just in time").has_value());
    auto early = ann->set_chapter("rpay", -1, "Before the start");
    REQUIRE_FALSE(early.has_value());
    CHECK(early.error().code == ErrorCode::invalid_input);
    for (const char* blank : {"", "   ", "\n\t"}) {
        auto r = ann->set_chapter("rpay", 1000, blank);
        REQUIRE_FALSE(r.has_value());
        CHECK(r.error().code == ErrorCode::invalid_input);
        CHECK(contains(r.error().message, "needs a title"));
    }
    auto huge = ann->set_chapter("rpay", 1000, std::string(17 * 1024, 'x'));
    REQUIRE_FALSE(huge.has_value());
    CHECK(contains(huge.error().message, "16 kB"));
    auto nobody = ann->set_chapter("zzz", 1000, "Lost");
    REQUIRE_FALSE(nobody.has_value());
    CHECK(nobody.error().code == ErrorCode::not_found);
    CHECK(ann->chapters("zzz").error().code == ErrorCode::not_found);
    CHECK(moments("rpay") == std::vector<std::int64_t>{119'999});  // only the one that fit

    // A recording whose length is not known yet (still being made) takes any moment.
    add_recording("rnow000001", "In progress", "ann", 0);
    CHECK(ann->set_chapter("rnow", 3'600'000, "An hour in").has_value());
}

TEST_CASE_FIXTURE(Chapters, "chapters: odd titles are stored and read back exactly") {
    std::string big = "ten kB «ünïcödé» \"double\" 'single' — 日本語 🎬 '; DROP TABLE chapters; --\n";
    while (big.size() < 10 * 1024) big += "Prüfung \"zitat\" 'quote' ";
    const std::vector<std::string> titles{big, "  spaces kept  ", "two\nlines\tand a tab", "\"", "%s %d {}"};
    std::int64_t at = 0;
    for (const auto& t : titles) {
        CAPTURE(t.substr(0, 30));
        auto c = ann->set_chapter("rvpn", at, t);
        REQUIRE_MESSAGE(c.has_value(), (c ? "" : c.error().message));
        CHECK(c->title == t);
        at += 1000;
    }
    auto all = ann->chapters("rvpn");
    REQUIRE(all->size() == titles.size());
    for (std::size_t i = 0; i < titles.size(); ++i) CHECK((*all)[i].title == titles[i]);
    CHECK(ann->stats()->recordings == 2);
}

TEST_CASE_FIXTURE(Chapters, "chapters go with their recording, from the table and from search") {
    REQUIRE(ann->set_chapter("rvpn", 1000, "Zebra crossing"));
    REQUIRE(ann->set_chapter("rvpn", 2000, "Another part"));
    REQUIRE(ann->set_chapter("rpay", 1000, "Zebra stripes"));
    CHECK(rows_in("chapters") == 3);
    CHECK(ann->search("zebra", 10)->size() == 2);
    REQUIRE(ann->remove("rvpn").has_value());
    CHECK(rows_in("chapters") == 1);
    auto hits = ann->search("zebra", 10);
    REQUIRE(hits.has_value());
    REQUIRE(hits->size() == 1);
    CHECK(hits->at(0).recording_id == "rpay000001");
}

TEST_CASE_FIXTURE(Chapters, "a word in a chapter title finds the recording and the chapter's moment") {
    auto bob = open_as("bob");
    REQUIRE(ann->set_chapter("rpay", 65'250, "Reconcile the ledger"));
    REQUIRE(bob->comment({"rvpn", "not about the ledger at all", 5000, std::nullopt}));
    auto hits = ann->search("reconcile", 10);
    REQUIRE(hits.has_value());
    REQUIRE(hits->size() == 1);
    const auto& h = hits->at(0);
    CHECK(h.recording_id == "rpay000001");
    CHECK(h.recording_title == "Payroll close");
    CHECK(h.matched_in == "chapter");
    CHECK(h.comment_id.empty());
    REQUIRE(h.at_ms.has_value());
    CHECK(*h.at_ms == 65'250);
    CHECK(h.excerpt == "[Reconcile] the ledger");

    // A word in both a chapter title and a comment: the chapter (a heading) ranks first.
    auto both = ann->search("ledger", 10);
    REQUIRE(both->size() == 2);
    CHECK(both->at(0).matched_in == "chapter");
    CHECK(both->at(1).matched_in == "comment");
    CHECK(ann->search("recon", 10)->size() == 1);  // as you type

    // The index follows renames and removals.
    REQUIRE(ann->set_chapter("rpay", 65'250, "Close the month"));
    CHECK(ann->search("reconcile ", 10)->empty());
    CHECK(ann->search("month ", 10)->size() == 1);
    REQUIRE(ann->remove_chapter("rpay", 65'250));
    CHECK(ann->search("month ", 10)->empty());
}
