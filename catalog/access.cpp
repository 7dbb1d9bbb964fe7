// Team-library access: invites and revocation (Library), and signing in with them (Access).
#include "catalog/access.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "catalog/library_impl.hpp"
#include "catalog/schema.hpp"
#include "catalog/secrets.hpp"
#include "catalog/shares.hpp"

namespace wt::catalog {

namespace {

constexpr std::size_t k_secret_bytes = 32;  // 256 bits: well past guessing, online or offline
constexpr EpochMs k_day_ms = 24LL * 3600 * 1000;
constexpr EpochMs k_last_seen_every_ms = 60'000;

}  // namespace

Result<Invite> SqliteLibrary::invite(const std::string& name, std::optional<std::string> access, int days) {
    if (days < 1 || days > 365) {
        return fail(ErrorCode::invalid_input, fmt::format("an invite lasts 1 to 365 days, not {}", days));
    }
    if (access) {
        auto checked = parse_access(*access);
        if (!checked) return std::unexpected(checked.error());
    }
    auto code = random_secret(k_secret_bytes);
    if (!code) return std::unexpected(code.error());
    auto tx = sql::Transaction::begin(db_);
    if (!tx) return std::unexpected(tx.error());
    auto found = resolve_person(name);
    if (!found && found.error().code != ErrorCode::not_found) return std::unexpected(found.error());
    if (!found) {
        auto added = add_person(name, "", "");
        if (!added) return std::unexpected(added.error());
        found = resolve_person(added->id);
        if (!found) return std::unexpected(found.error());
        // A new person is a member unless asked otherwise (the first one is already the admin).
        if (!access && found->second.access != "admin") access = "member";
    }
    auto [person_seq, person] = *found;
    if (access && *access != person.access) {
        if (*access == "member") {
            auto st = db_.prepare("SELECT count(*) FROM people WHERE access = 'admin'");
            if (!st) return std::unexpected(st.error());
            if (auto row = st->step(); !row) return std::unexpected(row.error());
            if (st->int64(0) <= 1) {
                return fail(ErrorCode::conflict, fmt::format("{} is the library's only admin and stays one; "
                                                             "invite another admin first",
                                                             person.name));
            }
        }
        auto st = db_.prepare("UPDATE people SET access = ? WHERE seq = ?");
        if (!st) return std::unexpected(st.error());
        if (auto r = st->bind(*access, person_seq).run(); !r) return std::unexpected(r.error());
        person.access = *access;
    }
    const EpochMs at = now();
    {
        auto st = db_.prepare("DELETE FROM invites WHERE person_seq = ? AND used_at IS NULL");
        if (!st) return std::unexpected(st.error());
        if (auto r = st->bind(person_seq).run(); !r) return std::unexpected(r.error());
    }
    Invite out{person, *code, at + days * k_day_ms};
    auto st = db_.prepare(
        "INSERT INTO invites(code_hash, person_seq, created_by_seq, created_at, expires_at) "
        "VALUES (?, ?, ?, ?, ?)");
    if (!st) return std::unexpected(st.error());
    if (auto r = st->bind(secret_hash(out.code), person_seq, me_seq_, at, out.expires_at).run(); !r) {
        return std::unexpected(r.error());
    }
    if (auto r = tx->commit(); !r) return std::unexpected(r.error());
    return out;
}

Result<int> SqliteLibrary::revoke(const Ref& ref) {
    auto tx = sql::Transaction::begin(db_);
    if (!tx) return std::unexpected(tx.error());
    auto found = resolve_person(ref);
    if (!found) return std::unexpected(found.error());
    std::int64_t ended = 0;
    auto st = db_.prepare(
        "UPDATE credentials SET revoked_at = ? WHERE person_seq = ? AND revoked_at IS NULL "
        "AND expires_at > ?1");
    if (!st) return std::unexpected(st.error());
    if (auto r = st->bind(now(), found->first).run(); !r) return std::unexpected(r.error());
    ended += db_.changes();
    auto inv = db_.prepare("DELETE FROM invites WHERE person_seq = ? AND used_at IS NULL AND expires_at > ?");
    if (!inv) return std::unexpected(inv.error());
    if (auto r = inv->bind(found->first, now()).run(); !r) return std::unexpected(r.error());
    ended += db_.changes();
    // Expired leftovers go too: nothing they could open remains.
    auto old = db_.prepare("DELETE FROM invites WHERE person_seq = ? AND used_at IS NULL");
    if (!old) return std::unexpected(old.error());
    if (auto r = old->bind(found->first).run(); !r) return std::unexpected(r.error());
    if (auto r = tx->commit(); !r) return std::unexpected(r.error());
    return static_cast<int>(ended);
}

namespace {

class SqliteAccess final : public Access {
public:
    SqliteAccess(sql::Database db, OpenOptions options) : db_(std::move(db)), options_(std::move(options)) {}

