#include "catalog/schema.hpp"

#include <array>
#include <set>
#include <string>
#include <vector>

#include <fmt/format.h>

namespace wt::catalog {
namespace {

// Version 1: people, recordings, tags, comments, views, assignments. Text ids are what people see; seq is the stable
// integer key joins use (implicit rowids may be renumbered by VACUUM).
constexpr const char* k_v1 = R"sql(
CREATE TABLE people(
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL UNIQUE COLLATE NOCASE,
  email TEXT NOT NULL DEFAULT '',
  role TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL);

CREATE TABLE recordings(
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  title TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  kind TEXT NOT NULL CHECK (kind IN ('walkthrough', 'training')),
  author_seq INTEGER NOT NULL REFERENCES people(seq),
  created_at INTEGER NOT NULL,
  duration_ms INTEGER NOT NULL DEFAULT 0,
  width INTEGER NOT NULL DEFAULT 0,
  height INTEGER NOT NULL DEFAULT 0,
  size_bytes INTEGER NOT NULL DEFAULT 0,
  video_codec TEXT NOT NULL DEFAULT '',
  audio_codec TEXT NOT NULL DEFAULT '',
  media_path TEXT NOT NULL,
  thumbnail_path TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL CHECK (status IN ('recording', 'ready', 'recovered', 'failed')),
  note TEXT NOT NULL DEFAULT '');
CREATE INDEX recordings_by_created ON recordings(created_at DESC, seq DESC);
CREATE INDEX recordings_by_author ON recordings(author_seq, created_at DESC);

CREATE TABLE tags(
  seq INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE COLLATE NOCASE);
CREATE TABLE recording_tags(
  recording_seq INTEGER NOT NULL REFERENCES recordings(seq) ON DELETE CASCADE,
  tag_seq INTEGER NOT NULL REFERENCES tags(seq) ON DELETE CASCADE,
  PRIMARY KEY (recording_seq, tag_seq)) WITHOUT ROWID;
CREATE INDEX recording_tags_by_tag ON recording_tags(tag_seq, recording_seq);

-- thread_seq is the top-level comment of the thread (its own seq for a top-level comment).
CREATE TABLE comments(
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  recording_seq INTEGER NOT NULL REFERENCES recordings(seq) ON DELETE CASCADE,
  author_seq INTEGER NOT NULL REFERENCES people(seq),
  parent_seq INTEGER REFERENCES comments(seq) ON DELETE CASCADE,
  thread_seq INTEGER REFERENCES comments(seq) ON DELETE CASCADE,
  at_ms INTEGER,
  body TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  edited_at INTEGER,
  resolved_at INTEGER,
  resolved_by_seq INTEGER REFERENCES people(seq));
CREATE INDEX comments_by_recording ON comments(recording_seq, seq);
CREATE INDEX comments_by_thread ON comments(thread_seq, author_seq, seq);
CREATE INDEX comments_by_parent ON comments(parent_seq);
CREATE INDEX comments_by_author ON comments(author_seq, seq);

-- intervals: the union of watched [start,end) ranges in ms, as "s-e,s-e" (sorted, disjoint).
CREATE TABLE views(
  recording_seq INTEGER NOT NULL REFERENCES recordings(seq) ON DELETE CASCADE,
  person_seq INTEGER NOT NULL REFERENCES people(seq) ON DELETE CASCADE,
  intervals TEXT NOT NULL DEFAULT '',
  covered_ms INTEGER NOT NULL DEFAULT 0,
  last_position_ms INTEGER NOT NULL DEFAULT 0,
  watched_at INTEGER,
  watched_how TEXT CHECK (watched_how IN ('coverage', 'explicit')),
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (recording_seq, person_seq)) WITHOUT ROWID;
CREATE INDEX views_by_person ON views(person_seq, recording_seq);

-- due_on is a local calendar date: due by the end of that day.
CREATE TABLE assignments(
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  recording_seq INTEGER NOT NULL REFERENCES recordings(seq) ON DELETE CASCADE,
  assignee_seq INTEGER NOT NULL REFERENCES people(seq) ON DELETE CASCADE,
  assigned_by_seq INTEGER NOT NULL REFERENCES people(seq),
  assigned_at INTEGER NOT NULL,
  due_on TEXT,
  completed_at INTEGER,
  UNIQUE (recording_seq, assignee_seq));
CREATE INDEX assignments_by_assignee ON assignments(assignee_seq, due_on);

CREATE TABLE settings(
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL) WITHOUT ROWID;
)sql";

// Version 2: full-text search. Contentless FTS5 (the text already lives in recordings and
// comments); rowid -seq for a recording, +seq for a comment. Triggers keep it in step, and
// hand FTS5 the exact old values it needs to delete a row from a contentless index.
constexpr const char* k_v2 = R"sql(
ALTER TABLE recordings ADD COLUMN tags_text TEXT NOT NULL DEFAULT '';
UPDATE recordings SET tags_text = coalesce(
  (SELECT group_concat(t.name, ' ') FROM recording_tags rt JOIN tags t ON t.seq = rt.tag_seq
   WHERE rt.recording_seq = recordings.seq), '');

CREATE VIRTUAL TABLE search USING fts5(
  title, description, tags, body,
  content = '', tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3');
INSERT INTO search(search, rank) VALUES ('rank', 'bm25(8.0, 2.0, 4.0, 1.0)');

INSERT INTO search(rowid, title, description, tags, body)
  SELECT -seq, title, description, tags_text, '' FROM recordings;
INSERT INTO search(rowid, title, description, tags, body)
  SELECT seq, '', '', '', body FROM comments;

CREATE TRIGGER recordings_search_insert AFTER INSERT ON recordings BEGIN
  INSERT INTO search(rowid, title, description, tags, body)
    VALUES (-new.seq, new.title, new.description, new.tags_text, '');
END;
CREATE TRIGGER recordings_search_delete AFTER DELETE ON recordings BEGIN
  INSERT INTO search(search, rowid, title, description, tags, body)
    VALUES ('delete', -old.seq, old.title, old.description, old.tags_text, '');
END;
CREATE TRIGGER recordings_search_update AFTER UPDATE OF title, description, tags_text ON recordings BEGIN
  INSERT INTO search(search, rowid, title, description, tags, body)
    VALUES ('delete', -old.seq, old.title, old.description, old.tags_text, '');
  INSERT INTO search(rowid, title, description, tags, body)
    VALUES (-new.seq, new.title, new.description, new.tags_text, '');
END;
CREATE TRIGGER comments_search_insert AFTER INSERT ON comments BEGIN
  INSERT INTO search(rowid, title, description, tags, body) VALUES (new.seq, '', '', '', new.body);
END;
CREATE TRIGGER comments_search_delete AFTER DELETE ON comments BEGIN
  INSERT INTO search(search, rowid, title, description, tags, body) VALUES ('delete', old.seq, '', '', '', old.body);
END;
CREATE TRIGGER comments_search_update AFTER UPDATE OF body ON comments BEGIN
  INSERT INTO search(search, rowid, title, description, tags, body) VALUES ('delete', old.seq, '', '', '', old.body);
  INSERT INTO search(rowid, title, description, tags, body) VALUES (new.seq, '', '', '', new.body);
END;
)sql";

// Version 3: answers that stay fast at a million comments.
// - recording_tags carries its recording's created_at (which never changes), so a tag's page
//   is read newest-first straight off one index, however rare the tag.
// - waiting: the inbox, kept by triggers instead of computed per call. A row says "this comment
//   waits for this person's answer": a comment by someone else on their recording, or a reply to
//   their comment. Writing in the thread answers everything before it; resolving clears the thread.
//   (A new thread's root is inserted with thread_seq NULL and fixed right after: hence coalesce.)
constexpr const char* k_v3 = R"sql(
ALTER TABLE recording_tags ADD COLUMN created_at INTEGER NOT NULL DEFAULT 0;
UPDATE recording_tags SET created_at = (SELECT created_at FROM recordings WHERE seq = recording_seq);
DROP INDEX recording_tags_by_tag;
CREATE INDEX recording_tags_by_tag ON recording_tags(tag_seq, created_at DESC, recording_seq DESC);

CREATE TABLE waiting(
  person_seq INTEGER NOT NULL REFERENCES people(seq) ON DELETE CASCADE,
  comment_seq INTEGER NOT NULL REFERENCES comments(seq) ON DELETE CASCADE,
  thread_seq INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  reason TEXT NOT NULL CHECK (reason IN ('on your recording', 'reply to your comment')),
  PRIMARY KEY (person_seq, comment_seq)) WITHOUT ROWID;
CREATE INDEX waiting_by_age ON waiting(person_seq, created_at, comment_seq);
CREATE INDEX waiting_by_thread ON waiting(thread_seq, person_seq);

INSERT OR IGNORE INTO waiting
  SELECT r.author_seq, c.seq, c.thread_seq, c.created_at, 'on your recording'
  FROM comments c JOIN recordings r ON r.seq = c.recording_seq JOIN comments root ON root.seq = c.thread_seq
  WHERE c.author_seq != r.author_seq AND root.resolved_at IS NULL
    AND NOT EXISTS (SELECT 1 FROM comments ans WHERE ans.thread_seq = c.thread_seq
                    AND ans.author_seq = r.author_seq AND ans.seq > c.seq);
INSERT OR IGNORE INTO waiting
  SELECT p.author_seq, c.seq, c.thread_seq, c.created_at, 'reply to your comment'
  FROM comments c JOIN comments p ON p.seq = c.parent_seq JOIN comments root ON root.seq = c.thread_seq
  WHERE c.author_seq != p.author_seq AND root.resolved_at IS NULL
    AND NOT EXISTS (SELECT 1 FROM comments ans WHERE ans.thread_seq = c.thread_seq
                    AND ans.author_seq = p.author_seq AND ans.seq > c.seq);

CREATE TRIGGER comments_waiting_insert AFTER INSERT ON comments BEGIN
  DELETE FROM waiting WHERE person_seq = new.author_seq AND thread_seq = coalesce(new.thread_seq, new.seq);
END;
CREATE TRIGGER comments_waiting_open AFTER INSERT ON comments
  WHEN NOT EXISTS (SELECT 1 FROM comments root WHERE root.seq = new.thread_seq AND root.resolved_at IS NOT NULL)
BEGIN
  INSERT OR IGNORE INTO waiting
    SELECT r.author_seq, new.seq, coalesce(new.thread_seq, new.seq), new.created_at, 'on your recording'
    FROM recordings r WHERE r.seq = new.recording_seq AND r.author_seq != new.author_seq;
  INSERT OR IGNORE INTO waiting
    SELECT p.author_seq, new.seq, coalesce(new.thread_seq, new.seq), new.created_at, 'reply to your comment'
    FROM comments p WHERE p.seq = new.parent_seq AND p.author_seq != new.author_seq;
END;
CREATE TRIGGER comments_waiting_resolved AFTER UPDATE OF resolved_at ON comments
  WHEN new.resolved_at IS NOT NULL BEGIN
  DELETE FROM waiting WHERE thread_seq = new.seq;
END;
)sql";

