// Moving media in and out of the library: import (probe, copy, thumbnail, catalog row) and
// export (media + JSON sidecar). Files are written under a temporary name and renamed, so a
// crash never leaves a half-copied file under a real name.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "avkit/media_info.hpp"
#include "catalog/library_impl.hpp"

namespace fs = std::filesystem;

namespace wt::catalog {
namespace {

// RAII for a POSIX file descriptor.
struct Fd {
    int fd = -1;
    explicit Fd(int f) : fd(f) {}
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    ~Fd() {
        if (fd >= 0) ::close(fd);
    }
};

// Removes a path on scope exit unless released: the undo for a half-finished import.
struct RemoveOnFailure {
    fs::path path;
    ~RemoveOnFailure() {
        std::error_code ec;
        if (!path.empty()) fs::remove(path, ec);
    }
};

Error io_error(const fs::path& p, std::string_view doing, int err) {
    std::string hint = err == ENOSPC ? "; free some space and try again" : "";
    return {ErrorCode::io, fmt::format("cannot {} {} ({}){}", doing, p.string(), std::strerror(err), hint)};
}

// Copies src to dst (which must not exist), flushing to disk, reporting progress.
Result<void> copy_file(const fs::path& src, const fs::path& dst, std::int64_t total, const Progress& progress) {
    Fd in(::open(src.c_str(), O_RDONLY | O_CLOEXEC));
    if (in.fd < 0) return std::unexpected(io_error(src, "read", errno));
    Fd out(::open(dst.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644));
    if (out.fd < 0) return std::unexpected(io_error(dst, "create", errno));
    std::vector<char> buf(1 << 20);
    std::int64_t done = 0;
    for (;;) {
        ssize_t n = ::read(in.fd, buf.data(), buf.size());
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return std::unexpected(io_error(src, "read", errno));
        if (n == 0) break;
        for (ssize_t off = 0; off < n;) {
            ssize_t w = ::write(out.fd, buf.data() + off, static_cast<size_t>(n - off));
            if (w < 0 && errno == EINTR) continue;
            if (w < 0) return std::unexpected(io_error(dst, "write", errno));
            off += w;
        }
        done += n;
        if (progress && !progress(total > 0 ? 0.9 * static_cast<double>(done) / static_cast<double>(total) : 0.5,
                                  "copying into the library")) {
            return fail(ErrorCode::conflict, "cancelled; nothing was imported");
        }
    }
    if (::fsync(out.fd) != 0) return std::unexpected(io_error(dst, "flush", errno));
    return {};
}

std::string file_title(const fs::path& file) {
    std::string stem = file.stem().string();
    return stem.find_first_not_of(" \t") == std::string::npos ? std::string() : stem;
}

std::string safe_file_name(const std::string& title) {
    // Whole UTF-8 characters only, at most 80 bytes; characters file systems or shells mind become '_'.
    std::string out;
    for (size_t i = 0; i < title.size();) {
        unsigned char c = static_cast<unsigned char>(title[i]);
        size_t len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
        if (i + len > title.size() || out.size() + len > 80) break;
        if (len == 1 && (c == '/' || c == '\\' || c == ':' || c == '"' || c == '\'' || c == '*' || c == '?' ||
                         c == '<' || c == '>' || c == '|' || c < 0x20 || c == 0x7f))
            out += '_';
        else
            out.append(title, i, len);
        i += len;
    }
    if (out.empty() || out[0] == '.') out = "recording" + out;
    return out;
}

}  // namespace

Result<Recording> SqliteLibrary::import_recording(const NewRecording& in, const Progress& progress) {
    if (progress) progress(0.0, "checking the video");
    auto info = av::probe(in.file);
    if (!info) return std::unexpected(info.error());
    if (!info->has_decodable_video) {
        std::string streams;
        for (const auto& s : info->streams) streams += fmt::format("{}{} {}", streams.empty() ? "" : ", ", s.type, s.codec);
        return fail(ErrorCode::bad_media,
                    fmt::format("'{}' has no video that can be decoded (streams: {}); walkthrough keeps videos only",
                                in.file.string(), streams.empty() ? "none" : streams));
    }
    // Check everything about the entry before any file is written.
    if (in.tags.size() > 50) return fail(ErrorCode::invalid_input, "a recording can have at most 50 tags");

    const std::string id = new_id();
    std::string ext = in.file.extension().string();
    if (ext.empty() || ext.size() > 8) ext = ".mp4";
    for (auto& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    const std::string media_rel = "media/" + id + ext;
    const std::string thumb_rel = "media/" + id + ".jpg";
    const fs::path media_abs = absolute(media_rel);
    const fs::path part = media_abs.string() + ".part";

    bool moved = false;
    if (in.move_file) {
        std::error_code ec;
        fs::rename(in.file, media_abs, ec);
        moved = !ec;  // across file systems rename fails: fall back to copying
    }
    RemoveOnFailure undo_media;
    if (!moved) {
        RemoveOnFailure undo_part{part};
        if (auto r = copy_file(in.file, part, info->size_bytes, progress); !r) return std::unexpected(r.error());
        std::error_code ec;
        fs::rename(part, media_abs, ec);
        if (ec) return std::unexpected(io_error(media_abs, "create", ec.value()));
        undo_part.path.clear();
        undo_media.path = media_abs;
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
    std::string title;
    if (in.title) title = *in.title;
    else title = file_title(in.file);
    if (title.find_first_not_of(" \t\r\n") == std::string::npos) title = dated_title(created);

    auto tx = sql::Transaction::begin(db_);
    if (!tx) {
        std::error_code ec;
        if (moved) fs::rename(media_abs, in.file, ec);  // give the caller's file back
        return std::unexpected(tx.error());
    }
    auto st = db_.prepare(
        "INSERT INTO recordings(id, title, description, kind, author_seq, created_at, duration_ms, width, height, "
        "size_bytes, video_codec, audio_codec, media_path, thumbnail_path, status, note) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    if (!st) return std::unexpected(st.error());
    st->bind(id, title, in.description, to_string(in.kind), me_seq_, created, info->duration_ms, info->width,
             info->height, info->size_bytes, info->video_codec, info->audio_codec, media_rel, thumbnail,
             to_string(in.status), note);
    auto inserted = st->run();
    if (inserted && !in.tags.empty()) inserted = set_tags(sqlite3_last_insert_rowid(db_.handle()), in.tags, {});
    if (inserted) inserted = tx->commit();
    if (!inserted) {
        if (moved) {
            std::error_code ec;
            fs::rename(media_abs, in.file, ec);
        }
        return std::unexpected(inserted.error());
    }
    undo_media.path.clear();
    undo_thumb.path.clear();
    if (progress) progress(1.0, "imported");
    return get(id);
}

Result<ExportResult> SqliteLibrary::export_to(const Ref& ref, const fs::path& dest) {
    auto rec = get(ref);
    if (!rec) return std::unexpected(rec.error());
    auto thread = comments(rec->id);
    if (!thread) return std::unexpected(thread.error());
    auto watched = views(rec->id);
    if (!watched) return std::unexpected(watched.error());

    const fs::path media_src = absolute(rec->media_path);
    ExportResult out;
    std::error_code ec;
    if (fs::is_directory(dest, ec)) {
        out.media = dest / (safe_file_name(rec->title) + "-" + rec->id + media_src.extension().string());
    } else {
        if (!dest.parent_path().empty() && !fs::is_directory(dest.parent_path(), ec)) {
            return fail(ErrorCode::not_found,
                        fmt::format("the folder {} does not exist; create it or export somewhere else",
                                    dest.parent_path().string()));
        }
        out.media = dest;
        if (!out.media.has_extension()) out.media += media_src.extension();
    }
    out.sidecar = out.media;
    out.sidecar.replace_extension(".json");
    for (const auto& p : {out.media, out.sidecar}) {
        if (fs::exists(p, ec)) {
            return fail(ErrorCode::conflict, fmt::format("{} already exists; nothing was overwritten, choose another "
                                                         "destination", p.string()));
        }
    }

    nlohmann::json j;
    j["id"] = rec->id;
    j["title"] = rec->title;
    j["description"] = rec->description;
    j["kind"] = to_string(rec->kind);
    j["author"] = rec->author;
    j["created_at"] = format_iso_utc(rec->created_at);
    j["duration_ms"] = rec->duration_ms;
    j["width"] = rec->width;
    j["height"] = rec->height;
    j["size_bytes"] = rec->size_bytes;
    j["video_codec"] = rec->video_codec;
    j["audio_codec"] = rec->audio_codec;
    j["status"] = to_string(rec->status);
    j["tags"] = rec->tags;
    j["media_file"] = out.media.filename().string();
    j["comments"] = nlohmann::json::array();
    for (const auto& c : *thread) {
        nlohmann::json jc{{"id", c.id},
                          {"author", c.author},
                          {"parent_id", c.parent_id.empty() ? nlohmann::json() : nlohmann::json(c.parent_id)},
                          {"at_ms", c.at_ms ? nlohmann::json(*c.at_ms) : nlohmann::json()},
                          {"body", c.body},
                          {"created_at", format_iso_utc(c.created_at)},
                          {"resolved_at", c.resolved_at ? nlohmann::json(format_iso_utc(*c.resolved_at)) : nlohmann::json()}};
        j["comments"].push_back(std::move(jc));
    }
    j["views"] = nlohmann::json::array();
    for (const auto& v : *watched) {
        j["views"].push_back({{"person", v.person},
                              {"coverage", v.coverage},
                              {"watched_at", v.watched_at ? nlohmann::json(format_iso_utc(*v.watched_at)) : nlohmann::json()}});
    }

    const fs::path media_part = out.media.string() + ".part";
    RemoveOnFailure undo_part{media_part};
    if (auto r = copy_file(media_src, media_part, rec->size_bytes, {}); !r) return std::unexpected(r.error());
    {
        const fs::path side_part = out.sidecar.string() + ".part";
        RemoveOnFailure undo_side{side_part};
        std::ofstream f(side_part, std::ios::binary);
        f << j.dump(2) << '\n';
        f.close();
        if (!f) return std::unexpected(io_error(side_part, "write", errno ? errno : EIO));
        fs::rename(side_part, out.sidecar, ec);
        if (ec) return std::unexpected(io_error(out.sidecar, "create", ec.value()));
        undo_side.path.clear();
    }
    fs::rename(media_part, out.media, ec);
    if (ec) {
        fs::remove(out.sidecar, ec);
        return std::unexpected(io_error(out.media, "create", ec.value()));
    }
    undo_part.path.clear();
    return out;
}

}  // namespace wt::catalog
