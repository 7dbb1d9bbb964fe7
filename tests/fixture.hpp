#pragma once
// A library in a scratch folder with a clock the test controls, and a fast way to add
// recordings without encoding video (rows inserted the way an import would leave them).
#include <doctest/doctest.h>

#include "catalog/catalog.hpp"
#include "catalog/sqlite_ptr.hpp"
#include "tests/support.hpp"

namespace wt::test {

// 2026-11-20 12:00:00 UTC: noon, so local dates are the same in any time zone within ±11 h.
inline constexpr EpochMs k_start = 1'795'176'000'000;
inline constexpr EpochMs k_hour = 3'600'000;
inline constexpr EpochMs k_day = 24 * k_hour;

struct LibraryFixture {
    TempDir dir;
    EpochMs now = k_start;

    std::unique_ptr<catalog::Library> open_as(const std::string& person) {
        catalog::OpenOptions o;
        o.acting_person = person;
        o.clock = [this] { return now; };
        auto lib = catalog::open_library(dir.path, o);
        REQUIRE_MESSAGE(lib.has_value(), (lib ? "" : lib.error().message));
        return std::move(*lib);
    }

    // A recording authored by `author` (who must exist), with the given id and length.
    void add_recording(const std::string& id, const std::string& title, const std::string& author,
                       std::int64_t duration_ms = 600'000, const std::string& description = "") {
        auto db = sql::Database::open(dir.path / "catalog.db", 1000);
        REQUIRE(db.has_value());
        auto st = db->prepare(
            "INSERT INTO recordings(id, title, description, kind, author_seq, created_at, duration_ms, media_path, "
            "status) "
            "VALUES (?, ?, ?, 'walkthrough', (SELECT seq FROM people WHERE name = ?), ?, ?, ?, 'ready')");
        REQUIRE(st.has_value());
        auto r = st->bind(id, title, description, author, now, duration_ms, "media/" + id + ".mp4").run();
        REQUIRE_MESSAGE(r.has_value(), (r ? "" : r.error().message));
    }
};

}  // namespace wt::test
