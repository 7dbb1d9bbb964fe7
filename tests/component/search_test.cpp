#include <doctest/doctest.h>

#include "catalog/search_query.hpp"
#include "tests/fixture.hpp"

using namespace wt;
using namespace wt::test;

TEST_CASE("typed text becomes a safe FTS5 query; the word being typed is a prefix") {
    using catalog::build_search_query;
    CHECK(build_search_query("vpn setup").fts == "\"vpn\" \"setup\"*");
    CHECK(build_search_query("vpn setup ").fts == "\"vpn\" \"setup\"");  // a finished word is exact
    CHECK(build_search_query("v").fts == "\"v\"");                       // one letter is not a prefix
    CHECK(build_search_query("say \"hi\"").fts == "\"say\" \"\"\"hi\"\"\"*");
    CHECK(build_search_query("-- ; ()").fts.empty());  // nothing searchable
    CHECK(build_search_query("NEAR(a b) OR NOT x*").words ==
          std::vector<std::string>{"near", "a", "b", "or", "not", "x"});
    CHECK(build_search_query("e-mail").words == std::vector<std::string>{"e", "mail"});
    CHECK(build_search_query("vpn se").last_is_prefix);
    CHECK_FALSE(build_search_query("vpn se ").last_is_prefix);
}

TEST_CASE("excerpts mark the matching word") {
    std::vector<std::string> words{"token"};
    CHECK(catalog::excerpt("How do I reset the token?", words, 80) == "How do I reset the [token]?");
    CHECK(catalog::excerpt("Tokens expire", {"tok"}, 80) == "[Tokens] expire");
    auto long_text = std::string(300, 'a') + " token " + std::string(300, 'b');
    auto e = catalog::excerpt(long_text, words, 40);
    CHECK(e.find("[token]") != std::string::npos);
    CHECK(e.size() < 120);
    // Matched only through folding the ASCII view cannot see: still one line.
    CHECK(catalog::excerpt("Résumé\nsecond line", {"resume"}, 80) == "Résumé second line");
}

TEST_CASE("ranking counts words found as words, whole words above word starts") {
    auto q = catalog::build_search_query("vpn set");
    CHECK(catalog::word_hits("VPN setup", q) == doctest::Approx(1.5));  // vpn whole, set as a start
    CHECK(catalog::word_hits("set up the VPN", q) == doctest::Approx(2));
    CHECK(catalog::word_hits("openvpn reset", q) == doctest::Approx(0));    // inside words: no hit
    CHECK(catalog::word_hits("vpn vpn vpn vpn", q) == doctest::Approx(2));  // capped
}

