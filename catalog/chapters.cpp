// Chapters: named moments of a recording (schema v4), searchable through their own FTS5 index.
#include <fmt/format.h>

#include "catalog/library_impl.hpp"

namespace wt::catalog {

namespace {

// Titles are shown on one line and in tooltips; the limit only keeps a pasted document out.
constexpr std::size_t k_max_chapter_title = 16 * 1024;

Chapter read_chapter(const sql::Statement& st) { return Chapter{st.text(0), st.int64(1), st.text(2), st.int64(3)}; }

constexpr const char* k_chapter_select =
    "SELECT r.id, c.at_ms, c.title, c.created_at FROM chapters c JOIN recordings r ON r.seq = c.recording_seq ";

}  // namespace

Result<Chapter> SqliteLibrary::set_chapter(const Ref& ref, std::int64_t at_ms, const std::string& title) {
    if (title.find_first_not_of(" \t\r\n") == std::string::npos) {
        return fail(ErrorCode::invalid_input, "a chapter needs a title; nothing was saved");
    }
    if (title.size() > k_max_chapter_title) {
        return fail(ErrorCode::invalid_input,
                    fmt::format("a chapter title is limited to 16 kB (this one is {} kB); nothing was saved",
                                title.size() / 1024));
    }
    if (at_ms < 0) {
        return fail(ErrorCode::invalid_input, "a chapter cannot start before the video does; nothing was saved");
    }
    auto tx = sql::Transaction::begin(db_);
    if (!tx) return std::unexpected(tx.error());
    auto rec = resolve_recording(ref);
    if (!rec) return std::unexpected(rec.error());
    auto info = db_.prepare("SELECT title, duration_ms FROM recordings WHERE seq = ?");
    if (!info) return std::unexpected(info.error());
    info->bind(rec->seq);
    if (auto row = info->step(); !row) return std::unexpected(row.error());
    // A duration of 0 means unknown (a recording still being made): any moment is taken then.
    const std::int64_t duration = info->int64(1);
    if (duration > 0 && at_ms >= duration) {
        return fail(ErrorCode::invalid_input,
                    fmt::format("{} is not inside '{}', which is {} long: a chapter must start before the end; "
                                "nothing was saved",
                                format_moment_exact(at_ms), info->text(0), format_moment_exact(duration)));
    }
    auto ins = db_.prepare(
        "INSERT INTO chapters(recording_seq, at_ms, title, created_at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT(recording_seq, at_ms) DO UPDATE SET title = excluded.title");
    if (!ins) return std::unexpected(ins.error());
    if (auto r = ins->bind(rec->seq, at_ms, title, now()).run(); !r) return std::unexpected(r.error());
    auto back = db_.prepare(std::string(k_chapter_select) + "WHERE c.recording_seq = ? AND c.at_ms = ?");
    if (!back) return std::unexpected(back.error());
    back->bind(rec->seq, at_ms);
    auto row = back->step();
    if (!row) return std::unexpected(row.error());
    if (!*row) return fail(ErrorCode::internal, "the chapter just saved could not be read back");
    Chapter out = read_chapter(*back);
    if (auto r = tx->commit(); !r) return std::unexpected(r.error());
    return out;
}

Result<std::vector<Chapter>> SqliteLibrary::chapters(const Ref& ref) {
    auto rec = resolve_recording(ref);
    if (!rec) return std::unexpected(rec.error());
    auto st = db_.prepare(std::string(k_chapter_select) + "WHERE c.recording_seq = ? ORDER BY c.at_ms");
    if (!st) return std::unexpected(st.error());
    st->bind(rec->seq);
    return st->collect(read_chapter);
}

Result<Chapter> SqliteLibrary::remove_chapter(const Ref& ref, std::int64_t at_ms) {
    auto tx = sql::Transaction::begin(db_);
    if (!tx) return std::unexpected(tx.error());
    auto rec = resolve_recording(ref);
    if (!rec) return std::unexpected(rec.error());
    auto all = chapters(rec->id);
    if (!all) return std::unexpected(all.error());
    const Chapter* found = nullptr;
    for (const auto& c : *all)
        if (c.at_ms == at_ms) found = &c;
    if (!found) {
        // Name the moments there are: the one meant was probably typed a little differently.
        std::string there;
        for (std::size_t i = 0; i < all->size() && i < 12; ++i)
            there += (i ? ", " : "") + format_moment_exact((*all)[i].at_ms);
        if (all->size() > 12) there += ", …";
        return fail(ErrorCode::not_found,
                    fmt::format("recording {} has no chapter at {}; {}", rec->id, format_moment_exact(at_ms),
                                there.empty() ? "it has no chapters at all" : "its chapters are at " + there));
    }
    Chapter gone = *found;
    auto del = db_.prepare("DELETE FROM chapters WHERE recording_seq = ? AND at_ms = ?");
    if (!del) return std::unexpected(del.error());
    if (auto r = del->bind(rec->seq, at_ms).run(); !r) return std::unexpected(r.error());
    if (auto r = tx->commit(); !r) return std::unexpected(r.error());
    return gone;
}

}  // namespace wt::catalog
