// What interrupted imports and deletes leave in <library>/media/, and recordings whose video is
// not there: found, cleaned (only what a dead process left) and reported for `doctor`.
//
// How a live writer is told from a dead one: every file an import writes there belongs to the
// recording's id ("<id>.mp4", "<id>.jpg", "<id>.mp4.<pid>-<n>.part"), and while the import runs
// one file of that id is locked (flock) by it — the kernel lets go when the process dies. The
// thumbnail writer's short-lived "*.part" is not locked but carries its pid. So the files of an id
// with no catalog row are left over when none of them is locked, no "*.part" among them belongs to
// a live process, no new file of that id appeared meanwhile, and the row is still absent once their
// locks are held (an import commits its row before it lets go).
#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <map>
#include <set>

#include <fmt/format.h>

#include "catalog/files.hpp"
#include "catalog/library_impl.hpp"

namespace fs = std::filesystem;

namespace wt::catalog {
namespace {

// An unlocked "*.part" of a live process is taken for abandoned after this long without a write
// (its pid was reused, or it was written by a build that did not lock them).
constexpr std::int64_t k_stale_part_seconds = 10 * 60;

bool looks_like_id(std::string_view s) {
    if (s.size() != 10) return false;
    for (char c : s) {
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z'))) return false;
    }
    return true;
}

bool is_part(const std::string& name) { return name.ends_with(".part"); }

// The pid in "<...>.<pid>-<n>.part"; 0 when there is none.
pid_t part_owner(const std::string& name) {
    std::string_view s(name);
    s.remove_suffix(5);
    s = s.substr(s.rfind('.') + 1);
    const auto dash = s.find('-');
    if (dash == std::string_view::npos) return 0;
    pid_t pid = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + dash, pid);
    return ec == std::errc() && end == s.data() + dash ? pid : 0;
}

bool process_alive(pid_t pid) { return ::kill(pid, 0) == 0 || errno == EPERM; }

struct Found {
    fs::path path;
    std::string name;
    std::int64_t bytes = 0;
    std::int64_t idle_seconds = 0;  // since the last write
};

// The regular files in `media` whose names start with a recording id, by id.
std::map<std::string, std::vector<Found>> files_by_id(const fs::path& media) {
    std::map<std::string, std::vector<Found>> out;
    std::error_code ec;
    const auto now = ::time(nullptr);
    for (const auto& e : fs::directory_iterator(media, ec)) {
        const std::string name = e.path().filename().string();
        const std::string id = name.substr(0, name.find('.'));
        struct stat st {};
        if (!looks_like_id(id) || ::lstat(e.path().c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
        out[id].push_back({e.path(), name, st.st_size, now - st.st_mtime});
    }
    return out;
}

// A file opened only to hold, or test for, its lock.
class Held {
public:
    explicit Held(const fs::path& p) : fd_(::open(p.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)) {
        if (fd_ < 0)
            error_ = errno;
        else if (::flock(fd_, LOCK_EX | LOCK_NB) == 0)
            locked_ = true;
    }
    Held(Held&& o) noexcept : fd_(std::exchange(o.fd_, -1)), locked_(o.locked_), error_(o.error_) {}
    Held& operator=(Held&&) = delete;
    ~Held() {
        if (fd_ >= 0) ::close(fd_);
    }
    bool locked() const { return locked_; }
    int error() const { return error_; }

private:
    int fd_ = -1;
    bool locked_ = false;
    int error_ = 0;
};

// Why `f` must stay, or empty when the process that wrote it is gone. Holds its lock in `held`.
std::string in_use(const Found& f, std::vector<Held>& held) {
    Held h(f.path);
    if (h.error() != 0) return fmt::format("cannot be checked ({})", std::strerror(h.error()));
    if (!h.locked()) return "being written by a running import";
    held.push_back(std::move(h));
    if (is_part(f.name) && f.idle_seconds < k_stale_part_seconds) {
        const pid_t owner = part_owner(f.name);
        if (owner == 0) return "recently written (by an older walkthrough?)";
        if (process_alive(owner)) return fmt::format("being written by a running process ({})", owner);
    }
    return {};
}

}  // namespace

Result<void> SqliteLibrary::sweep_leftovers(std::vector<FileProblem>* kept) {
    const fs::path media = root_ / "media";
    std::optional<std::map<std::string, std::vector<Found>>> again;  // listed once more if needed
    auto owner = db_.prepare("SELECT 1 FROM recordings WHERE id = ?");
    if (!owner) return std::unexpected(owner.error());
    auto has_row = [&](const std::string& id) {
        owner->reset();
        return owner->bind(id).step();
    };
    auto remove = [&](const Found& f) {
        std::error_code ec;
        if (fs::remove(f.path, ec)) {
            ++cleaned_;
            cleaned_bytes_ += f.bytes;
        } else if (ec && kept) {
            kept->push_back({"", f.path, f.bytes,
                             fmt::format("left over, but cannot be removed ({}); remove it by "
                                         "hand",
                                         ec.message())});
        }
    };
    for (const auto& [id, files] : files_by_id(media)) {
        auto owned = has_row(id);
        if (!owned) return std::unexpected(owned.error());
        std::vector<Held> held;
        std::string busy;
        if (*owned) {
            // A recording's own files stay; only temporary files of dead writers go.
            for (const auto& f : files) {
                if (!is_part(f.name)) continue;
                if (auto why = in_use(f, held); why.empty())
                    remove(f);
                else if (kept)
                    kept->push_back({id, f.path, f.bytes, why});
            }
            continue;
        }
        for (const auto& f : files) {
            if (auto why = in_use(f, held); !why.empty() && busy.empty()) busy = why;
        }
        if (busy.empty()) {
            // An import renames its file in after locking its temporary one: a second look sees
            // that one too, or the import has committed its row.
            if (!again) again = files_by_id(media);
            auto now = again->find(id);
            std::set<std::string> before, after;
            for (const auto& f : files) before.insert(f.name);
            if (now != again->end())
                for (const auto& f : now->second) after.insert(f.name);
            if (before != after) busy = "changing while it was checked";
        }
        if (busy.empty()) {
            auto owned_now = has_row(id);
            if (!owned_now) return std::unexpected(owned_now.error());
            if (*owned_now) continue;
            for (const auto& f : files) remove(f);
        } else if (kept) {
            for (const auto& f : files) kept->push_back({"", f.path, f.bytes, busy});
        }
    }
    return {};
}

Result<FilesReport> SqliteLibrary::check_files() {
    FilesReport report;
    if (auto r = sweep_leftovers(&report.leftovers); !r) return std::unexpected(r.error());
    report.cleaned = cleaned_;
    report.cleaned_bytes = cleaned_bytes_;

    auto st = db_.prepare(
        "SELECT id, media_path, size_bytes FROM recordings WHERE status <> 'recording' "
        "ORDER BY created_at, seq");
    if (!st) return std::unexpected(st.error());
    for (;;) {
        auto row = st->step();
        if (!row) return std::unexpected(row.error());
        if (!*row) break;
        const std::string id = st->text(0);
        const std::string stored = st->text(1);
        const std::int64_t expected = st->int64(2);
        const std::string drop = fmt::format("`walkthrough delete {}` drops the entry", id);
        auto file = stored_media_file(root_, stored);
        if (!file) {
            report.broken.push_back({id, stored, 0,
                                     fmt::format("its video's stored path '{}' is not in the media "
                                                 "folder, so it is never read; {}",
                                                 stored, drop)});
            continue;
        }
        struct stat s {};
        std::string problem;
        if (::lstat(file->c_str(), &s) != 0) {
            problem = errno == ENOENT
                          ? fmt::format("its video is missing; restore {} from a backup, or {}", file->string(), drop)
                          : fmt::format("its video cannot be checked ({})", std::strerror(errno));
        } else if (!S_ISREG(s.st_mode)) {
            problem = fmt::format(
                "its video is not a regular file ({}); put the recording's file back from a "
                "backup, or {}",
                S_ISLNK(s.st_mode) ? "a symbolic link" : "a folder or device", drop);
        } else if (s.st_size != expected) {
            problem = fmt::format(
                "its video is {} bytes where the catalog says {}: it was changed or replaced; "
                "restore it from a backup, or {}",
                s.st_size, expected, drop);
        }
        if (!problem.empty()) report.broken.push_back({id, *file, s.st_size, problem});
    }
    return report;
}

}  // namespace wt::catalog
