// The statement cache under every catalog query: a statement finished with is reused for the same
// SQL text, comes back with no bindings and no read held, and is safe when it outlives its connection.
#include <doctest/doctest.h>

#include <memory>
#include <optional>

#include "catalog/sqlite_ptr.hpp"
#include "tests/fixture.hpp"

using namespace wt;
using namespace wt::test;

namespace {

int statements_on(const sql::Database& db) {
    int n = 0;
    for (sqlite3_stmt* s = sqlite3_next_stmt(db.handle(), nullptr); s; s = sqlite3_next_stmt(db.handle(), s)) ++n;
    return n;
}

sql::Database open_db(const std::filesystem::path& file) {
    auto db = sql::Database::open(file, 1000);
    REQUIRE_MESSAGE(db.has_value(), (db ? "" : db.error().message));
    return std::move(*db);
}

}  // namespace

TEST_CASE("the same SQL is prepared once and reused, with the last use's bindings cleared") {
    TempDir dir;
    auto db = open_db(dir / "a.db");
    for (int i = 0; i < 100; ++i) {
        auto st = db.prepare("SELECT ?1 + 1");
        REQUIRE(st.has_value());
        st->bind(i);
        REQUIRE(st->step().value());
        CHECK(st->int64(0) == i + 1);
    }
    CHECK(statements_on(db) == 1);

    auto again = db.prepare("SELECT ?1 IS NULL");
    REQUIRE(again.has_value());
    again->bind(5);
    REQUIRE(again->step().value());
    CHECK(again->int64(0) == 0);
    again = db.prepare("SELECT ?1 IS NULL");  // the first goes back to the cache as this one is made
    auto unbound = db.prepare("SELECT ?1 IS NULL");
    REQUIRE(unbound.has_value());
    REQUIRE(unbound->step().value());
    CHECK(unbound->int64(0) == 1);  // nothing left bound from the use before
}

TEST_CASE("a statement left in the middle of its rows holds no read once it is put away") {
    TempDir dir;
    auto reader = open_db(dir / "a.db");
    REQUIRE(reader.exec("CREATE TABLE t(x); INSERT INTO t VALUES (1), (2), (3)").has_value());
    {
        auto st = reader.prepare("SELECT x FROM t");
        REQUIRE(st.has_value());
        REQUIRE(st->step().value());  // one row read, two left: a read transaction is open
    }
    auto writer = open_db(dir / "a.db");
    REQUIRE(writer.exec("INSERT INTO t VALUES (4)").has_value());
    // A checkpoint that must wait for no reader reports busy = 0 only if nobody holds an older snapshot.
    auto cp = writer.prepare("PRAGMA wal_checkpoint(TRUNCATE)");
    REQUIRE(cp.has_value());
    REQUIRE(cp->step().value());
    CHECK(cp->int64(0) == 0);
}

TEST_CASE("a statement that outlives its connection is finalized, and the cache stays bounded") {
    TempDir dir;
    std::optional<sql::Statement> kept;
    {
        auto db = open_db(dir / "a.db");
        for (int i = 0; i < 300; ++i) {
            auto st = db.prepare("SELECT " + std::to_string(i));
            REQUIRE(st.has_value());
            REQUIRE(st->step().value());
        }
        CHECK(statements_on(db) == static_cast<int>(sql::StatementCache::k_max));
        auto st = db.prepare("SELECT 1");
        REQUIRE(st.has_value());
        kept.emplace(std::move(*st));
    }
    kept.reset();  // its connection is gone: finalized, not put back (ASan would see a use after free)
}
