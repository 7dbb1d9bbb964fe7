#pragma once
// The catalog: recordings, people, tags, comments, views, assignments and search, kept in
// <library>/catalog.db (SQLite) with media under <library>/media/.
//
// Everything the app and the CLI may do with a library goes through `Library`, so a remote
// library (a team server, later) can implement the same operations. Objects are plain data;
// media are addressed by recording id, never by absolute path.
//
// Thread-safety: a Library is not thread-safe; use one per thread (SQLite allows several
// connections, also from several processes, on the same library).
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/media_source.hpp"
#include "common/result.hpp"
#include "common/timefmt.hpp"

namespace wt::catalog {

// What the person acting on the library calls things: a name ("alice") or an id prefix.
using Ref = std::string;

// Someone outside the team who opened a share link: they may see one recording and nothing else.
struct GuestPass {
    std::string share_id;      // the link they came by
    std::string recording_id;  // the one recording; empty once it is deleted
    std::string mode;          // "watch" or "comment" (watch, and comment under their name)
    std::string name;          // what they typed (Person::name is a unique stand-in)
};

struct Person {
    std::string id;
    std::string name;
    std::string email;
    std::string role;  // free text: what they do ("new hire")
    EpochMs created_at = 0;
    std::string access = "member";        // on a team library: "admin" or "member"
    std::optional<EpochMs> last_seen_at;  // last request to a team server with their credential
    std::optional<GuestPass> guest;       // set for a guest: not a member of the team
};

// What a person may do on a team library. An admin: people, invites, assignments, settings, and
// editing or deleting any recording; a member: watching, commenting, their own recordings. The
// library's first person is its admin.
Result<std::string> parse_access(std::string_view text);

// A one-time invitation to a team library.
struct Invite {
    Person person;
    std::string code;  // the secret, shown once: only its hash is kept
    EpochMs expires_at = 0;
};

enum class Kind { walkthrough, training };
enum class Status { recording, ready, recovered, failed };
const char* to_string(Kind);
const char* to_string(Status);
Result<Kind> parse_kind(std::string_view);

struct Recording {
    std::string id;
    std::string title;
    std::string description;
    Kind kind = Kind::walkthrough;
    std::string author;  // person name
    EpochMs created_at = 0;
    std::int64_t duration_ms = 0;
    int width = 0;
    int height = 0;
    std::int64_t size_bytes = 0;
    std::string video_codec;
    std::string audio_codec;
    std::string media_path;      // relative to the library, e.g. "media/<id>.mp4"
    std::string thumbnail_path;  // relative to the library; empty when none could be made
    Status status = Status::ready;
    std::string note;               // why a recording is 'recovered'/'failed', warnings at capture
    std::vector<std::string> tags;  // sorted
    int comment_count = 0;
    int open_comment_count = 0;  // top-level comments not resolved
};

// The copy of a recording's video with AAC sound that a team server makes for browsers that cannot
// play Opus in MP4, relative to the library ("media/<id>.aac.mp4"): named after the recording's id
// alone, made on first request, removed with the recording.
std::string aac_copy_path(const Recording& rec);

struct Comment {
    std::string id;
    std::string recording_id;
    std::string author;                 // for a guest, the name they typed
    bool author_guest = false;          // written by a guest (through a share link), not a team member
    std::string parent_id;              // empty for a top-level comment
    std::string thread_id;              // the top-level comment of the thread (own id if top-level)
    std::optional<std::int64_t> at_ms;  // moment in the video; nullopt = about the whole video
    std::string body;
    EpochMs created_at = 0;
    std::optional<EpochMs> edited_at;
    std::optional<EpochMs> resolved_at;
    std::string resolved_by;
};

// A named moment of a recording: where a part of it starts. One per moment.
struct Chapter {
    std::string recording_id;
    std::int64_t at_ms = 0;
    std::string title;
    EpochMs created_at = 0;
};

struct Interval {
    std::int64_t start_ms = 0;
    std::int64_t end_ms = 0;  // exclusive
    bool operator==(const Interval&) const = default;
};

enum class WatchedHow { coverage, explicit_mark };
const char* to_string(WatchedHow);

struct View {
    std::string recording_id;
    std::string person;               // for a guest, the name they typed
    bool guest = false;               // a guest's (through a share link), not a team member's
    std::vector<Interval> intervals;  // sorted, disjoint, merged
    std::int64_t covered_ms = 0;
    double coverage = 0;                // covered_ms / duration, 0..1
    std::int64_t last_position_ms = 0;  // where to resume
    std::optional<EpochMs> watched_at;
    std::optional<WatchedHow> how;
    EpochMs updated_at = 0;
};

// Where playing resumes for this view: its last position, unless that was within 3 s of the end
// (a finished video starts over).
std::int64_t resume_position_ms(const View& view, std::int64_t duration_ms);

enum class AssignmentState { not_started, in_progress, done, overdue };
const char* to_string(AssignmentState);

struct Assignment {
    std::string id;
    std::string recording_id;
    std::string recording_title;
    std::string assignee;
    std::string assigned_by;
    EpochMs assigned_at = 0;
    std::optional<std::string> due;  // "YYYY-MM-DD": due by the end of that (local) day
    std::optional<EpochMs> completed_at;
    double coverage = 0;  // the assignee's current coverage
    AssignmentState state = AssignmentState::not_started;
};

struct AssignmentFilter {
    std::optional<Ref> person;     // only this assignee's
    std::optional<Ref> recording;  // only this recording's
    bool overdue_only = false;
};

struct InboxItem {
    Comment comment;
    std::string recording_title;
    std::string reason;  // "on your recording" | "reply to your comment"
    std::int64_t age_ms = 0;
    bool overdue = false;  // older than the response window
};

struct Inbox {
    std::vector<InboxItem> items;  // oldest first, at most 500
    std::int64_t total = 0;        // how many wait in all
    int response_window_hours = 24;
};

struct Removal {
    Recording recording;                            // what was deleted
    std::vector<std::filesystem::path> files_left;  // media that could not be removed (reported, not fatal)
};

struct SearchHit {
    std::string recording_id;
    std::string recording_title;
    Kind kind = Kind::walkthrough;
    std::string matched_in;             // "recording" (title/description/tags), "comment" or "chapter"
    std::string comment_id;             // when matched_in == "comment"
    std::optional<std::int64_t> at_ms;  // the comment's or the chapter's moment
    std::string excerpt;                // the text that matched, shortened, matches in [brackets]
    double score = 0;                   // higher is better
};

struct ListFilter {
    std::optional<Kind> kind;
    std::optional<std::string> tag;
    std::optional<Ref> author;
    bool unwatched = false;  // not watched by the acting person
    std::optional<Ref> assigned_to;
    int limit = 50;
    int offset = 0;
};

struct NewRecording {
    std::filesystem::path file;        // a video file anywhere; copied into the library
    std::optional<std::string> title;  // nullopt: the file's name; empty: a dated default
    std::string description;
    Kind kind = Kind::walkthrough;
    std::vector<std::string> tags;
    Status status = Status::ready;
    std::string note;
    bool move_file = false;  // take the file (rename) instead of copying: for finished recordings
    // Chosen when a recording starts (new_recording_id), so that finishing or recovering it twice
    // can be told apart from two recordings: importing an id that exists fails with conflict.
    // Empty: a new id.
    std::string id;
    std::optional<Ref> author;  // the person who recorded it; nullopt: the acting person
};

// An id for a recording that is not in the catalog yet (NewRecording::id).
std::string new_recording_id();

// What the person typed for a recording (title, description, kind, tags, id, author) as text kept
// next to the recording while it is being made, and back. Other fields are not kept.
std::string details_to_text(const NewRecording&);
Result<NewRecording> details_from_text(const std::string& text);

struct RecordingEdit {
    std::optional<std::string> title;
    std::optional<std::string> description;
    std::optional<Kind> kind;
    std::vector<std::string> add_tags;
    std::vector<std::string> remove_tags;
};

struct NewComment {
    Ref recording;
    std::string body;
    std::optional<std::int64_t> at_ms;
    std::optional<Ref> reply_to;  // comment id prefix
};

struct ExportResult {
    std::filesystem::path media;
    std::filesystem::path sidecar;
};

struct LibraryStats {
    std::filesystem::path root;
    int schema_version = 0;
    std::int64_t recordings = 0;
    std::int64_t comments = 0;
    std::int64_t people = 0;
    std::int64_t media_bytes = 0;
    int response_window_hours = 24;
    std::string public_url = "http://127.0.0.1:8642";       // where its team server is reached (invite links)
    std::int64_t max_upload_bytes = std::int64_t{4} << 30;  // the largest video its team server takes
};

// The library's files against its catalog (`doctor`). Each problem says what to do about it.
struct FileProblem {
    std::string recording_id;  // empty for a file no recording owns
    std::filesystem::path file;
    std::int64_t bytes = 0;
    std::string problem;
};

struct FilesReport {
    // Recordings whose video is missing, outside the media folder or not what the catalog says.
    std::vector<FileProblem> broken;
    // Files in media/ no recording owns that are still there: an import under way, or ones that
    // could not be checked or removed.
    std::vector<FileProblem> leftovers;
    // Leftovers of interrupted imports and deletes (their process is gone) removed when the
    // library was opened and since.
    int cleaned = 0;
    std::int64_t cleaned_bytes = 0;
};

// Progress of long work: fraction 0..1 and what is being done. Return false to cancel.
using Progress = std::function<bool(double fraction, std::string_view what)>;

struct OpenOptions {
    std::optional<std::string> acting_person;  // name; nullopt = the library's default person
    std::string default_person_name;           // used to create the default person on first use
    int busy_timeout_ms = 3000;
    std::function<EpochMs()> clock;  // for tests; defaults to the wall clock
};

class Library {
public:
    virtual ~Library() = default;

