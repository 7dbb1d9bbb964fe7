#include <doctest/doctest.h>

#include "catalog/changes.hpp"
#include "catalog/schema.hpp"
#include "tests/fixture.hpp"

using namespace wt;
using namespace wt::test;

namespace {
void exec(sql::Database& db, const char* q) {
    auto r = db.exec(q);
    REQUIRE_MESSAGE(r.has_value(), (r ? "" : r.error().message));
}
}  // namespace

TEST_CASE("a version-1 library is migrated forward with its data, and the new search covers old rows") {
    TempDir dir;
    {
        auto db = sql::Database::open(dir / "catalog.db", 1000);
        REQUIRE(db.has_value());
        REQUIRE(catalog::migrate(*db, 1).has_value());
        CHECK(catalog::schema_version(*db).value() == 1);
        CHECK_FALSE(db->exec("SELECT * FROM search").has_value());  // no search index in v1
        exec(*db, "INSERT INTO people(id, name, created_at) VALUES ('p1', 'ann', 0), ('p2', 'bob', 0)");
        exec(*db, "INSERT INTO settings(key, value) VALUES ('default_person', 'p1')");
        exec(*db,
             "INSERT INTO recordings(id, title, description, kind, author_seq, created_at, duration_ms, "
             "media_path, status) VALUES ('rec1', 'Quarterly payroll run', 'how we close the month', 'training', "
             "1, 0, 300000, 'media/rec1.mp4', 'ready')");
        exec(*db, "INSERT INTO tags(name) VALUES ('finance')");
        exec(*db, "INSERT INTO recording_tags VALUES (1, 1)");
        exec(*db,
             "INSERT INTO comments(id, recording_seq, author_seq, at_ms, body, created_at) "
             "VALUES ('c1', 1, 2, 61000, 'Which spreadsheet holds the overtime?', 0)");
        exec(*db, "UPDATE comments SET thread_seq = seq");
    }
    catalog::OpenOptions o;
    auto lib = catalog::open_library(dir.path, o);
    REQUIRE_MESSAGE(lib.has_value(), (lib ? "" : lib.error().message));
    auto stats = (*lib)->stats();
    REQUIRE(stats.has_value());
    CHECK(stats->schema_version == catalog::latest_schema_version());
    CHECK(stats->recordings == 1);
    CHECK(stats->comments == 1);
    CHECK((*lib)->me().name == "ann");  // the stored default person survives

    auto by_title = (*lib)->search("payroll", 10);
    REQUIRE(by_title.has_value());
    REQUIRE(by_title->size() == 1);
    CHECK(by_title->at(0).recording_id == "rec1");
    auto by_tag = (*lib)->search("finance", 10);
    REQUIRE(by_tag.has_value());
    CHECK(by_tag->size() == 1);
    auto by_comment = (*lib)->search("overtime", 10);
    REQUIRE(by_comment.has_value());
    REQUIRE(by_comment->size() == 1);
    CHECK(by_comment->at(0).comment_id == "c1");
    CHECK(by_comment->at(0).at_ms == 61000);

    // Later versions' derived data is filled in: bob's question waits for ann, the tag page works.
    auto waiting = (*lib)->inbox();
    REQUIRE(waiting.has_value());
    REQUIRE(waiting->items.size() == 1);
    CHECK(waiting->total == 1);
    CHECK(waiting->items.at(0).comment.id == "c1");
    catalog::ListFilter tagged;
    tagged.tag = "finance";
    CHECK((*lib)->list(tagged)->size() == 1);

    // And the migrated file keeps working: a new comment is searchable.
    catalog::NewComment c{"rec1", "the bonus sheet is elsewhere", std::nullopt, std::nullopt};
    REQUIRE((*lib)->comment(c).has_value());
    CHECK((*lib)->search("bonus", 10)->size() == 1);
}