    Result<SignIn> redeem_invite(const std::string& code) override {
        const std::string hash = secret_hash(code);
        auto tx = sql::Transaction::begin(db_);
        if (!tx) return std::unexpected(tx.error());
        auto st = db_.prepare(
            "SELECT seq, code_hash, person_seq FROM invites "
            "WHERE code_hash = ? AND used_at IS NULL AND expires_at > ?");
        if (!st) return std::unexpected(st.error());
        st->bind(hash, now());
        auto row = st->step();
        if (!row) return std::unexpected(row.error());
        if (!*row || !same_hash(st->text(1), hash)) return no_invite();
        const std::int64_t invite_seq = st->int64(0);
        const std::int64_t person_seq = st->int64(2);

        auto used = db_.prepare("UPDATE invites SET used_at = ? WHERE seq = ? AND used_at IS NULL");
        if (!used) return std::unexpected(used.error());
        if (auto r = used->bind(now(), invite_seq).run(); !r) return std::unexpected(r.error());
        if (db_.changes() != 1) return no_invite();

        SignIn out;
        auto token = issue(person_seq, "token", k_token_lifetime_ms);
        if (!token) return std::unexpected(token.error());
        auto session = issue(person_seq, "session", k_session_lifetime_ms);
        if (!session) return std::unexpected(session.error());
        out.token = token->first;
        out.token_expires_at = token->second;
        out.session = session->first;
        out.session_expires_at = session->second;
        if (auto r = touch_person(person_seq); !r) return std::unexpected(r.error());
        auto p = person_by_seq(person_seq);
        if (!p) return std::unexpected(p.error());
        out.person = *p;
        if (auto r = tx->commit(); !r) return std::unexpected(r.error());
        return out;
    }

    Result<Person> authenticate(const std::string& secret) override {
        const std::string hash = secret_hash(secret);
        auto st = db_.prepare(
            "SELECT seq, secret_hash, person_seq, last_used_at FROM credentials "
            "WHERE secret_hash = ? AND revoked_at IS NULL AND expires_at > ?");
        if (!st) return std::unexpected(st.error());
        st->bind(hash, now());
        auto row = st->step();
        if (!row) return std::unexpected(row.error());
        if (!*row || !same_hash(st->text(1), hash)) {
            return fail(ErrorCode::not_found,
                        "this token or session is unknown, expired or revoked; sign in again "
                        "with a new invite");
        }
        const std::int64_t credential_seq = st->int64(0);
        const std::int64_t person_seq = st->int64(2);
        const auto last_used = st->opt_int64(3);
        auto person = person_by_seq(person_seq);
        if (!person) return std::unexpected(person.error());
        if (person->guest && person->guest->recording_id.empty()) {
            return fail(ErrorCode::not_found, "the recording this share link showed was deleted");
        }
        if (!last_used || *last_used + k_last_seen_every_ms <= now()) {
            // Best effort: a busy library must not turn a read into a refusal.
            auto up = db_.prepare("UPDATE credentials SET last_used_at = ? WHERE seq = ?");
            if (up) (void)up->bind(now(), credential_seq).run();
            (void)touch_person(person_seq);
        }
        return person;
    }