struct SearchFixture : LibraryFixture {
    std::unique_ptr<catalog::Library> ann = open_as("ann");
    std::unique_ptr<catalog::Library> bob = open_as("bob");
    SearchFixture() {
        add_recording("rvpn", "VPN setup for new laptops", "ann", 300'000, "Install the client and import the profile");
        add_recording("rpay", "Payroll close", "ann", 300'000, "Month end, including the VPN token for the bank");
        add_recording("rnai", "Naïve Bayes explained", "ann", 300'000);
        catalog::RecordingEdit e;
        e.add_tags = {"onboarding"};
        REQUIRE(ann->edit("rpay", e).has_value());
    }
    std::vector<std::string> ids(const std::string& q) {
        auto hits = ann->search(q, 20);
        REQUIRE_MESSAGE(hits.has_value(), (hits ? "" : hits.error().message));
        std::vector<std::string> out;
        for (const auto& h : *hits) out.push_back(h.comment_id.empty() ? h.recording_id : "c:" + h.recording_id);
        return out;
    }
};

TEST_CASE_FIXTURE(SearchFixture, "title, description, tags and comments are all searched, title ranked first") {
    CHECK(ids("vpn") == std::vector<std::string>{"rvpn", "rpay"});  // title beats description
    CHECK(ids("onboarding ") == std::vector<std::string>{"rpay"});  // tag
    CHECK(ids("profile ") == std::vector<std::string>{"rvpn"});     // description
    CHECK(ids("laptops payroll ").empty());                         // all words must match one row
    CHECK(ids("naive ") == std::vector<std::string>{"rnai"});       // diacritics folded
    CHECK(ids("VPN SETUP ") == std::vector<std::string>{"rvpn"});   // case folded
}

TEST_CASE_FIXTURE(SearchFixture, "a word in a comment returns the recording and the moment") {
    auto c = bob->comment({"rpay", "Which ledger do we reconcile against?", 125'000, std::nullopt});
    REQUIRE(c.has_value());
    auto hits = ann->search("ledger", 10);
    REQUIRE(hits.has_value());
    REQUIRE(hits->size() == 1);
    CHECK(hits->at(0).recording_id == "rpay");
    CHECK(hits->at(0).recording_title == "Payroll close");
    CHECK(hits->at(0).matched_in == "comment");
    CHECK(hits->at(0).comment_id == c->id);
    CHECK(hits->at(0).at_ms == 125'000);
    CHECK(hits->at(0).excerpt.find("[ledger]") != std::string::npos);
}

TEST_CASE_FIXTURE(SearchFixture, "search as you type: prefixes of two or more letters match") {
    CHECK(ids("pay") == std::vector<std::string>{"rpay"});
    CHECK(ids("vpn se") == std::vector<std::string>{"rvpn"});
    CHECK(ids("explai") == std::vector<std::string>{"rnai"});
}

TEST_CASE_FIXTURE(SearchFixture, "the index follows edits and deletions") {
    catalog::RecordingEdit e;
    e.title = "Remote access for new laptops";
    REQUIRE(ann->edit("rvpn", e).has_value());
    CHECK(ids("remote ") == std::vector<std::string>{"rvpn"});
    CHECK(ids("setup ").empty());
    auto c = bob->comment({"rvpn", "zebra crossing", std::nullopt, std::nullopt});
    REQUIRE(c.has_value());
    CHECK(ids("zebra ").size() == 1);
    REQUIRE(ann->remove("rvpn").has_value());
    CHECK(ids("remote ").empty());
    CHECK(ids("zebra ").empty());  // the comments went with the recording
    CHECK(ids("payroll ") == std::vector<std::string>{"rpay"});
}

TEST_CASE_FIXTURE(SearchFixture, "query syntax and SQL in the search box are just text") {
    for (const char* q : {"'; DROP TABLE recordings; --", "NEAR(vpn setup)", "vpn OR payroll", "\"unbalanced", "*",
                          "title:vpn", "(", "AND", "^vpn"}) {
        auto hits = ann->search(q, 10);
        if (!hits) {
            CHECK_MESSAGE(hits.error().code == ErrorCode::invalid_input, q);  // nothing searchable, said plainly
        }
    }
    CHECK(ann->stats()->recordings == 3);
    CHECK(ids("vpn OR payroll ").empty());  // OR is a word here, not an operator
}

TEST_CASE("a common word still finds an old title among hundreds of newer comment matches") {
    LibraryFixture f;
    auto ann = f.open_as("ann");
    auto bob = f.open_as("bob");
    f.add_recording("rold", "Budget report", "ann");
    f.now += k_day;
    f.add_recording("rnew", "Standup", "ann");
    for (int i = 0; i < 300; ++i) {
        f.now += 1000;
        REQUIRE(bob->comment({"rnew", "see the report, part " + std::to_string(i), std::nullopt, std::nullopt}));
    }
    auto hits = ann->search("report", 10);
    REQUIRE(hits.has_value());
    REQUIRE(hits->size() == 10);
    CHECK(hits->at(0).recording_id == "rold");
    CHECK(hits->at(0).matched_in == "recording");
    CHECK(hits->at(1).excerpt.find("part 299") != std::string::npos);  // then the newest comments
}
