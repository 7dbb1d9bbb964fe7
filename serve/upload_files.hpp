#pragma once
// Where uploads are received: <library>/uploads/, next to media/ on the same file system so that a
// finished upload is moved into the library, never copied. Its files are named by the server
// (random ids), never after anything in a request:
//   post-<id>.part           the body of a POST /recordings while it arrives
//   <uid>.part, <uid>.json   a resumable (tus) upload: the bytes so far, and what it is for
// A file being written is locked (flock) by its writer, so the sweeper can tell a live upload from
// an abandoned one.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "catalog/catalog.hpp"
#include "common/result.hpp"
#include "serve/http.hpp"

namespace wt::serve::uploads {

// <library>/uploads, created when missing; refused when it is anything but a folder (a link).
Result<std::filesystem::path> folder(const std::filesystem::path& library);

// 160 random bits as 40 lowercase hex digits: an upload's id, and the temporary files' names.
Result<std::string> new_upload_id();
// Whether `text` is such an id (anything else never names a file).
bool valid_upload_id(std::string_view text);

// Opens (or creates, with `create`) a file for writing and takes its lock without waiting; an
// invalid fd when it is missing, and `busy` when someone else holds the lock.
struct Locked {
    UniqueFd fd;
    bool busy = false;
};
Locked open_locked(const std::filesystem::path& file, bool create);

// Appends all of `bytes` at the end of the file.
Result<void> write_all(int fd, std::string_view bytes);

// What the person uploading said about their recording (query parameters or tus metadata).
struct Details {
    std::optional<std::string> title;  // nullopt: the file name's stem, else a dated title
    std::string description;
    catalog::Kind kind = catalog::Kind::walkthrough;
    std::vector<std::string> tags;
    std::string filename;  // as the client named it, for the title and messages only
};

// Imports a complete upload exactly as `walkthrough import` does (probe, thumbnail, catalog row),
// moving the file into media/, as `person_id` (the author). Afterwards the file is gone: imported,
// or removed when the import failed; only when the library is busy (ErrorCode::busy) is it left as
// it was, to try again. Errors name the upload, never the server's paths.
Result<catalog::Recording> import_upload(catalog::Library& lib, const std::string& person_id,
                                         const std::filesystem::path& file, const Details& details);

// Removes uploads nobody has added to for `stale_after`, and bodies of POST /recordings whose
// request is gone (unlocked). How many files it removed.
int sweep(const std::filesystem::path& library, std::chrono::seconds stale_after);

// Sweeps when made and then every `every`, on its own thread, until destroyed.
class Sweeper {
public:
    explicit Sweeper(std::filesystem::path library, std::chrono::seconds stale_after = std::chrono::hours(24),
                     std::chrono::seconds every = std::chrono::hours(1));
    ~Sweeper();
    Sweeper(const Sweeper&) = delete;
    Sweeper& operator=(const Sweeper&) = delete;

private:
    void run();
    std::filesystem::path library_;
    std::chrono::seconds stale_after_, every_;
    std::mutex mutex_;  // guards stopping_
    std::condition_variable wake_;
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace wt::serve::uploads
