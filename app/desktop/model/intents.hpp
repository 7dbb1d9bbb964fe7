#pragma once
// What a view asks for. Views only collect intents while drawing; the controller applies them
// after the frame (Dear ImGui's MyDocument::DoQueueClose pattern), so state never changes under a
// view that is still iterating over it.
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "app/desktop/model/model.hpp"

namespace wt::ui {

namespace intent {

struct Navigate {
    Screen screen;
};
struct Refresh {};  // reload what the current screen shows
struct SetQuery {
    LibraryQuery query;
};
struct Search {
    std::string text;
};  // as typed; empty clears
struct OpenDetails {
    std::string id;
};
struct SaveDetails {
    std::string id;
};  // from Drafts' title/description/kind/tags
struct Delete {
    std::string id;
};  // confirmed already
struct Export {
    std::string id;
    std::string dir;
};
struct Assign {
    std::string id;
    std::string person;
    std::string due;
};
struct Play {
    std::string id;
    std::optional<std::int64_t> at_ms;
    bool paused = false;
};
struct ClosePlayer {};
struct AddComment {
    std::string id;
    std::string body;
    std::optional<std::int64_t> at_ms;
    std::string reply_to;
};
struct Resolve {
    std::string comment_id;
};
struct AddChapter {
    std::string id;
    std::int64_t at_ms;
    std::string title;
};  // at a moment that has one: renames
struct RemoveChapter {
    std::string id;
    std::int64_t at_ms;
};
struct MarkWatched {
    std::string id;
};
struct SwitchPerson {
    std::string name;
};
struct AddPerson {
    std::string name;
};
struct SetResponseWindow {
    int hours;
};
struct ChangeLibrary {
    std::string folder;
};
struct SaveSettings {
    AppSettings settings;
};
struct PublishToTeam {  // a recording of this computer's library, to a team server's
    std::string id;
    std::string connection;
};
struct Import {
    std::string path;
    std::string title;
    catalog::Kind kind;
};
struct CheckSources {};     // from Drafts.record
struct StartRecording {};   // from Drafts.record
struct ListMicrophones {};  // the microphones to choose from, again
struct ListWindows {};      // the windows to choose from, again
struct PickRegion {};       // a still of the screen to drag the region on
struct EndPick {};          // the region is chosen (in Drafts.record) or the pick cancelled
struct PauseRecording {};
struct ResumeRecording {};
struct StopRecording {};
struct DiscardRecording {};
struct DismissBanner {
    int id;
};
struct ReportError {
    std::string text;
    std::string hint;
};  // a problem the shell met (the video surface)
struct LoadThumbnail {
    std::string id;
    std::string path;
};  // library-relative

}  // namespace intent

using Intent =
    std::variant<intent::Navigate, intent::Refresh, intent::SetQuery, intent::Search, intent::OpenDetails,
                 intent::SaveDetails, intent::Delete, intent::Export, intent::Assign, intent::Play, intent::ClosePlayer,
                 intent::AddComment, intent::Resolve, intent::AddChapter, intent::RemoveChapter, intent::MarkWatched,
                 intent::SwitchPerson, intent::AddPerson, intent::SetResponseWindow, intent::ChangeLibrary,
                 intent::SaveSettings, intent::PublishToTeam, intent::Import, intent::CheckSources,
                 intent::StartRecording, intent::ListMicrophones, intent::ListWindows, intent::PickRegion,
                 intent::EndPick, intent::PauseRecording, intent::ResumeRecording, intent::StopRecording,
                 intent::DiscardRecording, intent::DismissBanner, intent::ReportError, intent::LoadThumbnail>;

using Intents = std::vector<Intent>;

}  // namespace wt::ui
