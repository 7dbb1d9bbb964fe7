#include <algorithm>

#include <fmt/format.h>

#include "catalog/files.hpp"
#include "catalog/library_impl.hpp"

namespace wt::catalog {

// Tags come back joined with the unit separator, which no typed tag contains.
const char* const k_recording_columns =
    "r.id, r.title, r.description, r.kind, p.name, r.created_at, r.duration_ms, r.width, r.height, "
    "r.size_bytes, r.video_codec, r.audio_codec, r.media_path, r.thumbnail_path, r.status, r.note, "
    "(SELECT group_concat(t.name, char(31)) FROM recording_tags rt JOIN tags t ON t.seq = rt.tag_seq "
    "  WHERE rt.recording_seq = r.seq), "
    "(SELECT count(*) FROM comments c WHERE c.recording_seq = r.seq), "
    "(SELECT count(*) FROM comments c WHERE c.recording_seq = r.seq AND c.parent_seq IS NULL "
    "  AND c.resolved_at IS NULL) ";

namespace {
Status parse_status(const std::string& s) {
    if (s == "recording") return Status::recording;
    if (s == "recovered") return Status::recovered;
    if (s == "failed") return Status::failed;
    return Status::ready;
}
}  // namespace

Recording read_recording(const sql::Statement& st) {
    Recording r;
    r.id = st.text(0);
    r.title = st.text(1);
    r.description = st.text(2);
    r.kind = st.text(3) == "training" ? Kind::training : Kind::walkthrough;
    r.author = st.text(4);
    r.created_at = st.int64(5);
    r.duration_ms = st.int64(6);
    r.width = static_cast<int>(st.int64(7));
    r.height = static_cast<int>(st.int64(8));
    r.size_bytes = st.int64(9);
    r.video_codec = st.text(10);
    r.audio_codec = st.text(11);
    r.media_path = st.text(12);
    r.thumbnail_path = st.text(13);
    r.status = parse_status(st.text(14));
    r.note = st.text(15);
    std::string tags = st.text(16);
    for (size_t start = 0; !tags.empty() && start <= tags.size();) {
        size_t end = tags.find('\x1f', start);
        if (end == std::string::npos) end = tags.size();
        r.tags.push_back(tags.substr(start, end - start));
        start = end + 1;
    }
    std::sort(r.tags.begin(), r.tags.end());
    r.comment_count = static_cast<int>(st.int64(17));
    r.open_comment_count = static_cast<int>(st.int64(18));
    return r;
}

Result<Recording> SqliteLibrary::load_recording(std::int64_t seq) {
    auto st =
        db_.prepare(fmt::format("SELECT {} FROM recordings r JOIN people p ON p.seq = r.author_seq "
                                "WHERE r.seq = ?",
                                k_recording_columns));
    if (!st) return std::unexpected(st.error());
    st->bind(seq);
    auto row = st->step();
    if (!row) return std::unexpected(row.error());
    if (!*row) return fail(ErrorCode::not_found, "the recording was deleted meanwhile");
    return read_recording(*st);
}

Result<Recording> SqliteLibrary::get(const Ref& ref) {
    auto r = resolve_recording(ref);
    if (!r) return std::unexpected(r.error());
    return load_recording(r->seq);
}

Result<std::vector<Recording>> SqliteLibrary::list(const ListFilter& f) {
    std::string where = "1";
    std::optional<std::int64_t> author_seq, assignee_seq;
    if (f.kind) where += fmt::format(" AND r.kind = '{}'", to_string(*f.kind));
    if (f.author) {
        auto p = resolve_person(*f.author);
        if (!p) return std::unexpected(p.error());
        author_seq = p->first;
        where += " AND r.author_seq = :author";
    }
    if (f.assigned_to) {
        auto p = resolve_person(*f.assigned_to);
        if (!p) return std::unexpected(p.error());
        assignee_seq = p->first;
        where +=
            " AND EXISTS (SELECT 1 FROM assignments a WHERE a.recording_seq = r.seq AND a.assignee_seq = :assignee)";
    }
    // With a tag, the page is read newest-first off recording_tags' (tag, created_at) index, which
    // stays fast for rare tags; otherwise off recordings' created_at index.
    std::string from = "recordings r";
    std::string order = "r.created_at DESC, r.seq DESC";
    if (f.tag) {
        from = "recording_tags rt JOIN recordings r ON r.seq = rt.recording_seq";
        where += " AND rt.tag_seq = (SELECT seq FROM tags WHERE name = :tag)";
        order = "rt.created_at DESC, rt.recording_seq DESC";
    }
    if (f.unwatched) {
        where +=
            " AND NOT EXISTS (SELECT 1 FROM views v WHERE v.recording_seq = r.seq AND v.person_seq = :me "
            "AND v.watched_at IS NOT NULL)";
    }
    // The page's recordings are chosen first, from the index alone where the filter allows, and
    // only the page's rows are read and counted: the rows an offset skips cost an index step each.
    // recording_tags.created_at is its recording's, so the outer order is the inner one.
    auto st = db_.prepare(
        fmt::format("SELECT {} FROM (SELECT r.seq AS seq FROM {} WHERE {} ORDER BY {} LIMIT :limit OFFSET :offset) "
                    "page JOIN recordings r ON r.seq = page.seq JOIN people p ON p.seq = r.author_seq "
                    "ORDER BY r.created_at DESC, r.seq DESC",
                    k_recording_columns, from, where, order));
    if (!st) return std::unexpected(st.error());
    if (author_seq) st->bind_named(":author", *author_seq);
    if (assignee_seq) st->bind_named(":assignee", *assignee_seq);
    if (f.tag) {
        auto tag = checked_tag(*f.tag);
        if (!tag) return std::unexpected(tag.error());
        st->bind_named(":tag", *tag);
    }
    st->bind_named(":me", me_seq_);
    st->bind_named(":limit", std::clamp(f.limit, 1, 10000));
    st->bind_named(":offset", std::max(f.offset, 0));
    return st->collect([&](const sql::Statement& row) { return read_recording(row); });
}

Result<std::string> checked_tag(const std::string& raw) {
    auto b = raw.find_first_not_of(" \t\r\n#");
    auto e = raw.find_last_not_of(" \t\r\n");
    std::string tag = b == std::string::npos ? std::string() : raw.substr(b, e - b + 1);
    if (tag.empty()) return fail(ErrorCode::invalid_input, "a tag cannot be empty");
    if (tag.size() > 100) return fail(ErrorCode::invalid_input, "a tag is limited to 100 bytes");
    for (unsigned char c : tag) {
        if (c < 0x20 || c == 0x7f) return fail(ErrorCode::invalid_input, "a tag cannot contain control characters");
    }
    return tag;
}

Result<void> SqliteLibrary::set_tags(std::int64_t recording_seq, const std::vector<std::string>& add,
                                     const std::vector<std::string>& remove) {
    for (const auto& raw : add) {
        auto checked = checked_tag(raw);
        if (!checked) return std::unexpected(checked.error());
        const std::string& tag = *checked;
        auto ins = db_.prepare("INSERT INTO tags(name) VALUES (?) ON CONFLICT(name) DO NOTHING");
        if (!ins) return std::unexpected(ins.error());
        if (auto r = ins->bind(tag).run(); !r) return r;
        auto link = db_.prepare(
            "INSERT OR IGNORE INTO recording_tags(recording_seq, tag_seq, created_at) "
            "SELECT ?1, seq, (SELECT created_at FROM recordings WHERE seq = ?1) FROM tags "
            "WHERE name = ?2");
        if (!link) return std::unexpected(link.error());
        if (auto r = link->bind(recording_seq, tag).run(); !r) return r;
    }
    for (const auto& raw : remove) {
        auto checked = checked_tag(raw);
        if (!checked) return std::unexpected(checked.error());
        const std::string& tag = *checked;
        auto del = db_.prepare(
            "DELETE FROM recording_tags WHERE recording_seq = ? AND "
            "tag_seq = (SELECT seq FROM tags WHERE name = ?)");
        if (!del) return std::unexpected(del.error());
        if (auto r = del->bind(recording_seq, tag).run(); !r) return r;
        if (db_.changes() == 0) {
            return fail(ErrorCode::not_found, fmt::format("the recording has no tag '{}'", tag));
        }
    }
    // The search index reads tags from this column (see schema v2).
    auto sync = db_.prepare(
        "UPDATE recordings SET tags_text = coalesce((SELECT group_concat(t.name, ' ') "
        "FROM recording_tags rt JOIN tags t ON t.seq = rt.tag_seq WHERE rt.recording_seq = ?1), '') "
        "WHERE seq = ?1");
    if (!sync) return std::unexpected(sync.error());
    if (auto r = sync->bind(recording_seq).run(); !r) return r;
    if (!remove.empty()) {
        if (auto r = db_.exec("DELETE FROM tags WHERE NOT EXISTS (SELECT 1 FROM recording_tags rt "
                              "WHERE rt.tag_seq = tags.seq)");
            !r)
            return r;
    }
    return {};
}

std::string dated_title(EpochMs at) { return "Recording " + format_local_time(at); }

Result<Recording> SqliteLibrary::edit(const Ref& ref, const RecordingEdit& e) {
    auto tx = sql::Transaction::begin(db_);
    if (!tx) return std::unexpected(tx.error());
    auto rec = resolve_recording(ref);
    if (!rec) return std::unexpected(rec.error());
    if (e.title) {
        auto st = db_.prepare("UPDATE recordings SET title = ? WHERE seq = ?");
        if (!st) return std::unexpected(st.error());
        bool blank = e.title->find_first_not_of(" \t\r\n") == std::string::npos;
        if (auto r = st->bind(blank ? dated_title(now()) : *e.title, rec->seq).run(); !r)
            return std::unexpected(r.error());
    }
    if (e.description) {
        auto st = db_.prepare("UPDATE recordings SET description = ? WHERE seq = ?");
        if (!st) return std::unexpected(st.error());
        if (auto r = st->bind(*e.description, rec->seq).run(); !r) return std::unexpected(r.error());
    }
    if (e.kind) {
        auto st = db_.prepare("UPDATE recordings SET kind = ? WHERE seq = ?");
        if (!st) return std::unexpected(st.error());
        if (auto r = st->bind(to_string(*e.kind), rec->seq).run(); !r) return std::unexpected(r.error());
    }
    if (!e.add_tags.empty() || !e.remove_tags.empty()) {
        if (auto r = set_tags(rec->seq, e.add_tags, e.remove_tags); !r) return std::unexpected(r.error());
    }
    if (auto r = tx->commit(); !r) return std::unexpected(r.error());
    return load_recording(rec->seq);
}

std::string aac_copy_path(const Recording& rec) { return "media/" + rec.id + ".aac.mp4"; }

namespace {

// Removes the files a recording's row names and its AAC copy, if a server made one (never anything
// outside media/); what cannot be removed is added to `left`.
void remove_recording_files(const std::filesystem::path& root, const Recording& rec,
                            std::vector<std::filesystem::path>& left) {
    for (const auto& stored : {rec.media_path, rec.thumbnail_path, aac_copy_path(rec)}) {
        if (stored.empty()) continue;
        auto file = stored_media_file(root, stored);
        if (!file) continue;  // a damaged row: its path names nothing of the library's
        std::error_code ec;
        if (!std::filesystem::remove(*file, ec) && ec) left.push_back(*file);
    }
}

}  // namespace

Result<Removal> SqliteLibrary::remove_row(const Ref& ref) {
    Removal out;
    // Resolved inside the write transaction, so the row deleted is the one that was named.
    auto tx = sql::Transaction::begin(db_);
    if (!tx) return std::unexpected(tx.error());
    auto rec = resolve_recording(ref);
    if (!rec) return std::unexpected(rec.error());
    auto gone = load_recording(rec->seq);
    if (!gone) return std::unexpected(gone.error());
    out.recording = std::move(*gone);
    auto st = db_.prepare("DELETE FROM recordings WHERE seq = ?");
    if (!st) return std::unexpected(st.error());
    if (auto r = st->bind(rec->seq).run(); !r) return std::unexpected(r.error());
    if (auto r = db_.exec("DELETE FROM tags WHERE NOT EXISTS (SELECT 1 FROM recording_tags rt "
                          "WHERE rt.tag_seq = tags.seq)");
        !r)
        return std::unexpected(r.error());
    if (auto r = tx->commit(); !r) return std::unexpected(r.error());
    return out;
}

Result<Removal> SqliteLibrary::remove(const Ref& ref) {
    auto out = remove_row(ref);
    if (!out && db_.disk_full()) return remove_files_first(ref);
    if (!out) return out;
    // Files go only after the catalog no longer points at them: a failure here leaves a file
    // behind (reported, and removed as a leftover when the library is next opened), never a
    // catalog entry without its media.
    remove_recording_files(root_, out->recording, out->files_left);
    return out;
}

Result<Removal> SqliteLibrary::remove_files_first(const Ref& ref) {
    // The disk is full: the catalog cannot even log the change, and the recording's own files are
    // the space it needs. They go first. Killed before the row goes, the entry is left without its
    // video, which `doctor` reports and a second `delete` removes; no other recording is touched.
    auto rec = get(ref);
    if (!rec) return std::unexpected(rec.error());
    std::vector<std::filesystem::path> left;
    remove_recording_files(root_, *rec, left);
    auto out = remove_row(rec->id);
    if (!out) {
        return fail(out.error().code,
                    fmt::format("the disk is full: the files of {} were removed to make room, but the catalog entry "
                                "could not be ({}); free some more space and run `walkthrough delete {}` again",
                                rec->id, out.error().message, rec->id));
    }
    out->files_left = std::move(left);
    return out;
}

}  // namespace wt::catalog
