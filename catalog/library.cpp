#include <cstdlib>
#include <random>
#include <system_error>

#include <fmt/format.h>

#include "catalog/files.hpp"
#include "catalog/library_impl.hpp"
#include "catalog/schema.hpp"
#include "common/text.hpp"

namespace wt::catalog {

const char* to_string(Kind k) { return k == Kind::training ? "training" : "walkthrough"; }

const char* to_string(Status s) {
    switch (s) {
    case Status::recording: return "recording";
    case Status::ready: return "ready";
    case Status::recovered: return "recovered";
    case Status::failed: return "failed";
    }
    return "ready";
}

const char* to_string(WatchedHow h) { return h == WatchedHow::coverage ? "coverage" : "explicit"; }

const char* to_string(AssignmentState s) {
    switch (s) {
    case AssignmentState::not_started: return "not_started";
    case AssignmentState::in_progress: return "in_progress";
    case AssignmentState::done: return "done";
    case AssignmentState::overdue: return "overdue";
    }
    return "not_started";
}

Result<Kind> parse_kind(std::string_view text) {
    if (text == "walkthrough") return Kind::walkthrough;
    if (text == "training") return Kind::training;
    return fail(ErrorCode::invalid_input, fmt::format("'{}' is not a kind; use walkthrough or training", text));
}

std::string new_id() {
    static constexpr char k_alphabet[] = "0123456789abcdefghjkmnpqrstvwxyz";
    static thread_local std::mt19937_64 rng{std::random_device{}()};
    std::uint64_t bits = rng();
    std::string id(10, '0');
    for (char& c : id) {
        c = k_alphabet[bits & 31];
        bits >>= 5;
    }
    return id;
}

std::filesystem::path default_library_root() {
    if (const char* lib = std::getenv("WALKTHROUGH_LIBRARY"); lib && *lib) return lib;
    if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg && *xdg) return std::filesystem::path(xdg) / "walkthrough";
    const char* home = std::getenv("HOME");
    return std::filesystem::path(home && *home ? home : ".") / ".local/share/walkthrough";
}

Result<std::unique_ptr<Library>> open_library(const std::filesystem::path& root, const OpenOptions& options) {
    auto lib = SqliteLibrary::open(root, options);
    if (!lib) return std::unexpected(lib.error());
    return std::unique_ptr<Library>(std::move(*lib));
}

Result<std::unique_ptr<SqliteLibrary>> SqliteLibrary::open(const std::filesystem::path& root,
                                                           const OpenOptions& options) {
    std::error_code ec;
    std::filesystem::create_directories(root / "media", ec);
    if (ec) {
        return fail(ErrorCode::io, fmt::format("cannot create the library folder {} ({}); choose another with "
                                               "--library or WALKTHROUGH_LIBRARY",
                                               (root / "media").string(), ec.message()));
    }
    auto db = sql::Database::open(root / "catalog.db", options.busy_timeout_ms, check_is_catalog);
    if (!db) return std::unexpected(db.error());
    if (auto r = migrate(*db, latest_schema_version()); !r) return std::unexpected(r.error());
    std::unique_ptr<SqliteLibrary> lib(new SqliteLibrary(root, std::move(*db), options));
    if (auto r = lib->choose_acting_person(); !r) return std::unexpected(r.error());
    // What a killed import or delete left is cleaned here; a failure to is no reason not to open
    // (check_files() reports what is still there).
    (void)lib->sweep_leftovers(nullptr);
    return lib;
}

Result<void> SqliteLibrary::choose_acting_person() {
    // The acting person is created on first use, like the default one: identifying yourself
    // should not need a separate step. People named by others (assign --to) must exist.
    auto find_or_add = [&](const std::string& name) -> Result<void> {
        auto p = resolve_person(name);
        if (!p) {
            if (p.error().code != ErrorCode::not_found) return std::unexpected(p.error());
            // Another process may add the same person at the same moment: then theirs is ours.
            auto added = add_person(name, "", "");
            if (!added && added.error().code != ErrorCode::conflict) return std::unexpected(added.error());
            p = resolve_person(name);
            if (!p) return std::unexpected(p.error());
        }
        std::tie(me_seq_, me_) = *p;
        return {};
    };
    if (options_.acting_person) return find_or_add(*options_.acting_person);
    auto existing = setting("default_person", "");
    if (!existing) return std::unexpected(existing.error());
    if (!existing->empty()) {
        if (auto p = resolve_person(*existing)) {
            std::tie(me_seq_, me_) = *p;
            return {};
        }
    }
    if (auto r = find_or_add(options_.default_person_name.empty() ? "me" : options_.default_person_name); !r) return r;
    return set_setting("default_person", me_.id);
}

Result<std::string> SqliteLibrary::setting(const std::string& key, const std::string& fallback) {
    auto st = db_.prepare("SELECT value FROM settings WHERE key = ?");
    if (!st) return std::unexpected(st.error());
    st->bind(key);
    auto row = st->step();
    if (!row) return std::unexpected(row.error());
    return *row ? st->text(0) : fallback;
}

