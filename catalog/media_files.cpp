// Moving media in and out of the library: import (probe, copy, thumbnail, catalog row) and export
// (media + JSON sidecar, laid out by export.cpp), both through files.hpp so nothing is half-written
// or clobbered.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include <fmt/format.h>

#include "avkit/media_info.hpp"
#include "catalog/export.hpp"
#include "catalog/files.hpp"
#include "catalog/library_impl.hpp"

namespace fs = std::filesystem;

namespace wt::catalog {
namespace {

// Gives a moved file back to where it came from unless disarmed.
struct MoveBackOnFailure {
    fs::path from, to;
    MoveBackOnFailure() = default;
    MoveBackOnFailure(const MoveBackOnFailure&) = delete;
    MoveBackOnFailure& operator=(const MoveBackOnFailure&) = delete;
    ~MoveBackOnFailure() {
        if (!from.empty()) (void)rename_no_replace(from, to);
    }
};

std::string file_title(const fs::path& file) {
    std::string stem = file.stem().string();
    return stem.find_first_not_of(" \t") == std::string::npos ? std::string() : stem;
}

struct FdCloser {
    int fd;
    explicit FdCloser(int f) : fd(f) {}
    FdCloser(const FdCloser&) = delete;
    FdCloser& operator=(const FdCloser&) = delete;
    ~FdCloser() { ::close(fd); }
};

std::string not_the_recording(const Recording& rec, const fs::path& file, std::string_view what) {
    return fmt::format(
        "the file {} holds for {} is not the recording ({}); nothing was exported. Restore the "
        "recording's file from a backup; `walkthrough doctor` lists such recordings",
        file.string(), rec.id, what);
}

bool is_still_image(const av::MediaInfo& info) {
    // libav reads JPEG/PNG/... through image2 or the *_pipe demuxers: one picture, not a video.
    return info.container.find("image2") != std::string::npos || info.container.find("_pipe") != std::string::npos;
}

}  // namespace

Result<Recording> SqliteLibrary::import_recording(const NewRecording& in, const Progress& progress) {
    // Everything about the entry is checked before a byte is written.
    if (in.tags.size() > 50) return fail(ErrorCode::invalid_input, "a recording can have at most 50 tags");
    for (const auto& tag : in.tags) {
        if (auto t = checked_tag(tag); !t) return std::unexpected(t.error());
    }
    if (!in.id.empty()) {
        if (in.id.size() > 40 || in.id.find_first_not_of("0123456789abcdefghjkmnpqrstvwxyz") != std::string::npos) {
            return fail(ErrorCode::invalid_input, fmt::format("'{}' is not a recording id", in.id));
        }
        // Finishing a recording that is already in (a crash after it was added, before its file was
        // removed) must not add it twice.
        auto st = db_.prepare("SELECT 1 FROM recordings WHERE id = ?");
        if (!st) return std::unexpected(st.error());
        st->bind(in.id);
        auto row = st->step();
        if (!row) return std::unexpected(row.error());
        if (*row) return fail(ErrorCode::conflict, fmt::format("recording {} is already in the library", in.id));
    }
    std::int64_t author_seq = me_seq_;
    if (in.author) {
        auto author = resolve_person(*in.author);
        if (!author && author.error().code == ErrorCode::not_found) {
            // The person who recorded is not in this library (yet): they are, now.
            if (auto added = add_person(*in.author, "", ""); !added && added.error().code != ErrorCode::conflict)
                return std::unexpected(added.error());
            author = resolve_person(*in.author);
        }
        if (!author) return std::unexpected(author.error());
        author_seq = author->first;
    }
    if (progress) progress(0.0, "checking the video");
    auto info = av::probe(in.file);
    if (!info) return std::unexpected(info.error());
    if (is_still_image(*info)) {
        return fail(ErrorCode::bad_media,
                    fmt::format("'{}' is a still image ({}), not a video", in.file.string(), info->video_codec));
    }
    if (!info->has_decodable_video) {
        std::string streams;
        for (const auto& s : info->streams)
            streams += fmt::format("{}{} {}", streams.empty() ? "" : ", ", s.type, s.codec);
        return fail(ErrorCode::bad_media,
                    fmt::format("'{}' has no video that can be decoded (streams: {}); walkthrough keeps videos only",
                                in.file.string(), streams.empty() ? "none" : streams));
    }

    const std::string id = in.id.empty() ? new_id() : in.id;
    std::string ext = in.file.extension().string();
    if (ext.empty() || ext.size() > 8) ext = ".mp4";
    for (auto& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (ext == ".jpg") ext = ".mjpeg";  // <id>.jpg is the thumbnail's name
    const std::string media_rel = "media/" + id + ext;
    const std::string thumb_rel = "media/" + id + ".jpg";
    const fs::path media_abs = absolute(media_rel);

    if (!in.id.empty()) {
        // No row has this id (checked above): media under it were left by an earlier attempt to add
        // this same recording that was killed before its row was written.
        std::error_code ec;
        fs::remove(media_abs, ec);
        fs::remove(absolute(thumb_rel), ec);
    }
    // The temporary file is this import's claim on the id until its row is committed: it stays
    // locked (also once published) while this process lives, so opening the library elsewhere
    // never takes the new files for leftovers of a killed import. Declared before the undo
    // guards, it is let go after them.
    auto claim = TempFile::create(media_abs);
    if (!claim) return std::unexpected(claim.error());
    RemoveOnFailure undo_copy;
    MoveBackOnFailure undo_move;
    if (in.move_file && rename_no_replace(in.file, media_abs)) {
        undo_move.from = media_abs;
        undo_move.to = in.file;
    } else {  // copying, or moving across file systems
        if (auto r = claim->copy_from(in.file, info->size_bytes, progress, 0.9); !r) return std::unexpected(r.error());
        if (auto r = claim->publish(media_abs); !r) return std::unexpected(r.error());
        undo_copy.path = media_abs;
    }

    if (progress) progress(0.92, "making the thumbnail");
    // A missing thumbnail is cosmetic: the recording is kept and the note says why.
    std::string note = in.note;
    std::string thumbnail = thumb_rel;
    if (auto t = av::write_thumbnail(media_abs, absolute(thumb_rel)); !t) {
        thumbnail.clear();
        note += (note.empty() ? "" : "; ") + std::string("no thumbnail: ") + t.error().message;
    }
    RemoveOnFailure undo_thumb{thumbnail.empty() ? fs::path() : absolute(thumb_rel)};

    if (progress) progress(0.97, "adding to the catalog");
    const EpochMs created = now();
    std::string title = in.title ? *in.title : file_title(in.file);
    if (title.find_first_not_of(" \t\r\n") == std::string::npos) title = dated_title(created);

    auto tx = sql::Transaction::begin(db_);
    if (!tx) return std::unexpected(tx.error());
    auto st = db_.prepare(
        "INSERT INTO recordings(id, title, description, kind, author_seq, created_at, duration_ms, width, height, "
        "size_bytes, video_codec, audio_codec, media_path, thumbnail_path, status, note) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    if (!st) return std::unexpected(st.error());
    st->bind(id, title, in.description, to_string(in.kind), author_seq, created, info->duration_ms, info->width,
             info->height, info->size_bytes, info->video_codec, info->audio_codec, media_rel, thumbnail,
             to_string(in.status), note);
    if (auto r = st->run(); !r) return std::unexpected(r.error());
    if (!in.tags.empty()) {
        if (auto r = set_tags(sqlite3_last_insert_rowid(db_.handle()), in.tags, {}); !r)
            return std::unexpected(r.error());
    }
    if (auto r = tx->commit(); !r) return std::unexpected(r.error());
    undo_copy.path.clear();
    undo_move.from.clear();
    undo_thumb.path.clear();
    if (progress) progress(1.0, "imported");
    return get(id);
}

Result<ExportResult> SqliteLibrary::export_to(const Ref& ref, const fs::path& dest, const Progress& progress) {
    auto plan = plan_export(*this, ref, dest);
    if (!plan) return std::unexpected(plan.error());
    const Recording& rec = plan->recording;

    // Only the recording's own file goes out: under media/, not a link to anything else, and of
    // the size the catalog holds.
    auto media_src = stored_media_file(root_, rec.media_path);
    if (!media_src) return std::unexpected(media_src.error());
    const int source_fd = ::open(media_src->c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (source_fd < 0) {
        const int err = errno;
        if (err == ELOOP) return fail(ErrorCode::conflict, not_the_recording(rec, *media_src, "a symbolic link"));
        if (err == ENOENT) {
            return fail(ErrorCode::not_found, fmt::format("the video of {} ({}) is missing; nothing was exported. "
                                                          "`walkthrough doctor` lists such recordings",
                                                          rec.id, media_src->string()));
        }
        return std::unexpected(io_error(*media_src, "read", err));
    }
    FdCloser close_source(source_fd);
    struct stat st {};
    if (::fstat(source_fd, &st) != 0) return std::unexpected(io_error(*media_src, "read", errno));
    if (!S_ISREG(st.st_mode))
        return fail(ErrorCode::conflict, not_the_recording(rec, *media_src, "not a regular file"));
    if (st.st_size != rec.size_bytes) {
        return fail(ErrorCode::conflict,
                    not_the_recording(rec, *media_src,
                                      fmt::format("{} bytes where the catalog says {}", st.st_size, rec.size_bytes)));
    }

    auto media = TempFile::create(plan->where.media);
    if (!media) return std::unexpected(media.error());
    if (auto r = media->copy_from(source_fd, *media_src, rec.size_bytes, progress, 1.0); !r)
        return std::unexpected(r.error());
    if (auto r = finish_export(*media, *plan); !r) return std::unexpected(r.error());
    return plan->where;
}

}  // namespace wt::catalog
