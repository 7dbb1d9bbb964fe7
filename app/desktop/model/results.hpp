#pragma once
// What the workers' jobs answer: plain values, made on a worker thread and posted to its mailbox;
// the controller applies each on the UI thread with a handler of its own (Controller::on), checking
// there that the answer is still wanted (the same recording, the same generation, the same search).
// Jobs never touch `AppState`: these values are the only way their work reaches it.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <variant>
#include <vector>

#include "app/desktop/model/model.hpp"

namespace wt::ui {

namespace results {

// ---- anything

struct Failed {  // a call failed; the message says what went wrong, `hint` what to do
    Error error;
    std::string hint;
};
struct Notice {  // something to tell the person that is not a failure of the work asked for
    Level level = Level::info;
    std::string text;
    std::string hint;
};
struct Progress {  // long work: the bar; nullopt hides it
    std::optional<Busy> busy;
};

// ---- the library

struct LibraryOpened {
    std::filesystem::path root;
    std::string team;  // the connection's name when it is a team server's library
    AppSettings settings;
    std::string me;
    std::vector<catalog::Person> people;
};
struct LibraryNotOpened {
    std::filesystem::path root;
    std::string team;  // the connection's name when it is a team server's library
    AppSettings settings;
    Error error;
};
// The first page, then (when there are more) all of them up to the cap.
struct LibraryPage {
    LibraryData data;  // data.generation: the reload it answers
};
struct MyAssignments {
    std::unordered_map<std::string, catalog::Assignment> by_recording;
};
struct InboxLoaded {
    catalog::Inbox inbox;  // in the inbox's order
};
struct TrainingLoaded {
    std::vector<catalog::Assignment> mine;  // by due date
    std::vector<catalog::Assignment> all;
};
struct Searched {
    std::uint64_t seq = 0;
    std::string text;
    Result<std::vector<catalog::SearchHit>> hits;
};
struct DetailsLoaded {
    std::string id;
    catalog::Recording recording;
    std::vector<catalog::View> views;  // by coverage
    std::vector<catalog::Assignment> assignments;
    std::vector<catalog::Chapter> chapters;
};
struct DetailsMissing {  // the recording is gone (deleted meanwhile, from here or elsewhere)
    std::string id;
    Error error;
};
struct DetailsSaved {
    catalog::Recording recording;
};
struct Removed {
    catalog::Removal removal;
};
struct Exported {
    std::string id;
    catalog::ExportResult files;
};
struct Assigned {
    std::string id;
    catalog::Assignment assignment;
    std::vector<catalog::Assignment> of_recording;
};
struct Imported {
    catalog::Recording recording;
    std::filesystem::path root;  // the library it went into
};
struct PersonAdded {
    std::string name;
    std::vector<catalog::Person> people;
};

// ---- team libraries

struct LibrariesListed {  // this computer's folder, then the servers it is connected to
    std::vector<LibraryChoice> choices;
    std::vector<std::string> problems;  // saved connections that could not be read
};
// Whether the team server of `connection` answers: from the event stream's follower (live or
// broken) and from any job whose call could not reach it.
struct ServerReachable {
    std::string connection;
    bool reachable = false;
    bool live = false;  // the event stream is open
    Error why;          // when not reachable (or it refused the credential: unauthorized)
};
// A change at the team server (its event stream): what it names, for the controller to refresh.
struct ServerChanged {
    std::string connection;
    std::string kind;  // "comment.added", "recording.changed", …, "resync"
    std::string recording_id;
    std::string comment_id;
    std::string person;
};
struct UploadsListed {  // the outbox as it is now
    std::vector<UploadRow> uploads;
};
struct UploadProgress {  // one recording being sent
    UploadRow upload;
};

// ---- the player

struct PlayerOpened {
    std::string id;
    catalog::Recording recording;
    std::shared_ptr<player::Player> engine;
    std::optional<catalog::View> mine;
    std::vector<catalog::Comment> comments;
    std::vector<catalog::Chapter> chapters;
};
struct PlayerNotOpened {
    std::string id;
    Error error;
    std::optional<catalog::Recording> recording;  // when it was found, to show its title
};
struct CommentsChanged {  // a recording's comments as they are now
    std::string recording_id;
    std::vector<catalog::Comment> comments;
};
struct CommentSaved {};
struct ChaptersChanged {  // a recording's chapters as they are now, in time order
    std::string recording_id;
    std::vector<catalog::Chapter> chapters;
};
struct ChapterSaved {};
struct ChapterRemoved {
    catalog::Chapter chapter;
};
struct ViewUpdated {  // the acting person's view of a recording after watching or marking it
    std::string id;
    catalog::View view;
};

// ---- the Record view and recording

struct MicrophonesListed {
    Result<std::vector<recorder::Microphone>> microphones;
};
struct WindowsListed {
    Result<std::vector<recorder::WindowInfo>> windows;  // the app's own left out
};
struct ScreenGrabbed {
    std::uint64_t seq = 0;
    // Shared, so the pixels (megabytes) are never copied on their way to the UI thread.
    std::shared_ptr<Result<recorder::Screenshot>> shot;
};
struct SourcesChecked {
    recorder::SourceCheck check;
    bool no_mic = false;
};
struct RecordingStarted {
    std::shared_ptr<recorder::Recorder> recorder;
};
struct RecordingNotStarted {
    Error error;
};
struct RecordingNotFinished {  // stop() failed; what was written waits in incoming/
    Error error;
};
struct RecordingDiscarded {};
struct RecordingUnfiled {};  // stopped with no library open: the file waits in incoming/ for recovery
struct RecordingFiled {
    Result<catalog::Recording> added;
    std::vector<std::string> warnings;
    std::filesystem::path file;  // in incoming/, kept when it could not be added
    std::filesystem::path root;  // the library it went into
    std::string team;            // for a team library: it went to the outbox, `added` is the spool's entry
};

struct ThumbnailLoaded {
    Thumbnail thumbnail;  // no pixels: none could be read
};

}  // namespace results

using JobResult =
    std::variant<results::Failed, results::Notice, results::Progress, results::LibraryOpened, results::LibraryNotOpened,
                 results::LibraryPage, results::MyAssignments, results::InboxLoaded, results::TrainingLoaded,
                 results::Searched, results::DetailsLoaded, results::DetailsMissing, results::DetailsSaved,
                 results::Removed, results::Exported, results::Assigned, results::Imported, results::PersonAdded,
                 results::PlayerOpened, results::PlayerNotOpened, results::CommentsChanged, results::CommentSaved,
                 results::ChaptersChanged, results::ChapterSaved, results::ChapterRemoved, results::ViewUpdated,
                 results::MicrophonesListed, results::WindowsListed, results::ScreenGrabbed, results::SourcesChecked,
                 results::RecordingStarted, results::RecordingNotStarted, results::RecordingNotFinished,
                 results::RecordingDiscarded, results::RecordingUnfiled, results::RecordingFiled,
                 results::ThumbnailLoaded, results::LibrariesListed, results::ServerReachable, results::ServerChanged,
                 results::UploadsListed, results::UploadProgress>;

}  // namespace wt::ui