// Version 4: chapters, named moments of a recording. The unique (recording, moment) index also
// serves listing in time order and the cascade from recordings. Chapter titles get an FTS5 index of
// their own (rowid = chapters.seq), so the shared one's rowid ranges for recordings and comments
// stay as they are.
constexpr const char* k_v4 = R"sql(
CREATE TABLE chapters(
  seq INTEGER PRIMARY KEY,
  recording_seq INTEGER NOT NULL REFERENCES recordings(seq) ON DELETE CASCADE,
  at_ms INTEGER NOT NULL CHECK (at_ms >= 0),
  title TEXT NOT NULL CHECK (title <> ''),
  created_at INTEGER NOT NULL,
  UNIQUE (recording_seq, at_ms));

CREATE VIRTUAL TABLE chapter_search USING fts5(
  title, content = '', tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3');

CREATE TRIGGER chapters_search_insert AFTER INSERT ON chapters BEGIN
  INSERT INTO chapter_search(rowid, title) VALUES (new.seq, new.title);
END;
CREATE TRIGGER chapters_search_delete AFTER DELETE ON chapters BEGIN
  INSERT INTO chapter_search(chapter_search, rowid, title) VALUES ('delete', old.seq, old.title);
END;
CREATE TRIGGER chapters_search_update AFTER UPDATE OF title ON chapters BEGIN
  INSERT INTO chapter_search(chapter_search, rowid, title) VALUES ('delete', old.seq, old.title);
  INSERT INTO chapter_search(rowid, title) VALUES (new.seq, new.title);
END;
)sql";

