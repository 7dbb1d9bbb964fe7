#include "app/core/team_spool.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <set>
#include <system_error>

#include <fmt/format.h>

#include "app/core/acting_person.hpp"
#include "app/core/publishing.hpp"

namespace wt::app {

namespace fs = std::filesystem;

namespace {

fs::path spools_dir() { return remote::outbox_dir().parent_path() / "spool"; }

// Whether a folder holds any file at all (an interrupted recording in incoming/, a finished one in media/).
bool holds_files(const fs::path& dir) {
    std::error_code ec;
    for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        if (it->is_regular_file(ec)) return true;
    }
    return false;
}

bool spool_waiting(const fs::path& root) { return holds_files(root / "incoming") || holds_files(root / "media"); }

// Every recording of a library, all pages.
Result<std::vector<catalog::Recording>> all_recordings(catalog::Library& lib) {
    std::vector<catalog::Recording> all;
    catalog::ListFilter page;
    page.limit = 500;
    for (;;) {
        auto rows = lib.list(page);
        if (!rows) return std::unexpected(rows.error());
        all.insert(all.end(), rows->begin(), rows->end());
        if (static_cast<int>(rows->size()) < page.limit) return all;
        page.offset += page.limit;
    }
}

}  // namespace

fs::path spool_root(const std::string& connection) { return spools_dir() / connection; }

Result<std::unique_ptr<catalog::Library>> open_spool(const remote::SavedServer& server, Recovered& recovered) {
    const fs::path root = spool_root(server.name);
    std::error_code ec;
    fs::create_directories(root, ec);
    if (ec) {
        return fail(ErrorCode::io, fmt::format("cannot make the folder where recordings for '{}' are made ({}): {}",
                                               server.name, root.string(), ec.message()));
    }
    // Only its owner reads what is recorded there, as the outbox.
    fs::permissions(spools_dir(), fs::perms::owner_all, ec);
    fs::permissions(root, fs::perms::owner_all, ec);
    auto lib = catalog::open_library(root, acting_person_options(server.person));
    if (!lib) return lib;
    recovered = recover_interrupted(**lib, root);
    return lib;
}

namespace {

// An exclusive lock on a spool while its recordings move to the outbox: two processes draining
// it at once (a command and the background sender) would otherwise queue one recording twice.
class SpoolLock {
public:
    explicit SpoolLock(const fs::path& root)
        : fd_(::open((root / "queue.lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600)) {
        if (fd_ >= 0 && ::flock(fd_, LOCK_EX) != 0) {
            ::close(fd_);
            fd_ = -1;
        }
    }
    ~SpoolLock() {
        if (fd_ >= 0) ::close(fd_);  // closing lets go of the lock
    }
    SpoolLock(const SpoolLock&) = delete;
    SpoolLock& operator=(const SpoolLock&) = delete;
    bool held() const { return fd_ >= 0; }

private:
    int fd_;
};

}  // namespace

Result<std::vector<remote::Outgoing>> queue_spooled(catalog::Library& spool, const std::string& connection) {
    SpoolLock lock(spool_root(connection));
    if (!lock.held()) {
        return fail(ErrorCode::io, fmt::format("cannot lock the folder of recordings waiting for '{}' ({})",
                                               connection, spool_root(connection).string()));
    }
    auto recordings = all_recordings(spool);
    if (!recordings) return std::unexpected(recordings.error());
    std::set<std::string> in_outbox;
    for (const auto& o : remote::outbox()) in_outbox.insert(o.source);

    std::vector<remote::Outgoing> queued;
    const std::string root = spool_root(connection).string();
    for (const auto& rec : *recordings) {
        if (!in_outbox.contains(outbox_source(root, rec.id))) {
            auto entry = queue_for_team(spool, root, rec.id, connection);
            if (!entry) return std::unexpected(entry.error());
            queued.push_back(std::move(*entry));
        }
        // The outbox has its own copy (a hard link): the spool lets go of it.
        if (auto removed = spool.remove(rec.id); !removed) return std::unexpected(removed.error());
    }
    return queued;
}

bool spools_waiting() {
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(spools_dir(), ec)) {
        if (e.is_directory(ec) && spool_waiting(e.path())) return true;
    }
    return false;
}

std::vector<std::string> drain_spools() {
    std::vector<std::string> problems;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(spools_dir(), ec)) {
        if (!e.is_directory(ec) || !spool_waiting(e.path())) continue;
        const std::string name = e.path().filename().string();
        auto saved = remote::find_server(name);
        if (!saved) {
            problems.push_back(fmt::format("recordings for '{}' wait in {}, but this computer is no longer connected "
                                           "to it; connect again with `walkthrough connect URL CODE --name {}`",
                                           name, e.path().string(), name));
            continue;
        }
        Recovered recovered;
        auto spool = open_spool(*saved, recovered);
        if (!spool) {
            problems.push_back(spool.error().message);
            continue;
        }
        for (const auto& p : recovered.problems) problems.push_back(p);
        if (auto queued = queue_spooled(**spool, name); !queued) problems.push_back(queued.error().message);
    }
    return problems;
}

}  // namespace wt::app
