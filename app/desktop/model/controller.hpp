#pragma once
// The desktop app's controller: owns the state (model.hpp) and the worker, turns the views'
// intents into state changes and jobs, applies what the jobs answer, and keeps the engines'
// snapshots (player, recorder) fresh. It knows nothing of ImGui, SDL or GL, so it runs in tests
// without a window.
//
// Thread-safety: UI thread only (the worker talks back through its mailbox).
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include "app/desktop/model/intents.hpp"
#include "app/desktop/model/model.hpp"
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
        int first_page = 60;                  // recordings loaded before the rest, for a quick first screen
        int thumbnail_width = 320;            // pixels
        bool live_meter = true;               // false: no level meter is opened (the screenshot mode stages one)
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
    // For the screenshot mode and tests, which stage states (a recording bar) directly.
    AppState& mutable_state() { return state_; }
    Drafts& drafts() { return drafts_; }
    EpochMs now() const;

    void apply(const Intent& intent);
    void apply(Intents& intents);  // in order; empties the list
    // Applies what finished jobs posted. True if anything was applied.
    bool drain();

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

    // Used by the jobs' answers.
    void banner(Level level, std::string text, std::string hint = {});
    void set_busy(std::optional<Busy> busy);
    void reload_library();
    // Whether the library at `root` is the one open now (long work may finish after a switch).
    bool shows_library(const std::filesystem::path& root) const { return state_.opened && state_.root == root; }
    // A recording this app just made or imported: into the loaded list without reloading all of it.
    void recording_added(catalog::Recording rec);
    void recompute_visible();   // after the recordings, the watched marks or the query changed
    // After recordings were added, edited or removed: the filters' tags and authors, then the grid.
    void recordings_changed();
    void fill_detail_drafts();  // the edit fields from the recording shown in details
    void thumbnail_arrived(Thumbnail t);  // queued for the shell to upload; may be asked for again later
    // The still of the screen asked for by PickRegion (`seq`): shown to drag the region on.
    void screen_grabbed(std::uint64_t seq, Result<recorder::Screenshot> shot);
    // Before the window goes: reports what was watched, finishes a recording in progress, and waits
    // (up to `timeout_ms`) for the worker to write it all.
    void shutdown(int timeout_ms);

private:
    friend struct Jobs;
    void navigate(Screen screen);
    // Opens (or reopens) a library on the worker as `person`; the settings file only at start.
    void open_library(const std::filesystem::path& library, const std::string& person, bool read_settings);
    void post(Worker::Job job, const std::string& key = {});
    void report_played(bool force);
    void stop_or_discard(bool discard);
    void close_player();
    void load_for_screen(Screen screen);
    Result<recorder::RecordOptions> record_options() const;
    // The Record view's choices (controller_capture.cpp).
    // Opens, moves or closes the level meter as the form asks (view_logic's meter_target).
    void sync_meter();
    void poll_meter(Tick& t);  // the meter's latest level into the state
    void list_microphones();
    void relist_microphones();  // Refresh: the list, and a meter that failed tries again
    void list_windows();
    void pick_region();
    void end_pick();
    // Long work (import, export, finishing a recording, thumbnails, opening devices) goes to its own
    // worker so it never holds up searches and clicks. `with_library`: the job gets a connection to the
    // open library as the acting person (opened on that worker when first needed or after a switch).
    // False when its queue is full (nothing queued).
    bool post_long(Worker::Job job, bool with_library, const std::string& key = {});
    void busy_banner();  // an action not taken because a queue is full

    Options options_;
    AppState state_;
    Drafts drafts_;
    std::unordered_set<std::string> thumbs_asked_;
    std::vector<catalog::Interval> played_;   // not yet sent to the catalog
    std::int64_t last_report_us_ = 0;
    bool was_playing_ = false;
    std::unique_ptr<Worker> worker_;       // quick catalog work; after the state: stops first
    std::unique_ptr<Worker> long_worker_;  // long work (its own connection); last: stops before worker_
};

}  // namespace wt::ui
