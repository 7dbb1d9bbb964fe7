#pragma once
// <library>/incoming/: recordings that are not in the catalog yet.
//
//   rec-<ms>-<pid>.mkv                 a recording being written, or cut short by a crash
//   rec-<ms>-<pid>.json                what the person typed for it (title, tags, author, ...), written
//                                      before the first frame so a crash cannot lose it
//   rec-<ms>-<pid>.mkv.unrecoverable   a recording that could not be decoded, set aside (kept, not retried)
//
// Exactly one process may finish or recover a given recording. That right is an IncomingClaim: an
// exclusive flock on the .mkv, taken by the recorder when it creates the file and handed over to
// whoever finishes it (FinishedRecording::claim), or taken by a process that recovers the file after
// its recorder died. The kernel drops the lock with its holder, so a killed recorder's file becomes
// claimable at once and a live recording never is. Several processes (the CLI, the app, a server)
// may scan incoming/ at the same moment: each tries to claim, and the losers leave the file alone.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "common/result.hpp"

namespace wt::recorder {

class IncomingClaim {
public:
    // Creates `file` (which must not exist) and claims it. The descriptor is open for writing.
    static Result<IncomingClaim> create(const std::filesystem::path& file);
    // Claims an existing file; nullopt when another process holds it (recording, finishing or
    // recovering it) or when it is gone or was renamed meanwhile (someone finished it already).
    static std::optional<IncomingClaim> try_take(const std::filesystem::path& file);

    IncomingClaim(IncomingClaim&& other) noexcept;
    IncomingClaim& operator=(IncomingClaim&& other) noexcept;
    IncomingClaim(const IncomingClaim&) = delete;
    IncomingClaim& operator=(const IncomingClaim&) = delete;
    ~IncomingClaim();  // lets go: another process may claim the file if it is still there

    const std::filesystem::path& file() const { return file_; }
    int fd() const { return fd_; }

    // The recording is in the catalog: removes the file and its details (in that order, so a
    // crash in between leaves only details, which recovery sweeps away).
    void remove_files() const;
    // The file cannot be decoded: renames it to "<file>.unrecoverable" (its details stay, so the
    // title can still be shown). Returns the new name.
    Result<std::filesystem::path> set_aside() const;

private:
    IncomingClaim(int fd, std::filesystem::path file) : fd_(fd), file_(std::move(file)) {}
    int fd_ = -1;
    std::filesystem::path file_;
};

// "<dir>/rec-….json" for "<dir>/rec-….mkv" (also for a set-aside "….mkv.unrecoverable").
std::filesystem::path details_file(const std::filesystem::path& recording_file);
// Writes the details durably (temporary file, fsync, rename, fsync of the folder).
Result<void> write_details(const std::filesystem::path& recording_file, const std::string& text);
// The details of a recording; nullopt when there are none (an older recorder, or a crash before).
std::optional<std::string> read_details(const std::filesystem::path& recording_file);

// Recording files in `incoming_dir` that no process holds at this moment (recorders that died).
// Only a hint: IncomingClaim::try_take decides who recovers each. Details left behind by a
// recording that was finished (a crash between its two removals) are swept away here.
std::vector<std::filesystem::path> interrupted_recordings(const std::filesystem::path& incoming_dir);
// Recording files set aside because they could not be decoded, oldest first.
std::vector<std::filesystem::path> set_aside_recordings(const std::filesystem::path& incoming_dir);

}  // namespace wt::recorder