    virtual const Person& me() const = 0;
    virtual Result<LibraryStats> stats() = 0;
    // Gives back the connection's page cache (it refills on the next queries). For a long-lived
    // process going idle after a big read, such as the desktop app after loading the library.
    virtual void release_memory() = 0;

    // Recordings
    virtual Result<Recording> import_recording(const NewRecording&, const Progress& = {}) = 0;
    virtual Result<std::vector<Recording>> list(const ListFilter&) = 0;
    virtual Result<Recording> get(const Ref& recording) = 0;
    virtual Result<Recording> edit(const Ref& recording, const RecordingEdit&) = 0;
    // Removes the entry and its files. On a full disk the files go first (they free the space the
    // catalog needs to log the change); a file outside media/ is never touched.
    virtual Result<Removal> remove(const Ref& recording) = 0;
    // Refused (nothing written) unless the file it would copy is the recording's: a regular file
    // (not a symbolic link) under media/, of the size the catalog holds. `progress` hears the video's
    // copy (or download); false from it cancels, leaving nothing.
    virtual Result<ExportResult> export_to(const Ref& recording, const std::filesystem::path& dest,
                                           const Progress& progress = {}) = 0;
    // The file a stored path (media_path, thumbnail_path) names: always under <library>/media/.
    // Empty when the stored path is empty or names anything else (a damaged or hostile row).
    virtual std::filesystem::path absolute(const std::string& library_relative) const = 0;
    // Where the recording's video is read from to play it: its file here, or its address on a team
    // server with the credential to send.
    virtual MediaSource media_source(const Recording& recording) const { return absolute(recording.media_path); }
    // Checks every recording's video and looks for leftovers of interrupted imports (opening a
    // library already removes those of processes that are gone, never those of a running import).
    virtual Result<FilesReport> check_files() = 0;

