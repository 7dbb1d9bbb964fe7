#pragma once
// What changed in a library, as its change log (kept by triggers, so every writer fills it: a
// server's workers, the CLI, the desktop app) says. A team server reads it to tell signed-in clients
// about changes as they happen.
//
// Thread-safety: as Library, one per thread.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "common/timefmt.hpp"

namespace wt::catalog {

struct Change {
    std::int64_t seq = 0;  // grows by one or more with every change, never reused
    EpochMs at = 0;
    // recording.added|changed|deleted, comment.added|resolved|changed|deleted, view.changed,
    // assignment.changed; access.revoked (a credential of `person` ended) is for the server only.
    std::string kind;
    std::string recording_id;               // empty for access.revoked
    std::optional<std::string> subject_id;  // the comment or assignment
    std::optional<std::string> person;      // name of who it is about, while they are in the library
    std::optional<std::string> person_id;
};

class ChangeFeed {
public:
    virtual ~ChangeFeed() = default;
    // Whether anything was committed to the library (by any connection of any process) since the
    // last call. Cheap (PRAGMA data_version): fit to be asked several times a second.
    virtual Result<bool> moved() = 0;
    // Up to `limit` changes after `seq`, oldest first.
    virtual Result<std::vector<Change>> after(std::int64_t seq, int limit) = 0;
    // The oldest seq still kept and the latest (0 and 0: none yet). Older changes are pruned.
    struct Span {
        std::int64_t oldest = 0;
        std::int64_t latest = 0;
    };
    virtual Result<Span> span() = 0;
};

// Its own connection to the library's catalog (which must exist).
Result<std::unique_ptr<ChangeFeed>> open_change_feed(const std::filesystem::path& root, int busy_timeout_ms);

}  // namespace wt::catalog
