#include "serve/upload_files.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "avkit/media_info.hpp"
#include "catalog/secrets.hpp"

namespace fs = std::filesystem;

namespace wt::serve::uploads {

Result<fs::path> folder(const fs::path& library) {
    const fs::path dir = library / "uploads";
    if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
        return fail(ErrorCode::io, fmt::format("the server cannot keep uploads ({}); check that the library's "
                                               "folder is writable and has room",
                                               std::strerror(errno)));
    }
    struct stat st {};
    if (::lstat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
        return fail(ErrorCode::io,
                    "the library's uploads folder is not a folder; the server's admin should remove "
                    "whatever is in its place");
    }
    return dir;
}

Result<std::string> new_upload_id() {
    // A hash of 256 random bits keeps their randomness and gives only [0-9a-f], which every router
    // and file system takes as is.
    auto secret = catalog::random_secret(32);
    if (!secret) return std::unexpected(secret.error());
    return catalog::secret_hash(*secret).substr(0, 40);
}

bool valid_upload_id(std::string_view text) {
    return text.size() == 40 && text.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

Locked open_locked(const fs::path& file, bool create) {
    Locked out;
    const int flags = O_RDWR | O_CLOEXEC | O_NOFOLLOW | (create ? O_CREAT | O_EXCL : 0);
    // As any program's new file (0666 less the umask), like an import's: the video keeps this mode
    // in media/. The uploads folder itself is private to the server.
    out.fd = UniqueFd(::open(file.c_str(), flags, 0666));
    if (out.fd.get() < 0) return out;
    if (::flock(out.fd.get(), LOCK_EX | LOCK_NB) != 0) {
        out.fd.reset();
        out.busy = true;
        return out;
    }
    // Whoever held it last may have removed it before letting go: then it is no longer this upload's.
    struct stat st {};
    if (::fstat(out.fd.get(), &st) != 0 || st.st_nlink == 0 || !S_ISREG(st.st_mode)) out.fd.reset();
    return out;
}

Result<void> write_all(int fd, std::string_view bytes) {
    while (!bytes.empty()) {
        const ssize_t n = ::write(fd, bytes.data(), bytes.size());
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            const int err = n < 0 ? errno : ENOSPC;
            return fail(ErrorCode::io, fmt::format("the server could not store the upload ({}){}", std::strerror(err),
                                                   err == ENOSPC ? "; its disk is full: tell the server's admin" : ""));
        }
        bytes.remove_prefix(static_cast<size_t>(n));
    }
    return {};
}

namespace {

// The file name the library gives a video: by what libav found in it, since an upload's own name
// (if any) is the client's word and a POST body has none.
std::string extension_for(const av::MediaInfo& info) {
    const std::string& c = info.container;
    if (c.find("mp4") != std::string::npos || c.find("mov") != std::string::npos) return ".mp4";
    if (c.find("matroska") != std::string::npos) {
        const bool web = info.video_codec == "vp8" || info.video_codec == "vp9" || info.video_codec == "av1";
        return web && (info.audio_codec.empty() || info.audio_codec == "opus" || info.audio_codec == "vorbis") ? ".webm"
                                                                                                               : ".mkv";
    }
    if (c == "mpegts") return ".ts";
    if (c == "ogg") return ".ogv";
    if (c == "avi" || c == "flv" || c == "asf") return "." + c;
    return ".video";
}

// A client's file name fit for a message: printable ASCII and no quotes, cut short.
std::string shown_name(const std::string& filename) {
    std::string out;
    for (char ch : filename.substr(0, 100)) out += (ch >= 0x20 && ch < 0x7f && ch != '\'') ? ch : '_';
    return out.empty() ? "the upload" : out;
}

std::string without_path(std::string message, const fs::path& file, const std::string& name) {
    for (const std::string& p : {fs::path(file).string()}) {
        for (auto at = message.find(p); at != std::string::npos; at = message.find(p, at + name.size())) {
            message.replace(at, p.size(), name);
        }
    }
    return message;
}

}  // namespace