    // People
    virtual Result<std::vector<Person>> people() = 0;
    virtual Result<Person> add_person(const std::string& name, const std::string& email, const std::string& role) = 0;
    virtual Result<Person> person(const Ref& name_or_id) = 0;
    // A one-time code for `name` (added when new, as `access` or a member) that is valid for `days`
    // days; an unused earlier code of theirs stops working. `access` given for someone who exists
    // changes theirs, but the last admin stays an admin.
    virtual Result<Invite> invite(const std::string& name, std::optional<std::string> access, int days) = 0;
    // Ends every token, browser session and unused invite of a person; how many there were.
    virtual Result<int> revoke(const Ref& person) = 0;
    // Acts as this person from now on: a team server, for whoever a request's credential names.
    virtual Result<void> act_as(const Ref& person) = 0;

    // Comments
    virtual Result<Comment> comment(const NewComment&) = 0;
    virtual Result<std::vector<Comment>> comments(const Ref& recording) = 0;  // threads in order
    virtual Result<Comment> get_comment(const Ref& comment) = 0;  // one comment, by id or a unique start of it
    virtual Result<Comment> resolve(const Ref& comment) = 0;

    // Chapters, addressed by recording and moment: setting a title at a moment that already has a
    // chapter renames it. The moment must lie before the end when the duration is known.
    virtual Result<Chapter> set_chapter(const Ref& recording, std::int64_t at_ms, const std::string& title) = 0;
    virtual Result<std::vector<Chapter>> chapters(const Ref& recording) = 0;               // in time order
    virtual Result<Chapter> remove_chapter(const Ref& recording, std::int64_t at_ms) = 0;  // what was removed