Result<void> SqliteLibrary::set_setting(const std::string& key, const std::string& value) {
    auto st = db_.prepare(
        "INSERT INTO settings(key, value) VALUES (?, ?) "
        "ON CONFLICT(key) DO UPDATE SET value = excluded.value");
    if (!st) return std::unexpected(st.error());
    return st->bind(key, value).run();
}

Result<void> SqliteLibrary::set_response_window_hours(int hours) {
    if (hours < 1 || hours > 24 * 90) {
        return fail(ErrorCode::invalid_input,
                    fmt::format("a response window of {} h makes no sense; use 1 to 2160 hours", hours));
    }
    return set_setting("response_window_hours", std::to_string(hours));
}

Result<void> SqliteLibrary::set_public_url(const std::string& url) {
    if (!url.starts_with("http://") && !url.starts_with("https://")) {
        return fail(ErrorCode::invalid_input,
                    fmt::format("'{}' is not a web address; give one such as https://walkthrough.example.org", url));
    }
    return set_setting("public_url", url);
}

Result<void> SqliteLibrary::set_max_upload_bytes(std::int64_t bytes) {
    if (bytes < 1024 || bytes > (std::int64_t{1} << 40)) {
        return fail(ErrorCode::invalid_input,
                    fmt::format("an upload limit of {} bytes makes no sense; use 1 kB to 1 TB (e.g. 4G, 500M)", bytes));
    }
    return set_setting("max_upload_bytes", std::to_string(bytes));
}

Result<LibraryStats> SqliteLibrary::stats() {
    LibraryStats s;
    s.root = root_;
    auto v = schema_version(db_);
    if (!v) return std::unexpected(v.error());
    s.schema_version = *v;
    auto st = db_.prepare(
        "SELECT (SELECT count(*) FROM recordings), (SELECT count(*) FROM comments), "
        "(SELECT count(*) FROM people WHERE share_seq IS NULL), (SELECT coalesce(sum(size_bytes), 0) FROM recordings)");
    if (!st) return std::unexpected(st.error());
    if (auto row = st->step(); !row) return std::unexpected(row.error());
    s.recordings = st->int64(0);
    s.comments = st->int64(1);
    s.people = st->int64(2);
    s.media_bytes = st->int64(3);
    auto window = setting("response_window_hours", "24");
    if (!window) return std::unexpected(window.error());
    s.response_window_hours = std::atoi(window->c_str());
    auto url = setting("public_url", s.public_url);
    if (!url) return std::unexpected(url.error());
    s.public_url = *url;
    auto max_upload = setting("max_upload_bytes", std::to_string(s.max_upload_bytes));
    if (!max_upload) return std::unexpected(max_upload.error());
    s.max_upload_bytes = std::atoll(max_upload->c_str());
    return s;
}

std::filesystem::path SqliteLibrary::absolute(const std::string& library_relative) const {
    if (library_relative.empty()) return {};
    auto file = stored_media_file(root_, library_relative);
    return file ? *file : std::filesystem::path();
}

// ---- people ----

const char* const k_person_columns =
    "p.id, p.name, p.email, p.role, p.created_at, p.access, p.last_seen_at, p.share_seq IS NOT NULL, "
    "(SELECT s.id FROM shares s WHERE s.seq = p.share_seq), "
    "(SELECT r.id FROM shares s JOIN recordings r ON r.seq = s.recording_seq WHERE s.seq = p.share_seq), "
    "(SELECT s.mode FROM shares s WHERE s.seq = p.share_seq), p.guest_name ";

Person read_person(const sql::Statement& st, int first) {
    Person p{st.text(first),      st.text(first + 1), st.text(first + 2),      st.text(first + 3),
             st.int64(first + 4), st.text(first + 5), st.opt_int64(first + 6), std::nullopt};
    if (st.int64(first + 7) != 0) {
        p.guest = GuestPass{st.text(first + 8), st.text(first + 9), st.text(first + 10), st.text(first + 11)};
    }
    return p;
}

Result<std::string> parse_access(std::string_view text) {
    if (text == "admin" || text == "member") return std::string(text);
    return fail(ErrorCode::invalid_input, fmt::format("'{}' is not an access role; use member or admin", text));
}

namespace {
std::string trimmed(const std::string& s) {
    auto b = s.find_first_not_of(" \t\r\n");
    if (b == std::string::npos) return {};
    auto e = s.find_last_not_of(" \t\r\n");
    return s.substr(b, e - b + 1);
}
}  // namespace

Result<std::vector<Person>> SqliteLibrary::people() {
    // Guests (share links) are not people of the team.
    auto st =
        db_.prepare(fmt::format("SELECT {} FROM people p WHERE p.share_seq IS NULL ORDER BY p.name", k_person_columns));
    if (!st) return std::unexpected(st.error());
    return st->collect([&](const sql::Statement& row) { return read_person(row, 0); });
}

