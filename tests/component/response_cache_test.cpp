// The server's response cache: an answer is found again only while nothing in the library has
// changed, whoever changed it (another connection of this process, as a server's worker, or another
// process, as the CLI), and it never holds more than its limit.
#include <doctest/doctest.h>

#include <cstdlib>

#include "serve/response_cache.hpp"
#include "tests/fixture.hpp"

using namespace wt;
using namespace wt::test;

namespace {

struct CacheFixture : LibraryFixture {
    std::unique_ptr<catalog::Library> ann = open_as("ann");
    std::unique_ptr<serve::ResponseCache> cache = open_cache(1 << 20);

    CacheFixture() { add_recording("r1", "Budget review", "ann"); }

    std::unique_ptr<serve::ResponseCache> open_cache(std::size_t max_bytes) {
        auto c = serve::ResponseCache::open(dir.path, 1000, max_bytes);
        REQUIRE_MESSAGE(c.has_value(), (c ? "" : c.error().message));
        return std::move(*c);
    }
    std::uint64_t generation() {
        auto g = cache->generation();
        REQUIRE(g.has_value());
        return *g;
    }
};

}  // namespace

TEST_CASE_FIXTURE(CacheFixture, "an answer is found while nothing changes, and under its own key only") {
    const auto g = generation();
    CHECK_FALSE(cache->find("search\x1f" "20\x1f" "budget", g).has_value());
    cache->store("search\x1f" "20\x1f" "budget", g, "[1]");
    CHECK(generation() == g);  // reading changes nothing
    CHECK(cache->find("search\x1f" "20\x1f" "budget", g) == "[1]");
    CHECK_FALSE(cache->find("search\x1f" "20\x1f" "budge", g).has_value());
    CHECK(cache->entries() == 1);
}

TEST_CASE_FIXTURE(CacheFixture, "a write through another connection of this process empties it") {
    const auto g = generation();
    cache->store("list", g, "[old]");
    auto c = ann->comment({"r1", "which quarter?", std::nullopt, std::nullopt});
    REQUIRE(c.has_value());
    const auto after = generation();
    CHECK(after != g);
    CHECK_FALSE(cache->find("list", after).has_value());
    CHECK_FALSE(cache->find("list", g).has_value());
    CHECK(cache->entries() == 0);
}

TEST_CASE_FIXTURE(CacheFixture, "a write by another process (the CLI) empties it") {
    const auto g = generation();
    cache->store("list", g, "[old]");
    // sqlite3's own shell stands for any other process writing to the library.
    const auto db = (dir.path / "catalog.db").string();
    const std::string sql = "UPDATE recordings SET title = 'Budget plan' WHERE id = 'r1'";
    const int rc = std::system(("sqlite3 '" + db + "' \"" + sql + "\"").c_str());
    REQUIRE(rc == 0);
    const auto after = generation();
    CHECK(after != g);
    CHECK_FALSE(cache->find("list", after).has_value());
}

TEST_CASE_FIXTURE(CacheFixture, "an answer made before a change is not kept") {
    // A worker asks for the generation, reads the library; meanwhile another writes; then the
    // worker stores what it read. The next request asks for the generation first: a miss.
    const auto g = generation();
    catalog::RecordingEdit e;
    e.title = "Budget plan";
    REQUIRE(ann->edit("r1", e).has_value());
    cache->store("list", g, "[made before the edit]");
    const auto after = generation();
    CHECK_FALSE(cache->find("list", after).has_value());
    cache->store("list", g, "[stored with the old generation]");  // dropped: the library has moved on
    CHECK_FALSE(cache->find("list", after).has_value());
    CHECK(cache->entries() == 0);
}

TEST_CASE_FIXTURE(CacheFixture, "it holds at most its limit, and nothing larger than a tenth of it") {
    auto small = open_cache(10'000);
    auto g = small->generation();
    REQUIRE(g.has_value());
    small->store("big", *g, std::string(1'500, 'x'));  // over a tenth: not kept
    CHECK_FALSE(small->find("big", *g).has_value());
    for (int i = 0; i < 30; ++i) small->store("k" + std::to_string(i), *g, std::string(900, 'y'));
    CHECK(small->bytes() <= 10'000);
    CHECK(small->entries() > 0);
    CHECK(small->find("k29", *g).has_value());  // the newest is there
}