    // Views and watching (always of the acting person)
    virtual Result<View> record_progress(const Ref& recording, std::int64_t from_ms, std::int64_t to_ms) = 0;
    // Several stretches at once (a player that reports late), each clamped to the duration; a
    // stretch sent twice counts once. The resume position is the end of the last one.
    virtual Result<View> record_progress(const Ref& recording, const std::vector<Interval>& stretches) = 0;
    virtual Result<View> mark_watched(const Ref& recording) = 0;
    virtual Result<std::vector<View>> views(const Ref& recording) = 0;  // everyone's

    // Assignments
    virtual Result<Assignment> assign(const Ref& recording, const Ref& person, std::optional<std::string> due) = 0;
    // Overdue first, then by due date (undated last), then oldest first.
    virtual Result<std::vector<Assignment>> assignments(const AssignmentFilter&) = 0;

    // Inbox and search
    virtual Result<Inbox> inbox() = 0;
    virtual Result<std::vector<SearchHit>> search(const std::string& query, int limit = 20) = 0;

    // Settings
    virtual Result<void> set_response_window_hours(int hours) = 0;
    // Where the library's team server is reached, as `serve` last said (invite links start with it).
    virtual Result<void> set_public_url(const std::string& url) = 0;
    // The largest video the library's team server accepts as an upload (1 kB to 1 TB).
    virtual Result<void> set_max_upload_bytes(std::int64_t bytes) = 0;
};

// One recording with everything `show` tells about it: the same for the CLI, the app and a server.
struct RecordingOverview {
    Recording recording;
    std::vector<Chapter> chapters;        // in time order
    std::vector<View> views;              // everyone's
    std::vector<Assignment> assignments;  // of this recording
};
Result<RecordingOverview> overview(Library& library, const Ref& recording);

// Opens (creating and migrating as needed) the library rooted at `root`.
Result<std::unique_ptr<Library>> open_library(const std::filesystem::path& root, const OpenOptions& = {});

// <library> when none is given: WALKTHROUGH_LIBRARY, else $XDG_DATA_HOME/walkthrough, else ~/.local/share/walkthrough.
std::filesystem::path default_library_root();

// The newest schema version this build writes.
int latest_schema_version();

}  // namespace wt::catalog
