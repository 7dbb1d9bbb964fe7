// Views (who watched how much), the watched rule, and the assignments it completes.
#include <algorithm>

#include <fmt/format.h>

#include "catalog/intervals.hpp"
#include "catalog/library_impl.hpp"

namespace wt::catalog {
namespace {

View read_view(const sql::Statement& st, std::int64_t duration_ms) {
    View v;
    v.recording_id = st.text(0);
    v.person = st.text(1);
    v.intervals = decode_intervals(st.text(2));
    v.covered_ms = st.int64(3);
    v.coverage =
        duration_ms > 0 ? std::min(1.0, static_cast<double>(v.covered_ms) / static_cast<double>(duration_ms)) : 0;
    v.last_position_ms = st.int64(4);
    v.watched_at = st.opt_int64(5);
    if (!st.is_null(6)) v.how = st.text(6) == "coverage" ? WatchedHow::coverage : WatchedHow::explicit_mark;
    v.updated_at = st.int64(7);
    v.guest = st.int64(8) != 0;
    return v;
}

constexpr const char* k_view_columns =
    "r.id, coalesce(p.guest_name, p.name), v.intervals, v.covered_ms, v.last_position_ms, v.watched_at, "
    "v.watched_how, v.updated_at, p.share_seq IS NOT NULL ";

}  // namespace

Result<View> SqliteLibrary::load_view(std::int64_t recording_seq, std::int64_t person_seq, std::int64_t duration_ms) {
    auto st =
        db_.prepare(fmt::format("SELECT {} FROM views v JOIN recordings r ON r.seq = v.recording_seq "
                                "JOIN people p ON p.seq = v.person_seq WHERE v.recording_seq = ? AND v.person_seq = ?",
                                k_view_columns));
    if (!st) return std::unexpected(st.error());
    st->bind(recording_seq, person_seq);
    auto row = st->step();
    if (!row) return std::unexpected(row.error());
    if (!*row) return fail(ErrorCode::not_found, "no view recorded yet");
    return read_view(*st, duration_ms);
}

Result<void> SqliteLibrary::complete_assignments(std::int64_t recording_seq, std::int64_t person_seq, EpochMs at) {
    auto st = db_.prepare(
        "UPDATE assignments SET completed_at = ? WHERE recording_seq = ? AND assignee_seq = ? "
        "AND completed_at IS NULL");
    if (!st) return std::unexpected(st.error());
    return st->bind(at, recording_seq, person_seq).run();
}

Result<View> SqliteLibrary::record_progress(const Ref& ref, std::int64_t from_ms, std::int64_t to_ms) {
    if (from_ms < 0 || to_ms <= from_ms) {
        return fail(ErrorCode::invalid_input,
                    fmt::format("a watched stretch runs forward from one time to a later one; got {} to {}",
                                format_moment_exact(from_ms), format_moment_exact(to_ms)));
    }
    {
        // A single stretch that starts past the end is a mistake worth naming (a batch drops it).
        auto rec_ref = resolve_recording(ref);
        if (!rec_ref) return std::unexpected(rec_ref.error());
        auto rec = load_recording(rec_ref->seq);
        if (!rec) return std::unexpected(rec.error());
        if (rec->duration_ms > 0 && from_ms >= rec->duration_ms) {
            return fail(ErrorCode::invalid_input,
                        fmt::format("{} is at or past the end of '{}' ({} long): nothing is left to watch from there",
                                    format_moment_exact(from_ms), rec->title, format_moment_exact(rec->duration_ms)));
        }
    }
    return record_progress(ref, std::vector<Interval>{{from_ms, to_ms}});
}

Result<View> SqliteLibrary::record_progress(const Ref& ref, const std::vector<Interval>& stretches) {
    if (stretches.empty()) return fail(ErrorCode::invalid_input, "give at least one watched stretch");
    for (const auto& s : stretches) {
        if (s.start_ms < 0 || s.end_ms <= s.start_ms) {
            return fail(ErrorCode::invalid_input,
                        fmt::format("a watched stretch runs forward from one time to a later one; got {} to {}",
                                    format_moment_exact(s.start_ms), format_moment_exact(s.end_ms)));
        }
    }
    auto tx = sql::Transaction::begin(db_);
    if (!tx) return std::unexpected(tx.error());
    auto rec_ref = resolve_recording(ref);
    if (!rec_ref) return std::unexpected(rec_ref.error());
    auto rec = load_recording(rec_ref->seq);
    if (!rec) return std::unexpected(rec.error());

    std::vector<Interval> set;
    std::optional<EpochMs> watched_at;
    std::optional<std::int64_t> position;
    bool counted = false;
    {
        auto st = db_.prepare(
            "SELECT intervals, watched_at, last_position_ms FROM views "
            "WHERE recording_seq = ? AND person_seq = ?");
        if (!st) return std::unexpected(st.error());
        st->bind(rec_ref->seq, me_seq_);
        auto row = st->step();
        if (!row) return std::unexpected(row.error());
        if (*row) {
            set = decode_intervals(st->text(0));
            watched_at = st->opt_int64(1);
            position = st->int64(2);
        }
    }
    for (Interval s : stretches) {
        // Players report up to the last frame's end, which may lie a little past the stated duration.
        if (rec->duration_ms > 0) {
            s.end_ms = std::min(s.end_ms, rec->duration_ms);
            if (s.start_ms >= s.end_ms) continue;
        }
        set = merge_interval(std::move(set), s);
        position = s.end_ms;
        counted = true;
    }
    if (!counted) {
        return fail(ErrorCode::invalid_input, fmt::format("every stretch given lies past the end of '{}' ({} long)",
                                                          rec->title, format_moment_exact(rec->duration_ms)));
    }
    const std::int64_t covered = covered_ms(set, rec->duration_ms);
    const EpochMs at = now();
    const bool becomes_watched = !watched_at && coverage_counts_as_watched(covered, rec->duration_ms);

    auto up = db_.prepare(
        "INSERT INTO views(recording_seq, person_seq, intervals, covered_ms, last_position_ms, watched_at, "
        "watched_how, "
        "updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) "
        "ON CONFLICT(recording_seq, person_seq) DO UPDATE SET intervals = ?3, covered_ms = ?4, last_position_ms = ?5, "
        "watched_at = coalesce(watched_at, ?6), watched_how = coalesce(watched_how, ?7), updated_at = ?8");
    if (!up) return std::unexpected(up.error());
    up->bind(rec_ref->seq, me_seq_, encode_intervals(set), covered, position.value_or(0),
             becomes_watched ? std::optional(at) : std::nullopt,
             becomes_watched ? std::optional<std::string>("coverage") : std::nullopt, at);
    if (auto r = up->run(); !r) return std::unexpected(r.error());
    if (becomes_watched) {
        if (auto r = complete_assignments(rec_ref->seq, me_seq_, at); !r) return std::unexpected(r.error());
    }
    if (auto r = tx->commit(); !r) return std::unexpected(r.error());
    return load_view(rec_ref->seq, me_seq_, rec->duration_ms);
}

Result<View> SqliteLibrary::mark_watched(const Ref& ref) {
    auto tx = sql::Transaction::begin(db_);
    if (!tx) return std::unexpected(tx.error());
    auto rec_ref = resolve_recording(ref);
    if (!rec_ref) return std::unexpected(rec_ref.error());
    auto rec = load_recording(rec_ref->seq);
    if (!rec) return std::unexpected(rec.error());
    const EpochMs at = now();
    // An earlier watched_at, however reached, is kept: it is when the person really finished.
    auto up = db_.prepare(
        "INSERT INTO views(recording_seq, person_seq, watched_at, watched_how, updated_at) "
        "VALUES (?1, ?2, ?3, 'explicit', ?3) "
        "ON CONFLICT(recording_seq, person_seq) DO UPDATE SET watched_how = coalesce(watched_how, 'explicit'), "
        "watched_at = coalesce(watched_at, ?3), updated_at = ?3");
    if (!up) return std::unexpected(up.error());
    if (auto r = up->bind(rec_ref->seq, me_seq_, at).run(); !r) return std::unexpected(r.error());
    if (auto r = complete_assignments(rec_ref->seq, me_seq_, at); !r) return std::unexpected(r.error());
    if (auto r = tx->commit(); !r) return std::unexpected(r.error());
    return load_view(rec_ref->seq, me_seq_, rec->duration_ms);
}

Result<std::vector<View>> SqliteLibrary::views(const Ref& ref) {
    auto rec_ref = resolve_recording(ref);
    if (!rec_ref) return std::unexpected(rec_ref.error());
    auto rec = load_recording(rec_ref->seq);
    if (!rec) return std::unexpected(rec.error());
    auto st =
        db_.prepare(fmt::format("SELECT {} FROM views v JOIN recordings r ON r.seq = v.recording_seq "
                                "JOIN people p ON p.seq = v.person_seq WHERE v.recording_seq = ? ORDER BY p.name",
                                k_view_columns));
    if (!st) return std::unexpected(st.error());
    st->bind(rec_ref->seq);
    return st->collect([&](const sql::Statement& row) { return read_view(row, rec->duration_ms); });
}

// ---- assignments ----

namespace {

constexpr const char* k_assignment_select =
    "SELECT a.id, r.id, r.title, p.name, b.name, a.assigned_at, a.due_on, a.completed_at, "
    "coalesce(v.covered_ms, 0), r.duration_ms FROM assignments a "
    "JOIN recordings r ON r.seq = a.recording_seq JOIN people p ON p.seq = a.assignee_seq "
    "JOIN people b ON b.seq = a.assigned_by_seq "
    "LEFT JOIN views v ON v.recording_seq = a.recording_seq AND v.person_seq = a.assignee_seq ";

Assignment read_assignment(const sql::Statement& st, const std::string& today) {
    Assignment a;
    a.id = st.text(0);
    a.recording_id = st.text(1);
    a.recording_title = st.text(2);
    a.assignee = st.text(3);
    a.assigned_by = st.text(4);
    a.assigned_at = st.int64(5);
    a.due = st.opt_text(6);
    a.completed_at = st.opt_int64(7);
    std::int64_t covered = st.int64(8), duration = st.int64(9);
    a.coverage = duration > 0 ? std::min(1.0, static_cast<double>(covered) / static_cast<double>(duration)) : 0;
    if (a.completed_at)
        a.state = AssignmentState::done;
    else if (a.due && today > *a.due)
        a.state = AssignmentState::overdue;  // ISO dates order as text
    else if (covered > 0)
        a.state = AssignmentState::in_progress;
    else
        a.state = AssignmentState::not_started;
    return a;
}

}  // namespace

Result<Assignment> SqliteLibrary::assign(const Ref& ref, const Ref& person_ref, std::optional<std::string> due) {
    if (due) {
        auto d = parse_date(*due);
        if (!d) return std::unexpected(d.error());
        due = *d;
    }
    auto tx = sql::Transaction::begin(db_);
    if (!tx) return std::unexpected(tx.error());
    auto rec = resolve_recording(ref);
    if (!rec) return std::unexpected(rec.error());
    auto who = resolve_person(person_ref);
    if (!who) return std::unexpected(who.error());
    const EpochMs at = now();
    // Re-assigning updates the due date and keeps the history (assigned_at, completion).
    auto st = db_.prepare(
        "INSERT INTO assignments(id, recording_seq, assignee_seq, assigned_by_seq, assigned_at, due_on, completed_at) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, (SELECT watched_at FROM views WHERE recording_seq = ?2 AND person_seq = ?3)) "
        "ON CONFLICT(recording_seq, assignee_seq) DO UPDATE SET due_on = ?6");
    if (!st) return std::unexpected(st.error());
    if (auto r = st->bind(new_id(), rec->seq, who->first, me_seq_, at, due).run(); !r)
        return std::unexpected(r.error());
    if (auto r = tx->commit(); !r) return std::unexpected(r.error());
    auto q = db_.prepare(std::string(k_assignment_select) + "WHERE a.recording_seq = ? AND a.assignee_seq = ?");
    if (!q) return std::unexpected(q.error());
    q->bind(rec->seq, who->first);
    auto row = q->step();
    if (!row) return std::unexpected(row.error());
    if (!*row) return fail(ErrorCode::internal, "the assignment vanished after saving");
    return read_assignment(*q, local_date(at));
}

Result<std::vector<Assignment>> SqliteLibrary::assignments(const AssignmentFilter& f) {
    const std::string today = local_date(now());
    std::string where = "WHERE 1";
    std::int64_t person_seq = 0, recording_seq = 0;
    if (f.person) {
        auto who = resolve_person(*f.person);
        if (!who) return std::unexpected(who.error());
        person_seq = who->first;
        where += " AND a.assignee_seq = :person";
    }
    if (f.recording) {
        auto rec = resolve_recording(*f.recording);
        if (!rec) return std::unexpected(rec.error());
        recording_seq = rec->seq;
        where += " AND a.recording_seq = :recording";
    }
    if (f.overdue_only) where += " AND a.completed_at IS NULL AND a.due_on < :today";
    // Overdue first, then by due date (undated last), then oldest assignment first.
    auto st = db_.prepare(std::string(k_assignment_select) + where +
                          " ORDER BY (a.completed_at IS NULL AND a.due_on < :today) DESC, a.completed_at IS NOT NULL, "
                          "a.due_on IS NULL, a.due_on, a.assigned_at, a.seq");
    if (!st) return std::unexpected(st.error());
    st->bind_named(":person", person_seq).bind_named(":recording", recording_seq).bind_named(":today", today);
    return st->collect([&](const sql::Statement& row) { return read_assignment(row, today); });
}

}  // namespace wt::catalog