// Version 5: access for a team server. Kept as one step of its own so that it can be renumbered
// when other migrations land first.
// - people.access: what a person may do over the network (admin | member). The free-text role
//   stays what it was (a job, "new hire"). The library's first person is its admin.
// - invites: one-time codes that give a person their first credential; credentials: personal
//   tokens (scripts, the desktop app) and browser sessions. Only SHA-256 hashes of the secrets
//   are kept (hex), so a copy of catalog.db signs nobody in.
constexpr const char* k_v5 = R"sql(
ALTER TABLE people ADD COLUMN access TEXT NOT NULL DEFAULT 'member' CHECK (access IN ('admin', 'member'));
ALTER TABLE people ADD COLUMN last_seen_at INTEGER;
UPDATE people SET access = 'admin' WHERE seq = (SELECT min(seq) FROM people);
CREATE TRIGGER people_first_is_admin AFTER INSERT ON people
  WHEN NOT EXISTS (SELECT 1 FROM people WHERE seq <> new.seq) BEGIN
  UPDATE people SET access = 'admin' WHERE seq = new.seq;
END;

CREATE TABLE invites(
  seq INTEGER PRIMARY KEY,
  code_hash TEXT NOT NULL UNIQUE,
  person_seq INTEGER NOT NULL REFERENCES people(seq) ON DELETE CASCADE,
  created_by_seq INTEGER REFERENCES people(seq) ON DELETE SET NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  used_at INTEGER);
