// The browser viewer's library past the API's largest page (500): a library of 1101 recordings
// (one imported, the rest copies of its catalog row written straight into catalog.db, so that it
// is made in milliseconds), driven in chromium by tests/e2e/web_library_pages.mjs: the first page,
// "Show more" by keyboard, scrolling to the end, filters and a sort over every page.
#include <doctest/doctest.h>

#include <fmt/format.h>

#include "catalog/sqlite_ptr.hpp"
#include "tests/serve_support.hpp"

using nlohmann::json;
using namespace wt::test;

namespace {

const std::filesystem::path k_source = WT_SOURCE_DIR;
constexpr int k_copies = 1100;  // "Paged 0001" (newest) .. "Paged 1100" (oldest); every tenth a training

// Copies of `model`'s row, each a second older than the one before (no files: the library page
// needs none, and an empty thumbnail path asks for no picture).
void add_copies(const CliLibrary& lib, const std::string& model) {
    auto db = wt::sql::Database::open(lib.root() / "catalog.db", 2000);
    REQUIRE(db.has_value());
    const auto sql = fmt::format(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {}) "
        "INSERT INTO recordings(id, title, kind, author_seq, created_at, duration_ms, width, height, size_bytes, "
        "video_codec, audio_codec, media_path, status) "
        "SELECT printf('pg%08d', i), printf('Paged %04d', i), CASE WHEN i % 10 = 0 THEN 'training' ELSE "
        "'walkthrough' END, r.author_seq, r.created_at - i * 1000, r.duration_ms, r.width, r.height, r.size_bytes, "
        "r.video_codec, r.audio_codec, printf('media/pg%08d.mp4', i), 'ready' FROM n, recordings r WHERE r.id = '{}'",
        k_copies, model);
    auto done = db->exec(sql);
    REQUIRE_MESSAGE(done.has_value(), (done ? "" : done.error().message));
}

}  // namespace

TEST_CASE("in chromium: the library shows every recording, a page at a time, with filters and sorts over all") {
    REQUIRE_MESSAGE(std::filesystem::exists(k_source / "node_modules/playwright-core/package.json"),
                    "playwright-core is missing: run `npm ci` in " << k_source.string() << " (scripts/setup.sh does)");
    CliLibrary lib;
    const std::string model =
        lib.ok({"import", make_clip(lib.dir.path, "first.mp4", 1).string(), "--title", "The newest"}, "ann").at("id");
    add_copies(lib, model);
    REQUIRE(count_rows(lib, "SELECT count(*) FROM recordings") == k_copies + 1);

    Served server(lib);
    const json config{{"url", server.url},
                      {"invites",
                       {{"first", server.invite_code("bob")},
                        {"second", server.invite_code("carol")},
                        {"third", server.invite_code("dan")}}},
                      {"watched_id", fmt::format("pg{:08d}", k_copies)}};
    const json steps = browser_steps(k_source / "tests/e2e/web_library_pages.mjs", config);
    INFO(steps.dump(2));

    CHECK(steps.at("watched_status") == 200);
    // The first screenful (48) and one page (500); the count says more come.
    CHECK(steps.at("cards_first") == 548);
    CHECK(contains(steps.at("count_first"), "of the newest 548"));
    // "Show more" (a button: keyboard reachable) brought the next page, scrolling to the end the
    // rest: every recording once.
    CHECK(steps.at("show_more_focused") == "show-more");
    CHECK(steps.at("cards_after_button") == 1048);
    CHECK(steps.at("cards_all") == k_copies + 1);
    CHECK(steps.at("distinct_titles") == k_copies + 1);
    CHECK(steps.at("last_title") == fmt::format("Paged {:04d}", k_copies));
    CHECK(contains(steps.at("count_all"), fmt::format("{} of {} recordings", k_copies + 1, k_copies + 1)));
    // Filters apply to every page: 110 trainings, 109 of them unwatched (the oldest was watched).
    CHECK(steps.at("training_cards") == k_copies / 10);
    CHECK(steps.at("unwatched_training_cards") == k_copies / 10 - 1);
    CHECK(steps.at("unwatched_has_watched") == false);
    // A filter chosen on the first pages goes on to the end of the list as the person scrolls;
    // oldest first had them all.
    CHECK(steps.at("fresh_training_cards") == k_copies / 10);
    CHECK(steps.at("oldest_first_cards") == k_copies + 1);
    CHECK(steps.at("oldest_first_title") == fmt::format("Paged {:04d}", k_copies));
    CHECK(!steps.contains("page_errors"));
}
