#pragma once
// The desktop app's controller: owns the state (model.hpp) and the workers, and is the one place the
// state changes: one handler per intent (intents.hpp) turns what a view asked for into state changes
// and jobs; one handler per result (results.hpp) applies what a job answered; tick() keeps the
// engines' snapshots (player, recorder) fresh. It knows nothing of ImGui, SDL or GL, so it runs in
// tests without a window. The handlers are split by subject: controller_library.cpp (library,
// search, details, people, settings), controller_player.cpp (player, comments, chapters, watched),
// controller_capture.cpp (the Record view and recording).
//
// Thread-safety: UI thread only (the workers talk back through their mailboxes).
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include "app/desktop/model/intents.hpp"
#include "app/desktop/model/live_events.hpp"
#include "app/desktop/model/model.hpp"
#include "app/desktop/model/results.hpp"
#include "app/desktop/model/worker.hpp"

namespace wt::ui {

class Controller {
public:
    struct Options {
        std::filesystem::path library;        // empty: the settings' folder, else the default library
        std::string person;                   // empty: the settings' person, else WALKTHROUGH_USER, else the default
        std::filesystem::path settings_file;  // desktop.json; empty: preferences are not kept
        std::function<void()> wake;           // called from the worker when results wait (any thread)
        std::function<EpochMs()> clock;       // for tests; the wall clock otherwise
        player::AudioOutput audio = player::AudioOutput::automatic;
        int first_page = 60;        // recordings loaded before the rest, for a quick first screen
        int thumbnail_width = 320;  // pixels
        // Hides (true) or shows again (false) the app's window, so a still of the screen shows what is
        // under it. UI thread. Unset: the window stays (tests).
        std::function<void(bool hidden)> hide_window;
    };

    explicit Controller(Options options);
    ~Controller();
    Controller(const Controller&) = delete;
    Controller& operator=(const Controller&) = delete;

    // Opens the library on the worker (settings, recovery of interrupted recordings with a notice,
    // then the recordings, inbox and people).
    void start();

    const AppState& state() const { return state_; }
    Drafts& drafts() { return drafts_; }
    EpochMs now() const;

    void apply(const Intent& intent);
    void apply(Intents& intents);  // in order; empties the list
    // Applies what finished jobs posted. True if anything was applied.
    bool drain();
    // The thumbnails (and stills of the screen) that arrived since the last call, for the shell to
    // upload as textures; emptied.
    std::vector<Thumbnail> take_thumbnails();

    struct Tick {
        bool new_frame = false;  // the player shows a new picture: upload and redraw
        bool redraw = false;     // an engine's state changed visibly
        int wake_after_ms = -1;  // come back after this long at the latest; -1: only on input
    };
    // Once per loop on the UI thread: polls the player, copies the recorder's stats, reports watched
    // stretches to the catalog. Never blocks.
    Tick tick();

    // Tests and the screenshot mode: drains until the worker has nothing left to do (or the timeout).
    bool settle(int timeout_ms);
    Worker& worker() { return *worker_; }
    Worker& long_worker() { return *long_worker_; }

    // Before the window goes: reports what was watched, finishes a recording in progress, and waits
    // (up to `timeout_ms`) for the worker to write it all.
    void shutdown(int timeout_ms);

private:
    // ---- what a view asks for (one handler per intent)
    // controller_library.cpp
    void on(const intent::Navigate&);
    void on(const intent::Refresh&);
    void on(const intent::SetQuery&);
    void on(const intent::Search&);
    void on(const intent::OpenDetails&);
    void on(const intent::SaveDetails&);
    void on(const intent::Delete&);
    void on(const intent::Export&);
    void on(const intent::Assign&);
    void on(const intent::SwitchPerson&);
    void on(const intent::AddPerson&);
    void on(const intent::SetResponseWindow&);
    void on(const intent::ChangeLibrary&);
    void on(const intent::SaveSettings&);
    void on(const intent::Import&);
    void on(const intent::LoadThumbnail&);
    void on(const intent::PublishToTeam&);  // controller_team.cpp
    void on(const intent::DismissBanner&);
    void on(const intent::ReportError&);
    // controller_player.cpp
    void on(const intent::Play&);
    void on(const intent::ClosePlayer&);
    void on(const intent::AddComment&);
    void on(const intent::Resolve&);
    void on(const intent::AddChapter&);
    void on(const intent::RemoveChapter&);
    void on(const intent::MarkWatched&);
    // controller_capture.cpp
    void on(const intent::CheckSources&);
    void on(const intent::StartRecording&);
    void on(const intent::ListMicrophones&);
    void on(const intent::ListWindows&);
    void on(const intent::PickRegion&);
    void on(const intent::EndPick&);
    void on(const intent::PauseRecording&);
    void on(const intent::ResumeRecording&);
    void on(const intent::StopRecording&);
    void on(const intent::DiscardRecording&);