CREATE INDEX invites_by_person ON invites(person_seq);

CREATE TABLE credentials(
  seq INTEGER PRIMARY KEY,
  secret_hash TEXT NOT NULL UNIQUE,
  person_seq INTEGER NOT NULL REFERENCES people(seq) ON DELETE CASCADE,
  kind TEXT NOT NULL CHECK (kind IN ('token', 'session')),
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  last_used_at INTEGER,
  revoked_at INTEGER);
CREATE INDEX credentials_by_person ON credentials(person_seq);
)sql";

// Version 6: a change log, so that every program writing to a library (the server's workers, the CLI,
// the desktop app: other processes) tells a team server's live event streams what changed. Filled
// by triggers, so no writer can forget it; seq is AUTOINCREMENT so it only ever grows (clients resume
// from the last one they saw) even after old rows are pruned. The newest 10 000 are kept: a client
// further behind than that reloads instead of replaying. person_seq is who the change is about (the
// author, the viewer, the assignee, whoever resolved); it is no foreign key, so a change outlives the
// person. Deletes cascaded from a recording's delete are said once, as the recording's.
constexpr const char* k_v6 = R"sql(
CREATE TABLE changes(
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  at INTEGER NOT NULL DEFAULT (CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER)),
  kind TEXT NOT NULL,
  recording_id TEXT NOT NULL DEFAULT '',
  subject_id TEXT,
  person_seq INTEGER);
CREATE TRIGGER changes_pruned AFTER INSERT ON changes BEGIN
  DELETE FROM changes WHERE seq <= new.seq - 10000;
END;

CREATE TRIGGER changes_recording_added AFTER INSERT ON recordings BEGIN
  INSERT INTO changes(kind, recording_id, person_seq) VALUES ('recording.added', new.id, new.author_seq);
END;
CREATE TRIGGER changes_recording_changed AFTER UPDATE ON recordings BEGIN
  INSERT INTO changes(kind, recording_id, person_seq) VALUES ('recording.changed', new.id, new.author_seq);