Result<catalog::Recording> import_upload(catalog::Library& lib, const std::string& person_id, const fs::path& file,
                                         const Details& details) {
    fs::path named = file;
    std::error_code ec;
    auto remove_upload = [&] {
        fs::remove(named, ec);
        fs::remove(file, ec);
    };
    if (auto r = lib.act_as(person_id); !r) {
        if (r.error().code != ErrorCode::busy) remove_upload();
        return std::unexpected(r.error());
    }
    // Probed here only to name the file; the import probes it again and says what is wrong.
    if (auto info = av::probe(file)) {
        named.replace_extension(extension_for(*info));
        if (::rename(file.c_str(), named.c_str()) != 0) named = file;
    }
    catalog::NewRecording in;
    in.file = named;
    in.move_file = true;  // uploads/ and media/ share a file system: a rename
    in.title = details.title;
    if (!in.title) {
        const std::string stem = fs::path(details.filename).filename().stem().string();
        in.title = stem;  // empty: a dated title
    }
    in.description = details.description;
    in.kind = details.kind;
    in.tags = details.tags;
    auto rec = lib.import_recording(in);
    if (!rec && rec.error().code == ErrorCode::busy) {
        (void)::rename(named.c_str(), file.c_str());  // kept as it came, to try again
    } else if (!rec) {
        remove_upload();
    }
    if (!rec) {
        Error e = rec.error();
        const std::string name = shown_name(details.filename);
        e.message = without_path(without_path(e.message, named, name), file, name);
        return std::unexpected(e);
    }
    return rec;
}

namespace {

bool older_than(const fs::path& file, std::chrono::seconds age) {
    struct stat st {};
    if (::lstat(file.c_str(), &st) != 0) return true;  // gone
    return ::time(nullptr) - st.st_mtime > age.count();
}

// Removes a file unless a live request holds its lock.
bool remove_unless_locked(const fs::path& file) {
    UniqueFd fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
    if (fd.get() >= 0 && ::flock(fd.get(), LOCK_EX | LOCK_NB) != 0) return false;
    return ::unlink(file.c_str()) == 0;
}

}  // namespace

int sweep(const fs::path& library, std::chrono::seconds stale_after) {
    const fs::path dir = library / "uploads";
    struct stat st {};
    if (::lstat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) return 0;
    int removed = 0;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(dir, ec)) {
        const std::string name = e.path().filename().string();
        const std::string id = name.substr(0, name.find('.'));
        if (name.starts_with("post-")) {
            // The body of a POST whose request is over (the server was killed): no one will finish it.
            if (older_than(e.path(), std::chrono::seconds(60)) && remove_unless_locked(e.path())) ++removed;
            continue;
        }
        if (!valid_upload_id(id) || !(name.ends_with(".json") || name.ends_with(".part") || name.ends_with(".new"))) {
            continue;
        }
        const fs::path part = dir / (id + ".part"), state = dir / (id + ".json");
        if (!older_than(state, stale_after) || !older_than(part, stale_after)) continue;
        // The part's lock first: a PATCH under way keeps both.
        UniqueFd lock(::open(part.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
        if (lock.get() >= 0 && ::flock(lock.get(), LOCK_EX | LOCK_NB) != 0) continue;
        if (::unlink(state.c_str()) == 0) ++removed;
        if (::unlink(part.c_str()) == 0) ++removed;
        if (::unlink((dir / (id + ".json.new")).c_str()) == 0) ++removed;  // a state being written when killed
    }
    return removed;
}

Sweeper::Sweeper(fs::path library, std::chrono::seconds stale_after, std::chrono::seconds every)
    : library_(std::move(library)), stale_after_(stale_after), every_(every), thread_([this] { run(); }) {}

Sweeper::~Sweeper() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    thread_.join();
}

void Sweeper::run() {
    std::unique_lock lock(mutex_);
    while (!stopping_) {
        lock.unlock();
        if (int n = sweep(library_, stale_after_); n > 0) {
            const std::string line = fmt::format("walkthrough serve: removed {} file(s) of abandoned uploads\n", n);
            std::fwrite(line.data(), 1, line.size(), stderr);
        }
        lock.lock();
        wake_.wait_for(lock, every_, [this] { return stopping_; });
    }
}

}  // namespace wt::serve::uploads
