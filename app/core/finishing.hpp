#pragma once
// Where the recorder and the catalog meet: a finished (or interrupted) recording file in
// <library>/incoming/ becomes an MP4 in the catalog. Used by the CLI and the desktop app.
//
// Only the process holding a recording's claim (recorder/incoming.hpp) finishes or recovers it, so
// any number of processes may open the library at once. A passing problem (a busy library, a
// full disk, a permission) leaves the file where it is, to be tried again; only a file that cannot
// be decoded is set aside.
#include <chrono>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "catalog/catalog.hpp"
#include "recorder/incoming.hpp"

namespace wt::app {

std::filesystem::path incoming_dir(const std::filesystem::path& library_root);

// How long adding a recording waits for a library that another process is writing to, past the
// connection's own busy timeout. `waiting` hears how long it has waited so far, every few seconds.
struct BusyWait {
    std::chrono::seconds limit{0};
    std::function<void(std::chrono::seconds waited)> waiting;
};
// A recording that was just made waits this long: the person is there, and it is their work.
inline constexpr std::chrono::seconds k_finish_wait = std::chrono::minutes(10);

// The text to keep with a recording from its start (recorder::RecordOptions::details): what the
// person typed, the id it will have and who is recording (`author`, the acting person's name; empty
// when not known yet, as for a team library not reached so far: the library it is filed into decides).
std::string details_at_start(catalog::NewRecording details, const std::string& author);

// Remuxes the claimed file to MP4 (faststart), adds it to the catalog (moving, not copying) and
// removes the file and its details. The id and author kept at the start are used; the title, kind,
// tags and description given here are (they may have been edited meanwhile). A recording already
// in the catalog (a crash after adding it) is not added twice. On failure the file stays where it is,
// so nothing is lost and recover can try again; ErrorCode::bad_media means it cannot be decoded.
Result<catalog::Recording> finish_recording(catalog::Library& lib, const recorder::IncomingClaim& claim,
                                            catalog::NewRecording details, const BusyWait& wait = {});

struct Recovered {
    std::vector<catalog::Recording> recordings;
    std::vector<std::string> problems;  // files that could not be recovered (or were set aside), and why
    std::optional<Error> retry;         // the first passing problem: those files wait in incoming/
};
// Turns every interrupted recording in <library>/incoming/ that this process can claim into a
// catalog entry marked 'recovered', with what the person typed when it started.
Recovered recover_interrupted(catalog::Library& lib, const std::filesystem::path& library_root);

// A recording set aside as undecodable, for `recover --list` and doctor.
struct SetAside {
    std::filesystem::path file;
    std::int64_t size_bytes = 0;
    std::string title;  // as typed when it started; empty when unknown
};
std::vector<SetAside> set_aside_recordings(const std::filesystem::path& library_root);

}  // namespace wt::app