END;
CREATE TRIGGER changes_recording_deleted AFTER DELETE ON recordings BEGIN
  INSERT INTO changes(kind, recording_id, person_seq) VALUES ('recording.deleted', old.id, old.author_seq);
END;
CREATE TRIGGER changes_chapter_added AFTER INSERT ON chapters BEGIN
  INSERT INTO changes(kind, recording_id, person_seq)
    SELECT 'recording.changed', r.id, r.author_seq FROM recordings r WHERE r.seq = new.recording_seq;
END;
CREATE TRIGGER changes_chapter_changed AFTER UPDATE ON chapters BEGIN
  INSERT INTO changes(kind, recording_id, person_seq)
    SELECT 'recording.changed', r.id, r.author_seq FROM recordings r WHERE r.seq = new.recording_seq;
END;
CREATE TRIGGER changes_chapter_deleted AFTER DELETE ON chapters BEGIN
  INSERT INTO changes(kind, recording_id, person_seq)
    SELECT 'recording.changed', r.id, r.author_seq FROM recordings r WHERE r.seq = old.recording_seq;
END;

CREATE TRIGGER changes_comment_added AFTER INSERT ON comments BEGIN
  INSERT INTO changes(kind, recording_id, subject_id, person_seq)
    SELECT 'comment.added', r.id, new.id, new.author_seq FROM recordings r WHERE r.seq = new.recording_seq;
END;
CREATE TRIGGER changes_comment_resolved AFTER UPDATE OF resolved_at ON comments
  WHEN old.resolved_at IS NULL AND new.resolved_at IS NOT NULL BEGIN
  INSERT INTO changes(kind, recording_id, subject_id, person_seq)
    SELECT 'comment.resolved', r.id, new.id, new.resolved_by_seq FROM recordings r WHERE r.seq = new.recording_seq;
END;
CREATE TRIGGER changes_comment_changed AFTER UPDATE OF body, at_ms, resolved_at ON comments
  WHEN NOT (old.resolved_at IS NULL AND new.resolved_at IS NOT NULL)
   AND (old.body IS NOT new.body OR old.at_ms IS NOT new.at_ms OR old.resolved_at IS NOT new.resolved_at) BEGIN
  INSERT INTO changes(kind, recording_id, subject_id, person_seq)
    SELECT 'comment.changed', r.id, new.id, new.author_seq FROM recordings r WHERE r.seq = new.recording_seq;
END;
CREATE TRIGGER changes_comment_deleted AFTER DELETE ON comments BEGIN
  INSERT INTO changes(kind, recording_id, subject_id, person_seq)
    SELECT 'comment.deleted', r.id, old.id, old.author_seq FROM recordings r WHERE r.seq = old.recording_seq;
END;

CREATE TRIGGER changes_view_added AFTER INSERT ON views BEGIN
  INSERT INTO changes(kind, recording_id, person_seq)
    SELECT 'view.changed', r.id, new.person_seq FROM recordings r WHERE r.seq = new.recording_seq;
END;
CREATE TRIGGER changes_view_changed AFTER UPDATE ON views BEGIN
  INSERT INTO changes(kind, recording_id, person_seq)
    SELECT 'view.changed', r.id, new.person_seq FROM recordings r WHERE r.seq = new.recording_seq;
END;

CREATE TRIGGER changes_assignment_added AFTER INSERT ON assignments BEGIN
  INSERT INTO changes(kind, recording_id, subject_id, person_seq)
    SELECT 'assignment.changed', r.id, new.id, new.assignee_seq FROM recordings r WHERE r.seq = new.recording_seq;
END;
CREATE TRIGGER changes_assignment_changed AFTER UPDATE ON assignments BEGIN
  INSERT INTO changes(kind, recording_id, subject_id, person_seq)
    SELECT 'assignment.changed', r.id, new.id, new.assignee_seq FROM recordings r WHERE r.seq = new.recording_seq;
