// The change log, read: see changes.hpp. The triggers that write it are in schema.cpp (version 6).
#include "catalog/changes.hpp"

#include "catalog/schema.hpp"
#include "catalog/sqlite_ptr.hpp"

namespace wt::catalog {

namespace {

class SqliteChangeFeed final : public ChangeFeed {
public:
    explicit SqliteChangeFeed(sql::Database db) : db_(std::move(db)) {}

    // Once the connection is where it stays (a statement keeps a pointer to it).
    Result<void> prepare() {
        auto st = db_.prepare("PRAGMA data_version");
        if (!st) return std::unexpected(st.error());
        data_version_.emplace(std::move(*st));
        return {};
    }

    Result<bool> moved() override {
        data_version_->reset();
        auto row = data_version_->step();
        if (!row) return std::unexpected(row.error());
        const std::int64_t now = data_version_->int64(0);
        data_version_->reset();
        const bool changed = now != last_version_;
        last_version_ = now;
        return changed;
    }

    Result<std::vector<Change>> after(std::int64_t seq, int limit) override {
        auto st = db_.prepare(
            "SELECT c.seq, c.at, c.kind, c.recording_id, c.subject_id, p.name, p.id FROM changes c "
            "LEFT JOIN people p ON p.seq = c.person_seq WHERE c.seq > ? ORDER BY c.seq LIMIT ?");
        if (!st) return std::unexpected(st.error());
        st->bind(seq, limit);
        return st->collect([](const sql::Statement& row) {
            return Change{row.int64(0),    row.int64(1),    row.text(2),    row.text(3),
                          row.opt_text(4), row.opt_text(5), row.opt_text(6)};
        });
    }

    Result<Span> span() override {
        auto st = db_.prepare("SELECT coalesce(min(seq), 0), coalesce(max(seq), 0) FROM changes");
        if (!st) return std::unexpected(st.error());
        auto row = st->step();
        if (!row) return std::unexpected(row.error());
        return Span{st->int64(0), st->int64(1)};
    }

private:
    sql::Database db_;
    std::optional<sql::Statement> data_version_;  // prepared once: asked several times a second
    std::int64_t last_version_ = -1;
};

}  // namespace

Result<std::unique_ptr<ChangeFeed>> open_change_feed(const std::filesystem::path& root, int busy_timeout_ms) {
    const auto file = root / "catalog.db";
    if (!std::filesystem::exists(file)) {
        return fail(ErrorCode::not_found, file.string() + " does not exist; open the library once to create it");
    }
    auto db = sql::Database::open(file, busy_timeout_ms, check_is_catalog);
    if (!db) return std::unexpected(db.error());
    if (auto r = migrate(*db, latest_schema_version()); !r) return std::unexpected(r.error());
    auto feed = std::make_unique<SqliteChangeFeed>(std::move(*db));
    if (auto r = feed->prepare(); !r) return std::unexpected(r.error());
    return std::unique_ptr<ChangeFeed>(std::move(feed));
}

}  // namespace wt::catalog
