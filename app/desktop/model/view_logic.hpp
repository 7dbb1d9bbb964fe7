#pragma once
// What the views show, as pure functions of plain data: no ImGui, no I/O, no clock of their own
// (`now` is passed in). Unit-tested in tests/app_model_test.cpp.
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include "app/desktop/model/model.hpp"
#include "catalog/catalog.hpp"
#include "recorder/recorder.hpp"

namespace wt::ui {

// ---- library ----

// Indices of `recordings` that pass the query's filters, in its order (ties keep the newest first).
std::vector<std::size_t> filter_and_sort(const std::vector<catalog::Recording>& recordings,
                                         const std::unordered_set<std::string>& watched, const LibraryQuery& query);
std::vector<std::string> all_tags(const std::vector<catalog::Recording>& recordings);     // sorted, unique
std::vector<std::string> all_authors(const std::vector<catalog::Recording>& recordings);  // sorted, unique
// "3:20 · ana · 20 Nov" (the year only when it is not this year's).
std::string card_meta(const catalog::Recording& r, EpochMs now);
// "20 Nov" or "20 Nov 2025", in local time.
std::string short_date(EpochMs at, EpochMs now);
// A search hit in one line: "comment at 2:13 · Why [port] 443?", "chapter at 1:05 · [Import] the
// profile" or "title · [VPN] setup".
std::string hit_text(const catalog::SearchHit& hit);

// ---- due dates and assignments ----

// Whole local calendar days from now's date to `date` ("YYYY-MM-DD"); negative when it is past.
std::optional<int> days_until(const std::string& date, EpochMs now);
// "due today", "due tomorrow", "due Fri" (within a week), "due 4 Dec"; past: "was due Tue", "was due 4 Nov".
std::string due_text(const std::string& date, EpochMs now);
// The card's line (it must fit a card): "assigned to you · due Fri", "assigned to you · overdue",
// "assigned to you · done", "assigned to you" (no date).
std::string card_assignment_text(const catalog::Assignment& a, EpochMs now);
// "not started", "in progress 42 %", "done", "overdue · 42 %", "overdue · not started".
std::string assignment_status_text(const catalog::Assignment& a);
// The person's own list: open ones by due date (overdue first, undated after), then the done ones.
std::vector<catalog::Assignment> by_due_date(std::vector<catalog::Assignment> list);

// The manager's view: modules (recordings with assignments) x people (assignees).
struct TrainingMatrix {
    struct Module {
        std::string id;
        std::string title;
        int assigned = 0, done = 0, overdue = 0;
    };
    std::vector<Module> modules;         // by title
    std::vector<std::string> people;     // by name
    std::vector<std::vector<int>> cell;  // [module][person]: index into the assignments, -1 none
};
TrainingMatrix build_matrix(const std::vector<catalog::Assignment>& all);
// "✓", "42 %", "–" (not started), "! 42 %" (overdue).
std::string cell_text(const catalog::Assignment& a);

// ---- watching ----

// "not watched yet", "watched 93 %", "watched 93 % ✓", "marked watched ✓" (explicitly, little coverage).
std::string coverage_text(const std::optional<catalog::View>& view);
// The acting person's view among everyone's.
std::optional<catalog::View> view_of(const std::vector<catalog::View>& views, const std::string& person);
// Who watched how much: most coverage first.
std::vector<catalog::View> by_coverage(std::vector<catalog::View> views);

// ---- inbox ----

// "waiting 3 h · reply within 24 h" or "waiting 2 d 4 h · 1 d 4 h past the 24 h window".
std::string inbox_age_text(std::int64_t age_ms, int window_hours);
// Overdue first, then the oldest first.
std::vector<catalog::InboxItem> inbox_order(std::vector<catalog::InboxItem> items);

// ---- comments ----

struct CommentRow {
    std::size_t index = 0;  // into the comments given
    int depth = 0;          // 0: starts a thread
    bool resolved = false;  // the thread is resolved
};
// Threads by their moment (whole-video remarks first), each followed by its replies in the order written.
std::vector<CommentRow> comment_rows(const std::vector<catalog::Comment>& comments);
// Threads not resolved yet: what the catalog counts as a recording's open comments.
int open_threads(const std::vector<catalog::Comment>& comments);

// ---- editing ----

// "onboarding, vpn ,#it" -> {"it", "onboarding", "vpn"} (trimmed, '#' dropped, unique, sorted).
std::vector<std::string> split_tags(const std::string& text);
std::string join_tags(const std::vector<std::string>& tags);
// What to send to the catalog to turn `before` into the edited fields (only what changed).
catalog::RecordingEdit edit_between(const catalog::Recording& before, const std::string& title,
                                    const std::string& description, catalog::Kind kind, const std::string& tags_text);

// ---- settings ----

// A quality's name ("compact", "balanced", "high") as the forms' radio-button index; compact when unknown.
int quality_index(const std::string& name);
const char* quality_name(int index);
// The record form's quality and microphone choices from the saved defaults.
void fill_record_defaults(const AppSettings& settings, RecordForm& form);

// ---- recording ----

// The window is the small recording bar in these phases.
bool shows_recording_bar(RecordPhase phase);
// There is somewhere to record into: the open library, or a team library's spool on this computer,
// which needs no server (a team library not reached yet still records; it is sent when it is back).
bool can_record(const AppState& s);
// "3", "2", "1" while counting down; empty once recording.
std::string countdown_text(const recorder::RecordStats& s);
// "2:13 · 4.1 MB" (+ " · paused").
std::string recording_bar_text(const recorder::RecordStats& s);
// The soft 5-minute guide: empty before 4:00, then "1:00 left of 5 min", then "over 5 min: shorter videos get watched".
std::string five_minute_guide(std::int64_t elapsed_ms);
// A microphone level (0..1 linear) on a -60..0 dB scale as 0..1, for the meter.
float meter_fraction(float linear);
// "X,Y,WxH" checked; the message says what is wrong.
Result<std::string> checked_region(const std::string& text);

// ---- choosing what to record ----

// A microphone as the pickers name it: its description, or for what a sound output plays,
// "(monitor of Speakers)".
std::string mic_label(const recorder::Microphone& m);
// "Default microphone (Built-in Audio)"; "Default microphone" while the list does not say which.
std::string default_mic_label(const std::vector<recorder::Microphone>& mics);

// One line of a microphone combo.
struct MicOption {
    std::string label;
    int choice = 0;    // as RecordForm::mic_choice: 0 default, 1 named, 2 none
    std::string name;  // the source, when named
};
// The default, every listed source (the default one marked), the chosen one if it is not listed (a saved default that
// is unplugged: "name (not found)" once the list came), then "No microphone" when `with_none`.
std::vector<MicOption> mic_options(const std::vector<recorder::Microphone>& mics, bool listed,
                                   const std::string& chosen, bool with_none);
// The option that shows the form's choice (the default when none matches).
int selected_mic_option(const std::vector<MicOption>& options, int mic_choice, const std::string& mic);

// What the level meter listens to before recording.
struct MeterTarget {
    bool on = false;
    std::optional<std::string> source;  // nullopt: the default microphone
    bool operator==(const MeterTarget&) const = default;
};
// On while the Record form shows and a microphone (not a testing input) is chosen.
MeterTarget meter_target(Screen screen, const RecordData& r, const RecordForm& f);

// The meter's words: "listening…", "-18 dB", "silent: say something", or why it cannot listen.
std::string level_text(const recorder::MicLevel& level);

// "Terminal — 800×600"; "(untitled) — 800×600".
std::string window_label(const recorder::WindowInfo& w);
// "0x3a00007", as parse_window_id reads it back.
std::string window_id_text(std::uint32_t id);
// The windows to offer: not the app's own (`own_pid`), in the order given.
std::vector<recorder::WindowInfo> pickable_windows(std::vector<recorder::WindowInfo> windows, int own_pid);

// A rectangle in the view (ImGui's pixels) or a point.
struct ViewRect {
    float x = 0, y = 0, width = 0, height = 0;
};
struct ViewPoint {
    float x = 0, y = 0;
};
// The still of a screen_w x screen_h screen drawn as large as fits `area`, its shape kept, at its top left.
ViewRect fit_still(const ViewRect& area, int screen_w, int screen_h);
// Where a point of the view falls on the screen (in pixels, within the screen), and back.
ViewPoint view_to_screen(ViewPoint p, const ViewRect& still, int screen_w, int screen_h);
ViewPoint screen_to_view(ViewPoint p, const ViewRect& still, int screen_w, int screen_h);
// Two dragged corners (screen pixels, either order) as a region: the whole pixels they span,
// within the screen, with even width and height (the recorder's 4:2:0 needs them).
PixelRect drag_region(ViewPoint a, ViewPoint b, int screen_w, int screen_h);
// "X,Y,WxH", and back (nullopt when the text is not a region).
std::string region_text(const PixelRect& r);
std::optional<PixelRect> region_of(const std::string& text);
// What a recording with these options records on the screen: its region, or the chosen window's
// rectangle (from `windows`, as listed); nullopt for the whole screen or a window not listed.
std::optional<PixelRect> recorded_area(const recorder::RecordOptions& options,
                                       const std::vector<recorder::WindowInfo>& windows);
// Where the recording bar (bar_w x bar_h) goes on `screen`: at the top, centred over what is recorded,
// unless that covers the recorded area; then above it, below it, right or left of it, whichever fits
// first (`gap` apart). Over a whole-screen recording (or when nothing fits) it stays at the top.
PixelRect recording_bar_place(const PixelRect& screen, int bar_w, int bar_h, const std::optional<PixelRect>& recorded,
                              int gap);

// ---- team libraries (view_logic_team.cpp)

// "This computer" / "Team: NAME", and under it the folder, or the server with who signed in.
std::string library_label(const LibraryChoice& c);
std::string library_detail(const LibraryChoice& c);
// Whether `c` is the library open (or opening) now.
bool is_current_library(const AppState& s, const LibraryChoice& c);
// Which library the app is on and whether its server answers: "online — changes arrive as they
// happen", "offline since 10:42 — recordings wait and are sent when the server is back".
struct ConnectionLine {
    enum class Tone { none, online, connecting, offline } tone = Tone::none;
    std::string text;
    std::string brief;  // for the sidebar: "online", "offline since 10:42", "connecting…"
    bool operator==(const ConnectionLine&) const = default;
};
ConnectionLine connection_line(const ConnectionData& c, bool opened, EpochMs now);
// A recording on its way: "uploading 42 % · 1.2 MB/s", "waiting for the server — retrying in 30 s",
// "published".
std::string upload_text(const UploadRow& u, EpochMs now);

}  // namespace wt::ui