END;
CREATE TRIGGER changes_assignment_deleted AFTER DELETE ON assignments BEGIN
  INSERT INTO changes(kind, recording_id, subject_id, person_seq)
    SELECT 'assignment.changed', r.id, old.id, old.assignee_seq FROM recordings r WHERE r.seq = old.recording_seq;
END;

-- Not for clients: a server ends the person's live streams when a credential of theirs is revoked.
CREATE TRIGGER changes_access_revoked AFTER UPDATE OF revoked_at ON credentials
  WHEN old.revoked_at IS NULL AND new.revoked_at IS NOT NULL BEGIN
  INSERT INTO changes(kind, person_seq) VALUES ('access.revoked', new.person_seq);
END;
)sql";

// Version 7: indexes for a server's busy reads. A list page counts each recording's open threads
// (top-level comments not resolved): the partial index answers that without reading the comments.
// Search looks for the newest recordings whose title has the words: the shared index's {title}
// column filter has to read the positions of every match of the words (a common word's matches in
// a whole library's descriptions and comments: up to 14 ms), a title-only index answers with a
// rowid-ordered scan. rowid = recordings.seq; same tokenizer as `search`, so the same titles match.
constexpr const char* k_v7 = R"sql(
CREATE INDEX comments_open_by_recording ON comments(recording_seq)
  WHERE parent_seq IS NULL AND resolved_at IS NULL;

CREATE VIRTUAL TABLE title_search USING fts5(
  title, content = '', tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3');
INSERT INTO title_search(rowid, title) SELECT seq, title FROM recordings;

CREATE TRIGGER recordings_title_search_insert AFTER INSERT ON recordings BEGIN
  INSERT INTO title_search(rowid, title) VALUES (new.seq, new.title);
END;
CREATE TRIGGER recordings_title_search_delete AFTER DELETE ON recordings BEGIN
  INSERT INTO title_search(title_search, rowid, title) VALUES ('delete', old.seq, old.title);
END;
CREATE TRIGGER recordings_title_search_update AFTER UPDATE OF title ON recordings BEGIN
  INSERT INTO title_search(title_search, rowid, title) VALUES ('delete', old.seq, old.title);
  INSERT INTO title_search(rowid, title) VALUES (new.seq, new.title);
END;
)sql";

// Version 8: sharing one recording with someone outside the team (a client, a candidate).
// - shares: a link's secret is kept only as a hash (as invites'); mode says whether its guests may
//   comment; a link ends at expires_at or when revoked. Deleting the recording deletes its links.
// - A guest who opens a link becomes a row of people with share_seq set and the name they typed in
//   guest_name; people.name holds a unique stand-in, so a guest never takes, or is taken for, a
//   team member's name. Their comments and views are then a person's like anyone's, marked as a
//   guest's when read. share_seq is no foreign key: a recording's delete must not be blocked by its
//   guests' rows, and a guest whose link is gone signs nobody in.
constexpr const char* k_v8 = R"sql(
CREATE TABLE shares(
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  code_hash TEXT NOT NULL UNIQUE,
  recording_seq INTEGER NOT NULL REFERENCES recordings(seq) ON DELETE CASCADE,
  mode TEXT NOT NULL CHECK (mode IN ('watch', 'comment')),
  created_by_seq INTEGER REFERENCES people(seq) ON DELETE SET NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  revoked_at INTEGER);
CREATE INDEX shares_by_recording ON shares(recording_seq, created_at DESC);

ALTER TABLE people ADD COLUMN share_seq INTEGER;
ALTER TABLE people ADD COLUMN guest_name TEXT;
CREATE INDEX people_by_share ON people(share_seq) WHERE share_seq IS NOT NULL;
)sql";

constexpr std::array k_migrations = {k_v1, k_v2, k_v3, k_v4, k_v5, k_v6, k_v7, k_v8};

// PRAGMA application_id of a walkthrough catalog ("WTLB"): what tells our file from another
// program's SQLite database of the same name. Set when the file is created, and on the first open
// of a library made before the id was.
constexpr std::int64_t k_application_id = 0x57544C42;

