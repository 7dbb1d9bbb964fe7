#include <fmt/format.h>

#include "catalog/library_impl.hpp"

namespace wt::catalog {

const char* const k_comment_columns =
    "c.id, r.id, coalesce(a.guest_name, a.name), (SELECT id FROM comments WHERE seq = c.parent_seq), "
    "(SELECT id FROM comments WHERE seq = c.thread_seq), c.at_ms, c.body, c.created_at, c.edited_at, "
    "c.resolved_at, (SELECT name FROM people WHERE seq = c.resolved_by_seq), a.share_seq IS NOT NULL ";

Comment read_comment(const sql::Statement& st) {
    Comment c;
    c.id = st.text(0);
    c.recording_id = st.text(1);
    c.author = st.text(2);
    c.parent_id = st.text(3);
    c.thread_id = st.text(4);
    c.at_ms = st.opt_int64(5);
    c.body = st.text(6);
    c.created_at = st.int64(7);
    c.edited_at = st.opt_int64(8);
    c.resolved_at = st.opt_int64(9);
    c.resolved_by = st.text(10);
    c.author_guest = st.int64(11) != 0;
    return c;
}

Result<Comment> SqliteLibrary::load_comment(std::int64_t seq) {
    auto st =
        db_.prepare(fmt::format("SELECT {} FROM comments c JOIN recordings r ON r.seq = c.recording_seq "
                                "JOIN people a ON a.seq = c.author_seq WHERE c.seq = ?",
                                k_comment_columns));
    if (!st) return std::unexpected(st.error());
    st->bind(seq);
    auto row = st->step();
    if (!row) return std::unexpected(row.error());
    if (!*row) return fail(ErrorCode::not_found, "the comment was deleted meanwhile");
    return read_comment(*st);
}

Result<Comment> SqliteLibrary::comment(const NewComment& in) {
    if (in.body.find_first_not_of(" \t\r\n") == std::string::npos) {
        return fail(ErrorCode::invalid_input, "a comment needs some text; nothing was saved");
    }
    if (in.body.size() > 100 * 1024) {
        return fail(ErrorCode::invalid_input,
                    fmt::format("a comment is limited to 100 kB (this one is {} kB); nothing was saved",
                                in.body.size() / 1024));
    }
    auto tx = sql::Transaction::begin(db_);
    if (!tx) return std::unexpected(tx.error());
    auto rec = resolve_recording(in.recording);
    if (!rec) return std::unexpected(rec.error());
    auto info = load_recording(rec->seq);
    if (!info) return std::unexpected(info.error());
    if (in.at_ms && info->duration_ms > 0 && *in.at_ms > info->duration_ms) {
        return fail(ErrorCode::invalid_input,
                    fmt::format("{} is past the end of '{}' ({} long); nothing was saved",
                                format_moment_exact(*in.at_ms), info->title, format_moment_exact(info->duration_ms)));
    }
    std::optional<std::int64_t> parent_seq, thread_seq;
    if (in.reply_to) {
        auto parent = resolve_comment(*in.reply_to);
        if (!parent) return std::unexpected(parent.error());
        auto st = db_.prepare("SELECT recording_seq, thread_seq FROM comments WHERE seq = ?");
        if (!st) return std::unexpected(st.error());
        st->bind(parent->seq);
        auto row = st->step();
        if (!row) return std::unexpected(row.error());
        if (!*row) return fail(ErrorCode::not_found, "the comment was deleted meanwhile");
        if (st->int64(0) != rec->seq) {
            return fail(
                ErrorCode::invalid_input,
                fmt::format("comment {} belongs to another recording; reply on that recording instead", parent->id));
        }
        parent_seq = parent->seq;
        thread_seq = st->int64(1);
    }
    auto ins = db_.prepare(
        "INSERT INTO comments(id, recording_seq, author_seq, parent_seq, thread_seq, at_ms, body, "
        "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    if (!ins) return std::unexpected(ins.error());
    std::string id = new_id();
    ins->bind(id, rec->seq, me_seq_, parent_seq, thread_seq, in.at_ms, in.body, now());
    if (auto r = ins->run(); !r) return std::unexpected(r.error());
    std::int64_t seq = sqlite3_last_insert_rowid(db_.handle());
    if (!thread_seq) {  // a new thread: the comment is its own root
        auto root = db_.prepare("UPDATE comments SET thread_seq = seq WHERE seq = ?");
        if (!root) return std::unexpected(root.error());
        if (auto r = root->bind(seq).run(); !r) return std::unexpected(r.error());
    }
    if (auto r = tx->commit(); !r) return std::unexpected(r.error());
    return load_comment(seq);
}

Result<std::vector<Comment>> SqliteLibrary::comments(const Ref& ref) {
    auto rec = resolve_recording(ref);
    if (!rec) return std::unexpected(rec.error());
    // Threads in the order of the video (whole-video remarks first), replies in the order written.
    auto st = db_.prepare(fmt::format(
        "SELECT {} FROM comments c JOIN recordings r ON r.seq = c.recording_seq JOIN people a ON a.seq = c.author_seq "
        "JOIN comments root ON root.seq = c.thread_seq WHERE c.recording_seq = ? "
        "ORDER BY coalesce(root.at_ms, -1), root.seq, c.parent_seq IS NOT NULL, c.seq",
        k_comment_columns));
    if (!st) return std::unexpected(st.error());
    st->bind(rec->seq);
    return st->collect([&](const sql::Statement& row) { return read_comment(row); });
}

Result<Comment> SqliteLibrary::get_comment(const Ref& ref) {
    auto c = resolve_comment(ref);
    if (!c) return std::unexpected(c.error());
    return load_comment(c->seq);
}

Result<Comment> SqliteLibrary::resolve(const Ref& ref) {
    auto c = resolve_comment(ref);
    if (!c) return std::unexpected(c.error());
    // Resolving is about the conversation: a reply resolves its whole thread.
    auto st = db_.prepare(
        "UPDATE comments SET resolved_at = ?, resolved_by_seq = ? "
        "WHERE seq = (SELECT thread_seq FROM comments WHERE seq = ?) AND resolved_at IS NULL");
    if (!st) return std::unexpected(st.error());
    if (auto r = st->bind(now(), me_seq_, c->seq).run(); !r) return std::unexpected(r.error());
    auto root = db_.prepare("SELECT thread_seq FROM comments WHERE seq = ?");
    if (!root) return std::unexpected(root.error());
    root->bind(c->seq);
    auto row = root->step();
    if (!row) return std::unexpected(row.error());
    if (!*row) return fail(ErrorCode::not_found, "the comment was deleted meanwhile");
    return load_comment(root->int64(0));
}

Result<Inbox> SqliteLibrary::inbox() {
    Inbox out;
    auto window_text = setting("response_window_hours", "24");
    if (!window_text) return std::unexpected(window_text.error());
    out.response_window_hours = std::atoi(window_text->c_str());
    const std::int64_t window_ms = std::int64_t{out.response_window_hours} * 3600 * 1000;
    auto count = db_.prepare("SELECT count(*) FROM waiting WHERE person_seq = ?");
    if (!count) return std::unexpected(count.error());
    count->bind(me_seq_);
    if (auto row = count->step(); !row) return std::unexpected(row.error());
    out.total = count->int64(0);
    // The waiting table (schema v3) holds exactly the comments that wait for someone's answer.
    auto st =
        db_.prepare(fmt::format("SELECT {}, r.title, w.reason FROM waiting w JOIN comments c ON c.seq = w.comment_seq "
                                "JOIN recordings r ON r.seq = c.recording_seq JOIN people a ON a.seq = c.author_seq "
                                "WHERE w.person_seq = ? ORDER BY w.created_at, w.comment_seq LIMIT 500",
                                k_comment_columns));
    if (!st) return std::unexpected(st.error());
    st->bind(me_seq_);
    const EpochMs at = now();
    auto items = st->collect([&](const sql::Statement& row) {
        InboxItem item;
        item.comment = read_comment(row);
        item.recording_title = row.text(12);
        item.reason = row.text(13);
        item.age_ms = at - item.comment.created_at;
        item.overdue = item.age_ms > window_ms;
        return item;
    });
    if (!items) return std::unexpected(items.error());
    out.items = std::move(*items);
    return out;
}

}  // namespace wt::catalog