    Result<void> sign_out(const std::string& secret) override {
        auto st = db_.prepare(
            "UPDATE credentials SET revoked_at = ? WHERE secret_hash = ? AND revoked_at IS NULL "
            "AND expires_at > ?1");
        if (!st) return std::unexpected(st.error());
        if (auto r = st->bind(now(), secret_hash(secret)).run(); !r) return r;
        if (db_.changes() == 0) return fail(ErrorCode::not_found, "this token or session is not signed in");
        return {};
    }

    Result<Share> create_share(const std::string& recording_id, const std::string& mode, int days,
                               const std::string& created_by_id) override {
        return catalog::shares::create(db_, now(), recording_id, mode, days, created_by_id);
    }

    Result<std::vector<Share>> shares(const std::string& recording_id) override {
        return catalog::shares::list(db_, recording_id);
    }

    Result<Share> revoke_share(const std::string& recording_id, const std::string& share_id) override {
        return catalog::shares::revoke(db_, now(), recording_id, share_id);
    }

    Result<SignIn> redeem_share(const std::string& code, const std::string& guest_name) override {
        auto tx = sql::Transaction::begin(db_);
        if (!tx) return std::unexpected(tx.error());
        auto guest = catalog::shares::add_guest(db_, now(), code, guest_name);
        if (!guest) return std::unexpected(guest.error());
        // A browser session only (no personal token), ending when the link does.
        auto session =
            issue(guest->person_seq, "session", std::min(k_session_lifetime_ms, guest->link_expires_at - now()));
        if (!session) return std::unexpected(session.error());
        SignIn out;
        out.session = session->first;
        out.session_expires_at = session->second;
        if (auto r = touch_person(guest->person_seq); !r) return std::unexpected(r.error());
        auto p = person_by_seq(guest->person_seq);
        if (!p) return std::unexpected(p.error());
        out.person = *p;
        if (auto r = tx->commit(); !r) return std::unexpected(r.error());
        return out;
    }

private:
    EpochMs now() const { return options_.clock ? options_.clock() : now_ms(); }

    static std::unexpected<Error> no_invite() {
        return fail(ErrorCode::not_found,
                    "this invite code is unknown, used or expired; ask an admin for a new one "
                    "(`walkthrough people invite NAME`)");
    }

    // A new secret of `kind` for the person: (secret, expires_at).
    Result<std::pair<std::string, EpochMs>> issue(std::int64_t person_seq, const char* kind, EpochMs lifetime) {
        auto secret = random_secret(k_secret_bytes);
        if (!secret) return std::unexpected(secret.error());
        const EpochMs expires = now() + lifetime;
        auto st = db_.prepare(
            "INSERT INTO credentials(secret_hash, person_seq, kind, created_at, expires_at) "
            "VALUES (?, ?, ?, ?, ?)");
        if (!st) return std::unexpected(st.error());
        if (auto r = st->bind(secret_hash(*secret), person_seq, kind, now(), expires).run(); !r) {
            return std::unexpected(r.error());
        }
        return std::pair{*secret, expires};
    }

    Result<void> touch_person(std::int64_t person_seq) {
        auto st = db_.prepare("UPDATE people SET last_seen_at = ? WHERE seq = ?");
        if (!st) return std::unexpected(st.error());
        return st->bind(now(), person_seq).run();
    }

    Result<Person> person_by_seq(std::int64_t seq) {
        auto st = db_.prepare(fmt::format("SELECT {} FROM people p WHERE p.seq = ?", k_person_columns));
        if (!st) return std::unexpected(st.error());
        st->bind(seq);
        auto row = st->step();
        if (!row) return std::unexpected(row.error());
        if (!*row) return fail(ErrorCode::not_found, "this person was removed from the library");
        return read_person(*st, 0);
    }

    sql::Database db_;
    OpenOptions options_;
};

}  // namespace

Result<std::unique_ptr<Access>> open_access(const std::filesystem::path& root, const OpenOptions& options) {
    auto db = sql::Database::open(root / "catalog.db", options.busy_timeout_ms);
    if (!db) return std::unexpected(db.error());
    if (auto r = migrate(*db, latest_schema_version()); !r) return std::unexpected(r.error());
    return std::unique_ptr<Access>(new SqliteAccess(std::move(*db), options));
}

}  // namespace wt::catalog
