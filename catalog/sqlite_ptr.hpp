#pragma once
// RAII for SQLite handles, and the thin layer every catalog query goes through: prepared
// statements with typed binding, errors turned into wt::Error values, and IMMEDIATE transactions.
#include <sqlite3.h>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "common/result.hpp"

namespace wt::sql {

struct ConnectionDeleter {
    // close_v2 defers the close until the last statement is finalized, so destruction order
    // between a connection and statements that outlive it can never leak or fail.
    void operator()(sqlite3* p) const { sqlite3_close_v2(p); }
};
struct StatementDeleter {
    void operator()(sqlite3_stmt* p) const { sqlite3_finalize(p); }
};
using ConnectionPtr = std::unique_ptr<sqlite3, ConnectionDeleter>;
using StatementPtr = std::unique_ptr<sqlite3_stmt, StatementDeleter>;

class Statement;

// The statements a connection has prepared and finished with (reset, bindings cleared), by SQL text,
// so that the next prepare() of the same text reuses one instead of parsing and planning it again.
// Parsing was a third of the team server's CPU for each media request. Bounded: past k_max idle
// statements, a finished one is finalized instead.
struct StatementCache {
    static constexpr std::size_t k_max = 200;
    std::unordered_map<std::string, std::vector<StatementPtr>> idle;
    std::size_t count = 0;
};

class Database {
public:
    // Opens or creates the file; WAL, foreign keys and the busy timeout are set here. `vet` runs
    // first, before anything is written (the switch to WAL rewrites the header): a file that is
    // not what the caller expects is refused untouched.
    // On a full disk the connection keeps the WAL index in its own memory and holds the file
    // exclusively until it closes.
    using Vet = std::function<Result<void>(Database&)>;
    static Result<Database> open(const std::filesystem::path& file, int busy_timeout_ms, const Vet& vet = {});

    Result<void> exec(std::string_view sql);
    Result<Statement> prepare(std::string_view sql);
    // An error value for the last failure on this connection.
    Error error(int rc, std::string_view doing) const;
    // Whether the last failure turned into an Error was the disk being full, for callers that
    // have another way through.
    bool disk_full() const;
    const std::filesystem::path& file() const { return file_; }
    sqlite3* handle() const { return conn_.get(); }
    std::int64_t changes() const { return sqlite3_changes64(conn_.get()); }

private:
    Result<void> connect(const std::filesystem::path& file, int busy_timeout_ms, const Vet& vet, bool exclusive);

    ConnectionPtr conn_;
    std::shared_ptr<StatementCache> cache_;  // shared with the statements, which outlive it safely
    std::filesystem::path file_;
    int busy_timeout_ms_ = 0;
    mutable int last_failure_ = SQLITE_OK;
};

// A prepared statement. bind() takes 1-based positions in the order of the arguments. When it is
// destroyed it goes back to its connection's cache, reset (any read it held is ended, as finalizing
// would), or is finalized when the connection is gone or the cache full.
class Statement {
public:
    Statement(StatementPtr stmt, const Database* db, std::weak_ptr<StatementCache> cache = {}, std::string sql = {})
        : stmt_(std::move(stmt)), db_(db), cache_(std::move(cache)), sql_(std::move(sql)) {}
    Statement(Statement&&) noexcept = default;
    Statement& operator=(Statement&& other) noexcept {
        if (this != &other) {
            give_back();
            stmt_ = std::move(other.stmt_);
            db_ = other.db_;
            cache_ = std::move(other.cache_);
            sql_ = std::move(other.sql_);
            bind_error_ = std::move(other.bind_error_);
            bind_failed_ = other.bind_failed_;
        }
        return *this;
    }
    ~Statement() { give_back(); }

    template <class... Args>
    Statement& bind(const Args&... args) {
        int i = 0;
        (bind_one(++i, args), ...);
        return *this;
    }
    Statement& bind_one(int i, std::int64_t v);
    Statement& bind_one(int i, int v) { return bind_one(i, static_cast<std::int64_t>(v)); }
    Statement& bind_one(int i, double v);
    Statement& bind_one(int i, std::string_view v);
    Statement& bind_one(int i, const std::string& v) { return bind_one(i, std::string_view(v)); }
    Statement& bind_one(int i, const char* v) { return bind_one(i, std::string_view(v)); }
    Statement& bind_one(int i, std::nullopt_t);
    template <class T>
    Statement& bind_one(int i, const std::optional<T>& v) {
        return v ? bind_one(i, *v) : bind_one(i, std::nullopt);
    }
    // Binds a named parameter (":name") if the statement has it; queries assembled from optional
    // filters may not.
    template <class T>
    Statement& bind_named(const char* name, const T& v) {
        if (int i = sqlite3_bind_parameter_index(stmt_.get(), name); i > 0) bind_one(i, v);
        return *this;
    }

    // true: a row is ready; false: done.
    Result<bool> step();
    // Steps through every row, turning each into a value with `read(const Statement&)`.
    template <class Read>
    auto collect(Read read) -> Result<std::vector<decltype(read(std::declval<const Statement&>()))>> {
        std::vector<decltype(read(std::declval<const Statement&>()))> out;
        for (;;) {
            auto row = step();
            if (!row) return std::unexpected(row.error());
            if (!*row) return out;
            out.push_back(read(*this));
        }
    }
    // Runs to completion, for statements that return no rows.
    Result<void> run();
    void reset();

    std::string text(int col) const;
    std::int64_t int64(int col) const { return sqlite3_column_int64(stmt_.get(), col); }
    double real(int col) const { return sqlite3_column_double(stmt_.get(), col); }
    bool is_null(int col) const { return sqlite3_column_type(stmt_.get(), col) == SQLITE_NULL; }
    std::optional<std::int64_t> opt_int64(int col) const {
        return is_null(col) ? std::nullopt : std::optional(int64(col));
    }
    std::optional<std::string> opt_text(int col) const {
        return is_null(col) ? std::nullopt : std::optional(text(col));
    }

private:
    void give_back();

    StatementPtr stmt_;
    const Database* db_;
    std::weak_ptr<StatementCache> cache_;
    std::string sql_;  // the cache's key
    Error bind_error_{};
    bool bind_failed_ = false;
};

// BEGIN IMMEDIATE: takes the write lock up front, so a busy library fails before any work is
// done rather than halfway through. Rolls back unless commit() succeeded.
class Transaction {
public:
    static Result<Transaction> begin(Database& db);
    Transaction(Transaction&& other) noexcept : db_(other.db_) { other.db_ = nullptr; }
    Transaction& operator=(Transaction&&) = delete;
    ~Transaction();
    Result<void> commit();

private:
    explicit Transaction(Database* db) : db_(db) {}
    Database* db_;
};

}  // namespace wt::sql
