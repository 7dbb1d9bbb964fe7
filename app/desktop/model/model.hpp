#pragma once
// The desktop app's model: plain state that the views read every frame (Dear ImGui's immediate-mode
// style: the views draw from it and keep nothing of their own). Only the UI thread touches it: the worker's results
// reach it through the controller's mailbox, never directly.
//
// `AppState` is what the app knows (loaded from the library, the engines' latest snapshots);
// `Drafts` holds what the person is typing (ImGui edits those buffers in place). Anything else a
// view wants done is an `Intent` (intents.hpp), applied by the controller after the frame.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "catalog/catalog.hpp"
#include "player/player.hpp"
#include "recorder/devices.hpp"
#include "recorder/recorder.hpp"

namespace wt::ui {

enum class Screen { library, details, record, player, training, team, inbox, settings };
const char* to_string(Screen);

enum class SortOrder { newest, oldest, title, longest, most_comments };
const char* to_string(SortOrder);

// What the library grid shows: filters and order, applied to the loaded recordings (view_logic.hpp).
struct LibraryQuery {
    std::optional<catalog::Kind> kind;
    std::string tag;     // empty: any
    std::string author;  // empty: anyone
    bool unwatched = false;
    SortOrder sort = SortOrder::newest;
    bool operator==(const LibraryQuery&) const = default;
};

// At most this many recordings (the newest) are loaded; the catalog's own page limit.
inline constexpr int k_library_cap = 10000;

struct LibraryData {
    std::vector<catalog::Recording> recordings;                           // newest first
    std::unordered_set<std::string> watched;                              // ids the acting person has watched
    std::unordered_map<std::string, catalog::Assignment> my_assignments;  // recording id -> mine
    std::vector<std::string> tags;                                        // every tag in use, sorted
    std::vector<std::string> authors;                                     // every author, sorted
    bool loaded = false;                                                  // the first page arrived
    bool complete = false;                                                // every recording (up to the cap) arrived
    bool truncated = false;                                               // the library holds more than the cap
    std::uint64_t generation = 0;      // bumped at each reload; stale pages are dropped
    std::vector<std::size_t> visible;  // indices into recordings: filtered and sorted by the query
};

struct SearchData {
    std::string query;      // what the hits are for
    std::uint64_t seq = 0;  // the latest search asked for; older answers are dropped
    bool busy = false;
    std::vector<catalog::SearchHit> hits;
    std::string error;
};

struct DetailsData {
    std::string id;
    bool loading = false;
    std::optional<catalog::Recording> recording;
    std::vector<catalog::View> views;              // who watched how much
    std::vector<catalog::Assignment> assignments;  // of this recording
    std::vector<catalog::Chapter> chapters;        // in time order
    std::string exported_to;                       // the last export's media file
};

struct PlayerData {
    std::string id;  // the recording playing
    std::optional<catalog::Recording> recording;
    std::shared_ptr<player::Player> engine;  // null until opened (off the UI thread)
    bool opening = false;
    std::string error;
    std::vector<catalog::Comment> comments;  // threads, as the catalog orders them
    std::vector<catalog::Chapter> chapters;  // in time order
    std::optional<catalog::View> mine;       // the acting person's view (coverage, resume)
    player::Snapshot snapshot;               // taken by Controller::tick each loop
};

struct TrainingData {
    bool loaded = false;
    std::vector<catalog::Assignment> mine;  // the acting person's
    std::vector<catalog::Assignment> all;   // everyone's: the manager matrix
};

struct InboxData {
    bool loaded = false;
    catalog::Inbox inbox;
};

enum class RecordPhase { setup, starting, countdown, recording, stopping };

// A region of the screen in whole pixels.
struct PixelRect {
    int x = 0, y = 0, width = 0, height = 0;
    bool operator==(const PixelRect&) const = default;
};

// "Pick region on screen…": a still of the whole screen, shown as a texture to drag a rectangle on.
struct RegionPick {
    enum class Phase { off, grabbing, picking };
    Phase phase = Phase::off;
    std::uint64_t seq = 0;       // the still asked for last; older answers are dropped
    std::string texture;         // its key in the shell's texture cache
    int width = 0, height = 0;   // the screen, in pixels
    bool window_hidden = false;  // the app's window was hidden to take the still
};

struct RecordData {
    RecordPhase phase = RecordPhase::setup;
    std::shared_ptr<recorder::Recorder> recorder;  // while starting..stopping; used by the worker for start/stop
    recorder::RecordStats stats;                   // copied by Controller::tick
    bool checking = false;
    std::optional<std::string> screen_check;  // what the screen delivers, or why it cannot be used
    std::optional<std::string> mic_check;
    bool screen_ok = false;
    bool mic_ok = false;
    std::string error;
    std::string last_id;  // the recording made last
    // What there is to choose from, listed on the worker when the view opens (and on Refresh).
    std::vector<recorder::Microphone> microphones;
    bool mics_listing = false;
    bool mics_listed = false;  // an answer came (the list may still be empty)
    std::string mics_error;
    std::shared_ptr<recorder::LevelMonitor> meter;  // the chosen microphone while the form shows (Controller::tick)
    recorder::MicLevel level;                       // the meter's latest, copied by Controller::tick
    std::vector<recorder::WindowInfo> windows;      // the app's own window left out
    bool windows_listing = false;
    std::string windows_error;
    RegionPick pick;
    std::optional<PixelRect> recorded_area;  // while recording, to keep the bar off it; nullopt: all
};

// Desktop preferences kept outside the library (desktop.json in the config folder).
struct AppSettings {
    std::string library;  // a folder, or a team server's connection name; empty: the default library
    std::string folder;   // this computer's library folder last used; empty: the default one
    std::string person;   // empty: the library's default person
    std::string quality = "compact";
    std::string mic;  // empty: the default microphone
    bool no_mic = false;
    bool denoise = false;
    bool operator==(const AppSettings&) const = default;
};

// A library the app can switch to: this computer's folder, or a team server it is connected to
// (`walkthrough connect`).
struct LibraryChoice {
    std::string location;  // what opens it: the folder, or the connection's name
    bool team = false;
    std::string url;     // the server's, for a team library
    std::string person;  // who signed in there, and their access then
    std::string access;
};

// The connection to the team server whose library is open (nothing when it is a folder).
struct ConnectionData {
    std::string team;                      // the connection's name; empty: the library is a folder on this computer
    bool live = false;                     // the server's event stream is open: changes arrive as they happen
    std::optional<EpochMs> offline_since;  // the server could not be reached since then
    std::string problem;                   // the last failure, as the client said it
    bool operator==(const ConnectionData&) const = default;
};

// A recording on its way to a team server (remote::Outgoing), as the Record view lists it.
struct UploadRow {
    std::string id;  // the outbox's
    std::string title;
    std::string server;
    std::string state;  // "waiting", "sending", "published", "refused"
    std::int64_t size_bytes = 0;
    std::int64_t sent_bytes = 0;
    double bytes_per_second = 0;  // while sending; 0 when unknown
    std::string last_error;
    EpochMs retry_at = 0;  // when it is tried again, while waiting for the server
};

enum class Level { info, warning, error };

// A message across the top of the window, with what to do about it.
struct Banner {
    int id = 0;
    Level level = Level::info;
    std::string text;
    std::string hint;  // what to do; may be empty
};

// Long work the worker is doing (import, finishing a recording, recovery, export).
struct Busy {
    std::string what;
    double fraction = -1;  // < 0: unknown
};

// A decoded thumbnail waiting to become a texture (the shell uploads it, then drops the pixels).
struct Thumbnail {
    std::string id;  // recording id
    int width = 0, height = 0;
    std::vector<std::uint8_t> rgba;  // empty: none could be read (the card shows a placeholder)
};

struct AppState {
    Screen screen = Screen::library;
    std::filesystem::path root;  // the library's folder
    bool opened = false;         // the library is open
    std::string open_error;
    std::string me;  // the acting person
    std::vector<catalog::Person> people;
    int response_window_hours = 24;
    AppSettings settings;
    std::vector<LibraryChoice> libraries;  // this computer's folder first, then the team servers
    ConnectionData connection;
    std::vector<UploadRow> uploads;  // the outbox, oldest first
    LibraryQuery query;
    LibraryData library;
    SearchData search;
    DetailsData details;
    PlayerData player;
    TrainingData training;
    InboxData inbox;
    RecordData record;
    std::vector<Banner> banners;
    std::optional<Busy> busy;
    std::vector<Thumbnail> thumbnails_ready;
    int next_banner_id = 1;
};

// The record form.
struct RecordForm {
    enum class Area { display, region, window } area = Area::display;
    std::string display;  // empty: $DISPLAY
    std::string region;   // "X,Y,WxH"
    std::string window;   // "0x3a00007"
    int mic_choice = 0;   // 0 default, 1 named source, 2 none
    std::string mic;
    bool denoise = false;
    int quality = 0;  // a recorder::Quality (compact, balanced, high), as the radio buttons need an int
    std::string title;
    int kind = 0;       // walkthrough, training
    std::string tags;   // comma separated
    int countdown = 3;  // seconds
    // The rectangle dragged on the still of the screen, its corners in screen pixels.
    struct Drag {
        bool dragging = false;  // the mouse button is down
        bool chosen = false;    // there is a rectangle
        float x0 = 0, y0 = 0, x1 = 0, y1 = 0;
    } drag;
    // Testing aids: any libavdevice input instead of the screen and microphone.
    std::string video_input;
    std::string audio_input;
};

// What the person is typing, edited in place by the widgets.
struct Drafts {
    std::string search;
    // details
    std::string title;
    std::string description;
    int kind = 0;
    std::string tags;  // comma separated
    std::string assign_to;
    std::string assign_due;  // YYYY-MM-DD
    std::string export_dir;
    bool confirm_delete = false;
    bool focus_title = false;  // a recording just finished: the title field takes the keyboard
    // player
    std::string comment;
    std::string reply_to;  // comment id being answered; empty: a new thread
    bool comment_at_moment = true;
    std::string chapter_title;  // "Add chapter here"
    // import
    std::string import_path;
    std::string import_title;
    int import_kind = 0;
    // settings
    std::string library;
    int response_window_hours = 24;
    std::string new_person;
    int quality = 0;  // a recorder::Quality, as RecordForm::quality
    std::string mic;
    bool no_mic = false;
    bool denoise = false;
    // record
    RecordForm record;
    bool confirm_discard = false;
};

}  // namespace wt::ui