Result<Person> SqliteLibrary::add_person(const std::string& raw_name, const std::string& email,
                                         const std::string& role) {
    std::string name = trimmed(raw_name);
    if (name.empty()) return fail(ErrorCode::invalid_input, "a person needs a name");
    if (name.size() > 200) return fail(ErrorCode::invalid_input, "a person's name is limited to 200 bytes");
    auto st = db_.prepare(
        "INSERT INTO people(id, name, email, role, created_at) VALUES (?, ?, ?, ?, ?) "
        "ON CONFLICT(name) DO NOTHING");
    if (!st) return std::unexpected(st.error());
    if (auto r = st->bind(new_id(), name, email, role, now()).run(); !r) return std::unexpected(r.error());
    if (db_.changes() == 0) {
        return fail(ErrorCode::conflict, fmt::format("there is already a person named '{}'", name));
    }
    // Read back: the first person of a library is made its admin on the way in.
    return person(name);
}

Result<Person> SqliteLibrary::person(const Ref& ref) {
    auto p = resolve_person(ref);
    if (!p) return std::unexpected(p.error());
    return p->second;
}

Result<void> SqliteLibrary::act_as(const Ref& ref) {
    auto p = resolve_person(ref, /*guests=*/true);
    if (!p) return std::unexpected(p.error());
    std::tie(me_seq_, me_) = *p;
    return {};
}

Result<std::pair<std::int64_t, Person>> SqliteLibrary::resolve_person(const Ref& ref, bool guests) {
    // A person is named by name (any case) or by id. A guest is nobody to assign, invite or name as
    // an author: only a server acting for one finds them.
    auto st = db_.prepare(fmt::format("SELECT p.seq, {} FROM people p WHERE (p.name = ?1 OR p.id = ?1){}",
                                      k_person_columns, guests ? "" : " AND p.share_seq IS NULL"));
    if (!st) return std::unexpected(st.error());
    st->bind(trimmed(ref));
    auto row = st->step();
    if (!row) return std::unexpected(row.error());
    if (*row) return std::pair{st->int64(0), read_person(*st, 1)};
    auto all = people();
    std::string names;
    if (all) {
        for (size_t i = 0; i < all->size() && i < 20; ++i) names += (i ? ", " : "") + (*all)[i].name;
    }
    return fail(ErrorCode::not_found,
                fmt::format("no person named '{}' in this library; add them with `walkthrough people add \"{}\"`{}",
                            ref, ref, names.empty() ? "" : " (people: " + names + ")"));
}

// ---- id prefixes ----

namespace {

// Ids are lowercase base32, so "every id starting with p" is the range [p, p + '\x7f').
Result<std::vector<std::pair<Resolved, std::string>>> ids_with_prefix(sql::Database& db, const char* table,
                                                                      const char* label, const std::string& prefix) {
    auto st = db.prepare(
        fmt::format("SELECT seq, id, {} FROM {} WHERE id >= ?1 AND id < ?2 ORDER BY id LIMIT 8", label, table));
    if (!st) return std::unexpected(st.error());
    st->bind(prefix, prefix + '\x7f');
    return st->collect([](const sql::Statement& row) {
        return std::pair{Resolved{row.int64(0), row.text(1)}, row.text(2)};
    });
}

std::string normalise_ref(const std::string& ref) {
    std::string out;
    for (char c : ref) {
        if (c == ' ' || c == '\t' || c == '\n') continue;
        out += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    }
    return out;
}

Result<Resolved> resolve_prefix(sql::Database& db, const char* table, const char* label, const char* what,
                                const std::string& raw) {
    std::string prefix = normalise_ref(raw);
    if (prefix.empty()) return fail(ErrorCode::invalid_input, fmt::format("give a {} id (or the start of one)", what));
    auto hits = ids_with_prefix(db, table, label, prefix);
    if (!hits) return std::unexpected(hits.error());
    for (auto& [r, _] : *hits) {
        if (r.id == prefix) return r;  // an exact id always wins
    }
    if (hits->size() == 1) return hits->front().first;
    if (hits->empty()) {
        return fail(ErrorCode::not_found,
                    fmt::format("no {} has an id starting with '{}'; `walkthrough list` shows the ids", what, raw));
    }
    std::string candidates;
    for (auto& [r, text] : *hits) candidates += fmt::format("\n  {}  {}", r.id, cut_utf8(text, 60));
    return fail(ErrorCode::ambiguous, fmt::format("'{}' matches more than one {}; type more of the id:{}{}", raw, what,
                                                  candidates, hits->size() == 8 ? "\n  …" : ""));
}

}  // namespace

Result<Resolved> SqliteLibrary::resolve_recording(const Ref& ref) {
    return resolve_prefix(db_, "recordings", "title", "recording", ref);
}

Result<Resolved> SqliteLibrary::resolve_comment(const Ref& ref) {
    return resolve_prefix(db_, "comments", "body", "comment", ref);
}

}  // namespace wt::catalog
