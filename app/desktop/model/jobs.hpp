#pragma once
// The work the controller sends to the worker thread: each function runs there with the library
// connection and answers with results (results.hpp), plain values posted to the mailbox. Jobs never
// touch the app's state: the controller applies the results on the UI thread, where it checks that
// an answer is still wanted (the same recording, the same generation).
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "app/core/finishing.hpp"
#include "app/desktop/model/model.hpp"
#include "app/desktop/model/worker.hpp"

namespace wt::ui::jobs {

using Env = Worker::Env;

struct OpenRequest {
    std::filesystem::path library;        // empty: from the settings, else the default
    std::string person;                   // empty: from the settings, else WALKTHROUGH_USER, else the default
    std::filesystem::path settings_file;  // read when read_settings
    bool read_settings = false;
    AppSettings settings;  // the app's settings now, when they are not read from the file
    std::function<EpochMs()> clock;
    std::uint64_t generation = 0;
    int first_page = 60;
};

void open(Env&, const OpenRequest&);
void load_library(Env&, std::uint64_t generation, int first_page);
void load_inbox(Env&);
void load_training(Env&);
void search(Env&, const std::string& text, std::uint64_t seq);
void details(Env&, const std::string& id);
void save_details(Env&, const std::string& id, const catalog::RecordingEdit& edit);
void remove(Env&, const std::string& id);
void export_to(Env&, const std::string& id, const std::string& dir);
void assign(Env&, const std::string& id, const std::string& person, const std::optional<std::string>& due);
void open_player(Env&, const std::string& id, std::optional<std::int64_t> at_ms, bool paused,
                 player::AudioOutput audio);
void comment(Env&, const catalog::NewComment& c);
// A recording's comments as they are now (someone else's arrived: the server's events).
void comments(Env&, const std::string& recording_id);
void post_my_assignments(Env&);
// The libraries to switch to: this computer's `folder`, then every saved team connection.
void list_libraries(Env&, const std::filesystem::path& folder);
void resolve(Env&, const std::string& comment_id);
// Chapters (jobs_chapters.cpp): the recording's chapters as they are afterwards go to the player and details.
void chapters(Env&, const std::string& id);
void set_chapter(Env&, const std::string& id, std::int64_t at_ms, const std::string& title);
void remove_chapter(Env&, const std::string& id, std::int64_t at_ms);
void mark_watched(Env&, const std::string& id);
void report_played(Env&, const std::string& id, const std::vector<catalog::Interval>& played);
void add_person(Env&, const std::string& name);
void set_response_window(Env&, int hours);
void save_settings(Env&, const std::filesystem::path& file, const AppSettings& settings);
void import(Env&, const catalog::NewRecording& what);
void check_sources(Env&, const recorder::RecordOptions& options);
void start_recording(Env&, const recorder::RecordOptions& options);
// `team`: the connection the recording is for (its spool; the team library need not be open), or
// empty for the open folder library.
void stop_recording(Env&, const std::shared_ptr<recorder::Recorder>& rec, const catalog::NewRecording& details,
                    bool discard, const std::string& team);
void thumbnail(Env&, const std::string& id, const std::string& library_relative, int width);

// Recordings for a team library (jobs_team.cpp). The outbox as it is now; then sending what waits
// in it (and what a crash left in the spools), one after another, with their progress.
void list_uploads(Env&);
// "Publish to team…": a recording of the open folder library (at `root`) to the outbox, then sent.
void publish(Env&, const std::string& id, const std::string& connection, const std::string& root);
void send_uploads(Env&);
// A finished recording for the team library of connection `team`: into its spool, then the outbox.
// Needs no server: one that is away gets it later.
Result<catalog::Recording> file_for_team(Env&, const std::string& team, recorder::FinishedRecording& done,
                                         const catalog::NewRecording& details, const app::BusyWait& wait);

// What the Record view offers to choose from (jobs_capture.cpp); no library needed.
void list_microphones(Env&);
void list_windows(Env&, const std::string& display);
// After `delay_ms` (the app's window, just hidden, is gone from the screen by then).
void grab_screen(Env&, const std::string& display, int delay_ms, std::uint64_t seq);

}  // namespace wt::ui::jobs