TEST_CASE("a version-3 library gains chapters, keeping its data") {
    TempDir dir;
    {
        auto db = sql::Database::open(dir / "catalog.db", 1000);
        REQUIRE(db.has_value());
        REQUIRE(catalog::migrate(*db, 3).has_value());
        CHECK(catalog::schema_version(*db).value() == 3);
        CHECK_FALSE(db->exec("SELECT * FROM chapters").has_value());  // no chapters in v3
        exec(*db, "INSERT INTO people(id, name, created_at) VALUES ('p1', 'ann', 0), ('p2', 'bob', 0)");
        exec(*db, "INSERT INTO settings(key, value) VALUES ('default_person', 'p1')");
        exec(*db,
             "INSERT INTO recordings(id, title, kind, author_seq, created_at, duration_ms, media_path, status) "
             "VALUES ('rec1', 'Quarterly payroll run', 'training', 1, 0, 300000, 'media/rec1.mp4', 'ready')");
        exec(*db,
             "INSERT INTO comments(id, recording_seq, author_seq, at_ms, body, created_at) "
             "VALUES ('c1', 1, 2, 61000, 'Which spreadsheet holds the overtime?', 0)");
        exec(*db, "UPDATE comments SET thread_seq = seq");
    }
    auto lib = catalog::open_library(dir.path, {});
    REQUIRE_MESSAGE(lib.has_value(), (lib ? "" : lib.error().message));
    CHECK((*lib)->stats()->schema_version == catalog::latest_schema_version());
    CHECK((*lib)->get("rec1")->title == "Quarterly payroll run");
    auto comments = (*lib)->comments("rec1");
    REQUIRE(comments.has_value());
    REQUIRE(comments->size() == 1);
    CHECK(comments->at(0).at_ms == 61000);
    CHECK((*lib)->inbox()->total == 1);  // v3's derived data is still kept by its triggers
    CHECK((*lib)->search("overtime", 10)->size() == 1);

    CHECK((*lib)->chapters("rec1")->empty());
    REQUIRE((*lib)->set_chapter("rec1", 60000, "Overtime sheet").has_value());
    auto hits = (*lib)->search("sheet", 10);
    REQUIRE(hits.has_value());
    REQUIRE(hits->size() == 1);
    CHECK(hits->at(0).matched_in == "chapter");
    CHECK(hits->at(0).at_ms == 60000);
    CHECK((*lib)->search("overtime", 10)->size() == 2);  // the comment and now the chapter
}

TEST_CASE("a version-4 library gains access: its first person is the admin, roles and data kept") {
    TempDir dir;
    {
        auto db = sql::Database::open(dir / "catalog.db", 1000);
        REQUIRE(db.has_value());
        REQUIRE(catalog::migrate(*db, 4).has_value());
        CHECK_FALSE(db->exec("SELECT * FROM credentials").has_value());  // no access in v4
        exec(*db,
             "INSERT INTO people(id, name, role, created_at) VALUES ('p1', 'ann', 'lead', 0), "
             "('p2', 'bob', 'new hire', 0)");
        exec(*db, "INSERT INTO settings(key, value) VALUES ('default_person', 'p2')");
    }
    auto lib = catalog::open_library(dir.path, {});
    REQUIRE_MESSAGE(lib.has_value(), (lib ? "" : lib.error().message));
    CHECK((*lib)->stats()->schema_version == catalog::latest_schema_version());
    CHECK((*lib)->me().name == "bob");
    auto ann = (*lib)->person("ann");
    REQUIRE(ann.has_value());
    CHECK(ann->access == "admin");
    CHECK(ann->role == "lead");
    CHECK_FALSE(ann->last_seen_at.has_value());
    CHECK((*lib)->me().access == "member");
    CHECK((*lib)->me().role == "new hire");
    // A person added later is a member.
    auto cat = (*lib)->add_person("cat", "", "");
    REQUIRE(cat.has_value());
    CHECK(cat->access == "member");
}

TEST_CASE("reopening a current library does not migrate again") {
    TempDir dir;
    for (int i = 0; i < 3; ++i) {
        auto lib = catalog::open_library(dir.path, {});
        REQUIRE(lib.has_value());
        CHECK((*lib)->stats()->schema_version == catalog::latest_schema_version());
    }
}

TEST_CASE("a library from a newer walkthrough is refused and left untouched") {
    TempDir dir;
    {
        auto db = sql::Database::open(dir / "catalog.db", 1000);
        REQUIRE(db.has_value());
        exec(*db, "PRAGMA user_version = 99");
        exec(*db, "PRAGMA application_id = 1465142338");  // ours ("WTLB"), as any newer library has
    }
    auto lib = catalog::open_library(dir.path, {});
    REQUIRE_FALSE(lib.has_value());
    CHECK(lib.error().message.find("newer walkthrough") != std::string::npos);
    auto db = sql::Database::open(dir / "catalog.db", 1000);
    CHECK(catalog::schema_version(*db).value() == 99);
}

TEST_CASE("a file that is not a database gets a clear error, not a crash") {
    TempDir dir;
    write_file(dir / "catalog.db", std::string(4096, 'x'));
    auto lib = catalog::open_library(dir.path, {});
    REQUIRE_FALSE(lib.has_value());
    CHECK(lib.error().message.find("is damaged or is not a walkthrough catalog") != std::string::npos);
    CHECK(read_file(dir / "catalog.db") == std::string(4096, 'x'));  // nothing overwritten
}

