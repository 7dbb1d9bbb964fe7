// Share links: a random code kept only as its hash (as invites are), one recording, watch or
// comment, an expiry and a revocation; each opening of a link adds a guest of its own.
#include "catalog/shares.hpp"

#include <fmt/format.h>

#include "catalog/library_impl.hpp"
#include "catalog/secrets.hpp"

namespace wt::catalog::shares {

namespace {

constexpr std::size_t k_code_bytes = 32;  // as an invite's: well past guessing
constexpr EpochMs k_day_ms = 24LL * 3600 * 1000;
constexpr std::size_t k_max_guest_name = 80;

constexpr const char* k_share_columns =
    "s.id, r.id, s.mode, coalesce((SELECT name FROM people WHERE seq = s.created_by_seq), ''), s.created_at, "
    "s.expires_at, s.revoked_at, (SELECT count(*) FROM people g WHERE g.share_seq = s.seq) ";

Share read_share(const sql::Statement& st) {
    return Share{st.text(0),  st.text(1),  st.text(2),      st.text(3),
                 st.int64(4), st.int64(5), st.opt_int64(6), static_cast<int>(st.int64(7)),
                 {}};
}

Result<std::int64_t> seq_of(sql::Database& db, const char* sql, const std::string& id, const char* missing) {
    auto st = db.prepare(sql);
    if (!st) return std::unexpected(st.error());
    st->bind(id);
    auto row = st->step();
    if (!row) return std::unexpected(row.error());
    if (!*row) return fail(ErrorCode::not_found, missing);
    return st->int64(0);
}

Result<Share> load(sql::Database& db, std::int64_t share_seq) {
    auto st = db.prepare(fmt::format(
        "SELECT {} FROM shares s JOIN recordings r ON r.seq = s.recording_seq WHERE s.seq = ?", k_share_columns));
    if (!st) return std::unexpected(st.error());
    st->bind(share_seq);
    auto row = st->step();
    if (!row) return std::unexpected(row.error());
    if (!*row) return fail(ErrorCode::not_found, "the share link was deleted meanwhile (with its recording)");
    return read_share(*st);
}

// What a guest typed as their name, trimmed: shown as text wherever their comments are, so any
// script may be in it, but no control characters (a line break would forge a log line).
Result<std::string> checked_guest_name(const std::string& typed, const std::string& mode) {
    const auto b = typed.find_first_not_of(" \t");
    const std::string name = b == std::string::npos ? "" : typed.substr(b, typed.find_last_not_of(" \t") - b + 1);
    if (name.empty()) {
        if (mode == "watch") return std::string("Guest");
        return fail(ErrorCode::invalid_input, "type your name: it is shown with your comments");
    }
    if (name.size() > k_max_guest_name) {
        return fail(ErrorCode::invalid_input, fmt::format("a name is limited to {} bytes", k_max_guest_name));
    }
    for (unsigned char c : name) {
        if (c < 0x20 || c == 0x7f) return fail(ErrorCode::invalid_input, "a name is one line of text");
    }
    return name;
}

}  // namespace

Result<Share> create(sql::Database& db, EpochMs now, const std::string& recording_id, const std::string& mode, int days,
                     const std::string& created_by_id) {
    if (mode != "watch" && mode != "comment") {
        return fail(ErrorCode::invalid_input,
                    fmt::format("'{}' is not a share mode; use watch, or comment (watch and comment)", mode));
    }
    if (days < 1 || days > k_share_max_days) {
        return fail(ErrorCode::invalid_input,
                    fmt::format("a share link lasts 1 to {} days, not {}", k_share_max_days, days));
    }
    auto code = random_secret(k_code_bytes);
    if (!code) return std::unexpected(code.error());
    auto tx = sql::Transaction::begin(db);
    if (!tx) return std::unexpected(tx.error());
    auto rec = seq_of(db, "SELECT seq FROM recordings WHERE id = ?", recording_id, "no such recording");
    if (!rec) return std::unexpected(rec.error());
    auto by = seq_of(db, "SELECT seq FROM people WHERE id = ? AND share_seq IS NULL", created_by_id,
                     "only a person of the team makes share links");
    if (!by) return std::unexpected(by.error());
    auto st = db.prepare(
        "INSERT INTO shares(id, code_hash, recording_seq, mode, created_by_seq, created_at, expires_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)");
    if (!st) return std::unexpected(st.error());
    if (auto r = st->bind(new_id(), secret_hash(*code), *rec, mode, *by, now, now + days * k_day_ms).run(); !r) {
        return std::unexpected(r.error());
    }
    auto made = load(db, sqlite3_last_insert_rowid(db.handle()));
    if (!made) return std::unexpected(made.error());
    if (auto r = tx->commit(); !r) return std::unexpected(r.error());
    made->code = *code;
    return made;
}

Result<std::vector<Share>> list(sql::Database& db, const std::string& recording_id) {
    auto st =
        db.prepare(fmt::format("SELECT {} FROM shares s JOIN recordings r ON r.seq = s.recording_seq WHERE r.id = ? "
                               "ORDER BY s.created_at DESC, s.seq DESC",
                               k_share_columns));
    if (!st) return std::unexpected(st.error());
    st->bind(recording_id);
    return st->collect(read_share);
}

Result<Share> revoke(sql::Database& db, EpochMs now, const std::string& recording_id, const std::string& share_id) {
    auto tx = sql::Transaction::begin(db);
    if (!tx) return std::unexpected(tx.error());
    std::int64_t seq = 0;
    {
        auto find = db.prepare(
            "SELECT s.seq FROM shares s JOIN recordings r ON r.seq = s.recording_seq WHERE s.id = ? AND r.id = ?");
        if (!find) return std::unexpected(find.error());
        find->bind(share_id, recording_id);
        auto row = find->step();
        if (!row) return std::unexpected(row.error());
        if (!*row) {
            return fail(ErrorCode::not_found,
                        "this recording has no share link with that id; GET its /shares lists them");
        }
        seq = find->int64(0);
    }
    auto st = db.prepare("UPDATE shares SET revoked_at = ? WHERE seq = ? AND revoked_at IS NULL");
    if (!st) return std::unexpected(st.error());
    if (auto r = st->bind(now, seq).run(); !r) return std::unexpected(r.error());
    // Its guests' sessions end now, not at their next request (a live stream is told, too).
    auto sessions = db.prepare(
        "UPDATE credentials SET revoked_at = ?1 WHERE revoked_at IS NULL AND expires_at > ?1 "
        "AND person_seq IN (SELECT seq FROM people WHERE share_seq = ?2)");
    if (!sessions) return std::unexpected(sessions.error());
    if (auto r = sessions->bind(now, seq).run(); !r) return std::unexpected(r.error());
    auto out = load(db, seq);
    if (!out) return std::unexpected(out.error());
    if (auto r = tx->commit(); !r) return std::unexpected(r.error());
    return out;
}

Result<NewGuest> add_guest(sql::Database& db, EpochMs now, const std::string& code, const std::string& typed_name) {
    const std::string hash = secret_hash(code);
    auto st = db.prepare("SELECT seq, code_hash, mode, expires_at, revoked_at FROM shares WHERE code_hash = ?");
    if (!st) return std::unexpected(st.error());
    st->bind(hash);
    auto row = st->step();
    if (!row) return std::unexpected(row.error());
    if (!*row || !same_hash(st->text(1), hash)) {
        return fail(ErrorCode::not_found,
                    "this share link is not known here; check that the whole link was copied, or ask whoever "
                    "sent it for a new one");
    }
    const std::int64_t share_seq = st->int64(0);
    const std::string mode = st->text(2);
    const EpochMs expires_at = st->int64(3);
    if (!st->is_null(4) || expires_at <= now) {
        return fail(ErrorCode::unauthorized,
                    fmt::format("this share link has ended ({}); ask whoever sent it for a new one",
                                st->is_null(4) ? "it expired" : "it was revoked"));
    }
    auto name = checked_guest_name(typed_name, mode);
    if (!name) return std::unexpected(name.error());
    // people.name must be unique and is what a team member is known by: a guest's is a stand-in
    // no one types, and what they typed is kept apart.
    const std::string id = new_id();
    auto ins = db.prepare(
        "INSERT INTO people(id, name, role, created_at, share_seq, guest_name) VALUES (?, ?, 'guest', ?, ?, ?)");
    if (!ins) return std::unexpected(ins.error());
    if (auto r = ins->bind(id, fmt::format("{} (guest {})", *name, id), now, share_seq, *name).run(); !r) {
        return std::unexpected(r.error());
    }
    return NewGuest{sqlite3_last_insert_rowid(db.handle()), expires_at};
}

}  // namespace wt::catalog::shares