    // ---- what a job answered (one handler per result)
    void apply_result(JobResult&& result);
    // controller.cpp
    void on(results::Failed&&);
    void on(results::Notice&&);
    void on(results::Progress&&);
    // controller_library.cpp
    void on(results::LibraryOpened&&);
    void on(results::LibraryNotOpened&&);
    void on(results::LibraryPage&&);
    void on(results::MyAssignments&&);
    void on(results::InboxLoaded&&);
    void on(results::TrainingLoaded&&);
    void on(results::Searched&&);
    void on(results::DetailsLoaded&&);
    void on(results::DetailsMissing&&);
    void on(results::DetailsSaved&&);
    void on(results::Removed&&);
    void on(results::Exported&&);
    void on(results::Assigned&&);
    void on(results::Imported&&);
    void on(results::PersonAdded&&);
    void on(results::ThumbnailLoaded&&);
    // controller_player.cpp
    void on(results::PlayerOpened&&);
    void on(results::PlayerNotOpened&&);
    void on(results::CommentsChanged&&);
    void on(results::CommentSaved&&);
    void on(results::ChaptersChanged&&);
    void on(results::ChapterSaved&&);
    void on(results::ChapterRemoved&&);
    void on(results::ViewUpdated&&);
    // controller_team.cpp
    void on(results::LibrariesListed&&);
    void on(results::ServerReachable&&);
    void on(results::ServerChanged&&);
    void on(results::UploadsListed&&);
    void on(results::UploadProgress&&);
    // controller_capture.cpp
    void on(results::MicrophonesListed&&);
    void on(results::WindowsListed&&);
    void on(results::ScreenGrabbed&&);
    void on(results::SourcesChecked&&);
    void on(results::RecordingStarted&&);
    void on(results::RecordingNotStarted&&);
    void on(results::RecordingNotFinished&&);
    void on(results::RecordingDiscarded&&);
    void on(results::RecordingUnfiled&&);
    void on(results::RecordingFiled&&);

    // ---- shared by the handlers
    void banner(Level level, std::string text, std::string hint = {});
    void reload_library();
    // Whether the library at `root` is the one open now (long work may finish after a switch).
    bool shows_library(const std::filesystem::path& root) const { return state_.opened && state_.root == root; }
    // A recording this app just made or imported: into the loaded list without reloading all of it.
    void recording_added(catalog::Recording rec);
    void recompute_visible();  // after the recordings, the watched marks or the query changed
    // After recordings were added, edited or removed: the filters' tags and authors, then the grid.
    void recordings_changed();
    void fill_detail_drafts();  // the edit fields from the recording shown in details
    void navigate(Screen screen);
    // Opens (or reopens) a library on the worker as `person`; the settings file only at start.
    void open_library(const std::filesystem::path& library, const std::string& person, bool read_settings);
    void post(Worker::Job job, const std::string& key = {});
    void report_played(bool force);
    void close_player();
    void load_for_screen(Screen screen);
    // The Record view and recording (controller_capture.cpp).
    Result<recorder::RecordOptions> record_options() const;
    void stop_or_discard(bool discard);
    void back_to_setup();  // the recorder is gone: the Record view's form again
    // Opens, moves or closes the level meter as the form asks (view_logic's meter_target).
    void sync_meter();
    void poll_meter(Tick& t);     // the meter's latest level into the state
    void poll_recorder(Tick& t);  // the recorder's numbers and phase (countdown, recording) into the state
    void list_microphones();
    void list_windows();
    void end_pick();
    // Long work (import, export, finishing a recording, thumbnails, opening devices) goes to its own
    // worker so it never holds up searches and clicks. `with_library`: the job gets a connection to the
    // open library as the acting person (opened on that worker when first needed or after a switch).
    // False when its queue is full (nothing queued).
    bool post_long(Worker::Job job, bool with_library, const std::string& key = {});
    void busy_banner();  // an action not taken because a queue is full
    // Team libraries (controller_team.cpp).
    // Follows the events of the team library `team` (a connection's name); empty: a folder, none.
    void follow_team(const std::string& team);
    void server_unreachable(const Error& why);  // offline since now (if it was not already)
    void list_libraries();
    std::filesystem::path this_computer_folder() const;
    void send_uploads();         // what waits in the outbox, on the long-work worker
    void poll_uploads(Tick& t);  // sends again once a failed upload's wait is over

    static constexpr std::size_t k_long_queue = 64;  // jobs waiting on the long-work worker

    Options options_;
    AppState state_;
    Drafts drafts_;
    std::unordered_set<std::string> thumbs_asked_;
    std::vector<catalog::Interval> played_;  // not yet sent to the catalog
    std::int64_t last_report_us_ = 0;
    std::optional<EpochMs> next_upload_try_;  // when a recording that failed to send is tried again
    std::string recording_for_team_;          // the connection the recording under way is for; empty: a folder
    bool was_playing_ = false;
    std::unique_ptr<Worker> worker_;       // quick catalog work; after the state: stops first
    std::unique_ptr<Worker> long_worker_;  // long work (its own connection); last: stops before worker_
    // The team server's events: told into worker_'s mailbox through the outlet, closed before
    // worker_ goes; the follower is dropped (joined) on a worker, never on the UI thread.
    std::shared_ptr<LiveOutlet> live_outlet_;
    std::shared_ptr<LiveEvents> live_;
};

}  // namespace wt::ui