TEST_CASE("a version-5 library gains the change log: every writer's changes are in it, pruned, seq only growing") {
    TempDir dir;
    auto db = sql::Database::open(dir / "catalog.db", 1000);
    REQUIRE(db.has_value());
    REQUIRE(catalog::migrate(*db, 5).has_value());
    CHECK_FALSE(db->exec("SELECT * FROM changes").has_value());  // no change log in v5
    exec(*db, "INSERT INTO people(id, name, created_at) VALUES ('p1', 'ann', 0), ('p2', 'bob', 0)");
    exec(*db,
         "INSERT INTO recordings(id, title, kind, author_seq, created_at, duration_ms, media_path, status) "
         "VALUES ('rec1', 'Payroll', 'training', 1, 0, 300000, 'media/rec1.mp4', 'ready')");
    REQUIRE(catalog::migrate(*db, catalog::latest_schema_version()).has_value());

    auto feed = catalog::open_change_feed(dir.path, 1000);
    REQUIRE_MESSAGE(feed.has_value(), (feed ? "" : feed.error().message));
    CHECK((*feed)->moved().value());  // the first call sets the baseline
    CHECK_FALSE((*feed)->moved().value());
    CHECK((*feed)->span().value().latest == 0);  // a migrated library starts with an empty log

    // Writes on another connection (as another process would make them).
    exec(*db,
         "INSERT INTO comments(id, recording_seq, author_seq, at_ms, body, created_at) "
         "VALUES ('c1', 1, 2, 1000, 'which form?', 0)");
    exec(*db, "UPDATE comments SET thread_seq = seq");  // how a new thread's root is completed: no event
    exec(*db, "UPDATE comments SET resolved_at = 5, resolved_by_seq = 1 WHERE id = 'c1'");
    exec(*db, "INSERT INTO views(recording_seq, person_seq, updated_at) VALUES (1, 2, 0)");
    exec(*db, "UPDATE recordings SET title = 'Payroll, 2027'");
    exec(*db,
         "INSERT INTO credentials(secret_hash, person_seq, kind, created_at, expires_at) "
         "VALUES ('h', 2, 'token', 0, 99999999999999)");
    exec(*db, "UPDATE credentials SET revoked_at = 1");
    CHECK((*feed)->moved().value());
    auto changes = (*feed)->after(0, 100);
    REQUIRE(changes.has_value());
    std::vector<std::string> kinds;
    for (const auto& c : *changes) kinds.push_back(c.kind);
    CHECK(kinds == std::vector<std::string>{"comment.added", "comment.resolved", "view.changed", "recording.changed",
                                            "access.revoked"});
    CHECK(changes->at(0).recording_id == "rec1");
    CHECK(changes->at(0).subject_id == "c1");
    CHECK(changes->at(0).person == "bob");
    CHECK(changes->at(1).person == "ann");  // who resolved it
    CHECK(changes->at(4).person_id == "p2");
    CHECK(changes->at(0).at > 1'700'000'000'000);  // now, in ms since 1970

    // A recording's delete is said once: its comments and views go without events of their own.
    exec(*db, "DELETE FROM recordings WHERE id = 'rec1'");
    auto after_delete = (*feed)->after(changes->back().seq, 100);
    REQUIRE(after_delete.has_value());
    REQUIRE(after_delete->size() == 1);
    CHECK(after_delete->at(0).kind == "recording.deleted");
    CHECK(after_delete->at(0).recording_id == "rec1");

    // The newest 10 000 are kept; seq goes on growing past the pruned ones.
    exec(*db,
         "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10050) "
         "INSERT INTO changes(kind) SELECT 'recording.changed' FROM n");
    auto span = (*feed)->span();
    REQUIRE(span.has_value());
    CHECK(span->latest == 6 + 10050);
    CHECK(span->latest - span->oldest + 1 == 10000);
    exec(*db, "DELETE FROM changes");
    exec(*db, "INSERT INTO people(id, name, created_at) VALUES ('p3', 'cat', 0)");
    exec(*db,
         "INSERT INTO recordings(id, title, kind, author_seq, created_at, media_path, status) "
         "VALUES ('rec2', 'Next', 'walkthrough', 3, 0, 'media/rec2.mp4', 'ready')");
    CHECK((*feed)->span().value().latest == 6 + 10050 + 1);
}