Result<std::int64_t> pragma_value(sql::Database& db, const char* pragma) {
    auto st = db.prepare(fmt::format("PRAGMA {}", pragma));
    if (!st) return std::unexpected(st.error());
    auto row = st->step();
    if (!row) return std::unexpected(row.error());
    return st->int64(0);
}

Result<std::vector<std::string>> table_names(sql::Database& db) {
    auto st = db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name");
    if (!st) return std::unexpected(st.error());
    return st->collect([](const sql::Statement& row) { return row.text(0); });
}

Result<void> stamp_application_id(sql::Database& db) {
    auto id = pragma_value(db, "application_id");
    if (!id) return std::unexpected(id.error());
    if (*id == k_application_id) return {};
    auto tx = sql::Transaction::begin(db);
    if (!tx) return std::unexpected(tx.error());
    if (auto r = db.exec(fmt::format("PRAGMA application_id = {}", k_application_id)); !r) return r;
    return tx->commit();
}

}  // namespace

Result<void> check_is_catalog(sql::Database& db) {
    auto id = pragma_value(db, "application_id");
    if (!id) return std::unexpected(id.error());
    if (*id == k_application_id) return {};
    auto version = pragma_value(db, "user_version");
    if (!version) return std::unexpected(version.error());
    auto tables = table_names(db);
    if (!tables) return std::unexpected(tables.error());
    if (*id == 0) {
        if (tables->empty() && *version == 0) return {};  // a new file
        // A library from before the application id: our version numbering and our tables.
        const std::set<std::string> have(tables->begin(), tables->end());
        const bool ours = *version >= 1 && have.contains("people") && have.contains("recordings") &&
                          have.contains("comments") && have.contains("settings");
        if (ours) return {};
    }
    std::string what;
    if (*id != 0) {
        what = fmt::format("application id 0x{:08x}", static_cast<std::uint32_t>(*id));
    } else if (tables->empty()) {
        what = fmt::format("schema version {}, no tables", *version);
    } else {
        const std::vector<std::string> shown(tables->begin(), tables->begin() + std::min<long>(6, std::ssize(*tables)));
        what = fmt::format("tables {}{}", fmt::join(shown, ", "), tables->size() > shown.size() ? ", …" : "");
    }
    return fail(ErrorCode::conflict,
                fmt::format("{} is not a walkthrough catalog but another program's SQLite database ({}); it was "
                            "left untouched. Point --library (or WALKTHROUGH_LIBRARY) at another folder, or move "
                            "that file away if this folder is meant for a walkthrough library",
                            db.file().string(), what));
}

int latest_schema_version() { return static_cast<int>(k_migrations.size()); }

Result<int> schema_version(sql::Database& db) {
    auto st = db.prepare("PRAGMA user_version");
    if (!st) return std::unexpected(st.error());
    auto row = st->step();
    if (!row) return std::unexpected(row.error());
    return static_cast<int>(st->int64(0));
}

Result<void> migrate(sql::Database& db, int target) {
    auto current = schema_version(db);
    if (!current) return std::unexpected(current.error());
    if (*current > latest_schema_version()) {
        return fail(ErrorCode::conflict,
                    fmt::format("this library was written by a newer walkthrough (schema {}, this build knows {}); "
                                "update walkthrough to open it",
                                *current, latest_schema_version()));
    }
    for (int v = *current; v < target; ++v) {
        auto tx = sql::Transaction::begin(db);
        if (!tx) return std::unexpected(tx.error());
        // Another process may have migrated while we waited for the write lock.
        auto now = schema_version(db);
        if (!now) return std::unexpected(now.error());
        if (*now > v) continue;
        if (auto r = db.exec(k_migrations[static_cast<size_t>(v)]); !r) return r;
        if (auto r = db.exec(fmt::format("PRAGMA user_version = {}", v + 1)); !r) return r;
        if (auto r = db.exec(fmt::format("PRAGMA application_id = {}", k_application_id)); !r) return r;
        if (auto r = tx->commit(); !r) return r;
    }
    return stamp_application_id(db);
}

}  // namespace wt::catalog
