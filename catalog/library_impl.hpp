#pragma once
// The SQLite implementation of Library. Split by concern across library.cpp (open, people,
// settings), recordings.cpp, media_files.cpp, leftovers.cpp, comments.cpp, chapters.cpp,
// watching.cpp and search.cpp.
#include <string>
#include <vector>

#include "catalog/catalog.hpp"
#include "catalog/sqlite_ptr.hpp"

namespace wt::catalog {

// A row reference resolved from what a person typed.
struct Resolved {
    std::int64_t seq = 0;
    std::string id;
};

// "Recording 2026-11-22 14:03": the title of a recording whose title was left empty.
std::string dated_title(EpochMs at);

// A tag as stored: trimmed, a leading '#' dropped; empty, over 100 bytes or control characters refused.
Result<std::string> checked_tag(const std::string& raw);

// Random, stable, lowercase text ids (Crockford base32: no i, l, o, u).
std::string new_id();

class SqliteLibrary final : public Library {
public:
    static Result<std::unique_ptr<SqliteLibrary>> open(const std::filesystem::path& root, const OpenOptions& options);

    const Person& me() const override { return me_; }
    Result<LibraryStats> stats() override;
    void release_memory() override { sqlite3_db_release_memory(db_.handle()); }

    Result<Recording> import_recording(const NewRecording&, const Progress&) override;
    Result<std::vector<Recording>> list(const ListFilter&) override;
    Result<Recording> get(const Ref& recording) override;
    Result<Recording> edit(const Ref& recording, const RecordingEdit&) override;
    Result<Removal> remove(const Ref& recording) override;
    Result<ExportResult> export_to(const Ref& recording, const std::filesystem::path& dest,
                                   const Progress& progress) override;
    std::filesystem::path absolute(const std::string& library_relative) const override;
    Result<FilesReport> check_files() override;

    Result<std::vector<Person>> people() override;
    Result<Person> add_person(const std::string& name, const std::string& email, const std::string& role) override;
    Result<Person> person(const Ref& name_or_id) override;
    Result<Invite> invite(const std::string& name, std::optional<std::string> access, int days) override;
    Result<int> revoke(const Ref& person) override;
    Result<void> act_as(const Ref& person) override;

    Result<Comment> comment(const NewComment&) override;
    Result<std::vector<Comment>> comments(const Ref& recording) override;
    Result<Comment> get_comment(const Ref& comment) override;
    Result<Comment> resolve(const Ref& comment) override;

    Result<Chapter> set_chapter(const Ref& recording, std::int64_t at_ms, const std::string& title) override;
    Result<std::vector<Chapter>> chapters(const Ref& recording) override;
    Result<Chapter> remove_chapter(const Ref& recording, std::int64_t at_ms) override;

    Result<View> record_progress(const Ref& recording, std::int64_t from_ms, std::int64_t to_ms) override;
    Result<View> record_progress(const Ref& recording, const std::vector<Interval>& stretches) override;
    Result<View> mark_watched(const Ref& recording) override;
    Result<std::vector<View>> views(const Ref& recording) override;

    Result<Assignment> assign(const Ref& recording, const Ref& person, std::optional<std::string> due) override;
    Result<std::vector<Assignment>> assignments(const AssignmentFilter&) override;

    Result<Inbox> inbox() override;
    Result<std::vector<SearchHit>> search(const std::string& query, int limit) override;

    Result<void> set_response_window_hours(int hours) override;
    Result<void> set_public_url(const std::string& url) override;
    Result<void> set_max_upload_bytes(std::int64_t bytes) override;

private:
    SqliteLibrary(std::filesystem::path root, sql::Database db, OpenOptions options)
        : root_(std::move(root)), db_(std::move(db)), options_(std::move(options)) {}

    EpochMs now() const { return options_.clock ? options_.clock() : now_ms(); }

    // Id prefix -> row, with a not-found error, or an ambiguous one listing the candidates.
    Result<Resolved> resolve_recording(const Ref& ref);
    Result<Resolved> resolve_comment(const Ref& ref);
    Result<std::pair<std::int64_t, Person>> resolve_person(const Ref& ref, bool guests = false);
    Result<Recording> load_recording(std::int64_t seq);
    Result<Comment> load_comment(std::int64_t seq);
    Result<View> load_view(std::int64_t recording_seq, std::int64_t person_seq, std::int64_t duration_ms);
    Result<void> set_tags(std::int64_t recording_seq, const std::vector<std::string>& add,
                          const std::vector<std::string>& remove);
    Result<void> complete_assignments(std::int64_t recording_seq, std::int64_t person_seq, EpochMs at);
    Result<std::string> setting(const std::string& key, const std::string& fallback);
    Result<void> set_setting(const std::string& key, const std::string& value);
    Result<void> choose_acting_person();
    // Removes what interrupted imports and deletes left in media/ (leftovers.cpp); what must stay
    // is added to `kept` if given.
    Result<void> sweep_leftovers(std::vector<FileProblem>* kept);
    Result<Removal> remove_row(const Ref& ref);
    Result<Removal> remove_files_first(const Ref& ref);

    std::filesystem::path root_;
    sql::Database db_;
    OpenOptions options_;
    Person me_;
    std::int64_t me_seq_ = 0;
    int cleaned_ = 0;  // leftovers removed so far
    std::int64_t cleaned_bytes_ = 0;
};

// Shared column list and row reader for recordings, so every query returns the same shape.
// The columns read_person reads, in its order, of a table aliased `p`.
extern const char* const k_person_columns;
Person read_person(const sql::Statement& st, int first);

extern const char* const k_recording_columns;
Recording read_recording(const sql::Statement& st);
extern const char* const k_comment_columns;
Comment read_comment(const sql::Statement& st);

}  // namespace wt::catalog
