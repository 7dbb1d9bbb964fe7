#include "catalog/sqlite_ptr.hpp"

#include <fmt/format.h>

namespace wt::sql {

Result<Database> Database::open(const std::filesystem::path& file, int busy_timeout_ms, const Vet& vet) {
    {
        Database db;
        auto shared = db.connect(file, busy_timeout_ms, vet, false);
        if (shared) return db;
        if (!db.disk_full()) return std::unexpected(shared.error());
    }  // closed: it may hold a lock the next connection needs
    // A full disk: SQLite cannot make the shared-memory index (-shm) through which connections
    // share the WAL. A connection that keeps it in its own memory (exclusive locking: other
    // processes wait until it closes) can still read, and delete: the one thing that frees space.
    Database alone;
    if (auto r = alone.connect(file, busy_timeout_ms, vet, true); !r) return std::unexpected(r.error());
    return alone;
}

Result<void> Database::connect(const std::filesystem::path& file, int busy_timeout_ms, const Vet& vet, bool exclusive) {
    sqlite3* raw = nullptr;
    int rc =
        sqlite3_open_v2(file.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
    conn_.reset(raw);  // sqlite3_open_v2 hands out a handle even on failure; it must be closed
    file_ = file;
    busy_timeout_ms_ = busy_timeout_ms;
    if (rc != SQLITE_OK) return std::unexpected(error(rc, "opening the catalog"));
    sqlite3_extended_result_codes(raw, 1);
    sqlite3_busy_timeout(raw, busy_timeout_ms);
    // Before the first read, or the WAL index is looked for in shared memory all the same.
    if (exclusive) {
        if (auto r = exec("PRAGMA locking_mode=EXCLUSIVE"); !r) return r;
    }
    if (vet) {
        if (auto r = vet(*this); !r) return r;
    }
    // journal_mode is persistent, so this is a no-op (and takes no lock) once the file is in WAL.
    for (auto pragma : {"PRAGMA journal_mode=WAL", "PRAGMA foreign_keys=ON", "PRAGMA synchronous=NORMAL"}) {
        if (auto r = exec(pragma); !r) return r;
    }
    return {};
}

bool Database::disk_full() const {
    return (last_failure_ & 0xff) == SQLITE_FULL || last_failure_ == SQLITE_IOERR_SHMSIZE;
}

Error Database::error(int rc, std::string_view doing) const {
    const char* detail = conn_ ? sqlite3_errmsg(conn_.get()) : sqlite3_errstr(rc);
    last_failure_ = rc;
    if (rc == SQLITE_IOERR_SHMSIZE) rc = SQLITE_FULL;  // no room for the WAL's shared-memory index
    switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return {ErrorCode::busy,
                fmt::format("the library is busy: another process is writing to {} and did not finish within {} s "
                            "while {}; nothing was changed, try again in a moment",
                            file_.string(), busy_timeout_ms_ / 1000.0, doing)};
    case SQLITE_FULL:
        return {ErrorCode::io, fmt::format("the disk holding {} is full while {}; free some space and try again",
                                           file_.string(), doing)};
    case SQLITE_READONLY:
    case SQLITE_CANTOPEN:
    case SQLITE_PERM:
    case SQLITE_IOERR:
        return {ErrorCode::io, fmt::format("cannot write {} while {} ({}); check that the folder exists and is "
                                           "writable",
                                           file_.string(), doing, detail)};
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
        return {ErrorCode::io, fmt::format("{} is damaged or is not a walkthrough catalog ({}); restore it from a "
                                           "backup or point --library at another folder",
                                           file_.string(), detail)};
    case SQLITE_CONSTRAINT:
        return {ErrorCode::conflict, fmt::format("{} was refused by the catalog ({})", doing, detail)};
    default: return {ErrorCode::internal, fmt::format("catalog error while {}: {}", doing, detail)};
    }
}

Result<void> Database::exec(std::string_view sql) {
    char* msg = nullptr;
    std::string text(sql);
    int rc = sqlite3_exec(conn_.get(), text.c_str(), nullptr, nullptr, &msg);
    sqlite3_free(msg);  // the same text is available from sqlite3_errmsg
    if (rc != SQLITE_OK) return std::unexpected(error(rc, "updating the catalog"));
    return {};
}

Result<Statement> Database::prepare(std::string_view sql) {
    if (!cache_) cache_ = std::make_shared<StatementCache>();
    std::string key(sql);
    if (auto it = cache_->idle.find(key); it != cache_->idle.end() && !it->second.empty()) {
        StatementPtr stmt = std::move(it->second.back());
        it->second.pop_back();
        --cache_->count;
        return Statement(std::move(stmt), this, cache_, std::move(key));
    }
    sqlite3_stmt* raw = nullptr;
    int rc = sqlite3_prepare_v2(conn_.get(), sql.data(), static_cast<int>(sql.size()), &raw, nullptr);
    StatementPtr stmt(raw);
    if (rc != SQLITE_OK) return std::unexpected(error(rc, "preparing a query"));
    return Statement(std::move(stmt), this, cache_, std::move(key));
}

void Statement::give_back() {
    if (!stmt_) return;
    auto cache = cache_.lock();
    if (!cache || cache->count >= StatementCache::k_max) {
        stmt_.reset();
        return;
    }
    sqlite3_reset(stmt_.get());
    sqlite3_clear_bindings(stmt_.get());
    cache->idle[std::move(sql_)].push_back(std::move(stmt_));
    ++cache->count;
}

Statement& Statement::bind_one(int i, std::int64_t v) {
    if (int rc = sqlite3_bind_int64(stmt_.get(), i, v); rc != SQLITE_OK && !bind_failed_) {
        bind_failed_ = true;
        bind_error_ = db_->error(rc, "binding a value");
    }
    return *this;
}

Statement& Statement::bind_one(int i, double v) {
    if (int rc = sqlite3_bind_double(stmt_.get(), i, v); rc != SQLITE_OK && !bind_failed_) {
        bind_failed_ = true;
        bind_error_ = db_->error(rc, "binding a value");
    }
    return *this;
}

Statement& Statement::bind_one(int i, std::string_view v) {
    int rc = sqlite3_bind_text64(stmt_.get(), i, v.data(), v.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
    if (rc != SQLITE_OK && !bind_failed_) {
        bind_failed_ = true;
        bind_error_ = db_->error(rc, "binding a value");
    }
    return *this;
}

Statement& Statement::bind_one(int i, std::nullopt_t) {
    if (int rc = sqlite3_bind_null(stmt_.get(), i); rc != SQLITE_OK && !bind_failed_) {
        bind_failed_ = true;
        bind_error_ = db_->error(rc, "binding a value");
    }
    return *this;
}

Result<bool> Statement::step() {
    if (bind_failed_) return std::unexpected(bind_error_);
    int rc = sqlite3_step(stmt_.get());
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    Error e = db_->error(rc, "running a query");
    sqlite3_reset(stmt_.get());
    return std::unexpected(std::move(e));
}

Result<void> Statement::run() {
    for (;;) {
        auto r = step();
        if (!r) return std::unexpected(r.error());
        if (!*r) return {};
    }
}

void Statement::reset() {
    sqlite3_reset(stmt_.get());
    sqlite3_clear_bindings(stmt_.get());
    bind_failed_ = false;
}

std::string Statement::text(int col) const {
    auto p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_.get(), col));
    return p ? std::string(p, static_cast<size_t>(sqlite3_column_bytes(stmt_.get(), col))) : std::string();
}

Result<Transaction> Transaction::begin(Database& db) {
    if (auto r = db.exec("BEGIN IMMEDIATE"); !r) return std::unexpected(r.error());
    return Transaction(&db);
}

Transaction::~Transaction() {
    // Not through exec(): a failed COMMIT may have rolled back already, and the error of a
    // ROLLBACK with nothing to roll back would hide why the transaction failed.
    if (db_ && !sqlite3_get_autocommit(db_->handle()))
        sqlite3_exec(db_->handle(), "ROLLBACK", nullptr, nullptr, nullptr);
}

Result<void> Transaction::commit() {
    auto r = db_->exec("COMMIT");
    if (r) db_ = nullptr;
    return r;
}

}  // namespace wt::sql
