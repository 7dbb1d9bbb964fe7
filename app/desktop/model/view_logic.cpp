#include "app/desktop/model/view_logic.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>

#include <fmt/format.h>

#include "common/text.hpp"
#include "common/timefmt.hpp"

namespace wt::ui {

namespace {

std::string lower(std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

using std::chrono::sys_days;
using std::chrono::year_month_day;

std::optional<year_month_day> parse_ymd(const std::string& text) {
    int y = 0;
    unsigned m = 0, d = 0;
    char tail = 0;
    if (std::sscanf(text.c_str(), "%4d-%2u-%2u%c", &y, &m, &d, &tail) != 3) return std::nullopt;
    const year_month_day ymd{std::chrono::year(y), std::chrono::month(m), std::chrono::day(d)};
    if (!ymd.ok()) return std::nullopt;
    return ymd;
}

constexpr const char* k_months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
constexpr const char* k_weekdays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};

std::string day_month(const year_month_day& d, bool with_year) {
    const unsigned day = static_cast<unsigned>(d.day());
    const char* month = k_months[static_cast<unsigned>(d.month()) - 1];
    return with_year ? fmt::format("{} {} {}", day, month, static_cast<int>(d.year()))
                     : fmt::format("{} {}", day, month);
}

int percent(double fraction) { return static_cast<int>(std::floor(std::clamp(fraction, 0.0, 1.0) * 100 + 1e-9)); }

}  // namespace

const char* to_string(Screen s) {
    switch (s) {
    case Screen::library: return "library";
    case Screen::details: return "details";
    case Screen::record: return "record";
    case Screen::player: return "player";
    case Screen::training: return "training";
    case Screen::team: return "team";
    case Screen::inbox: return "inbox";
    case Screen::settings: return "settings";
    }
    return "?";
}

const char* to_string(SortOrder s) {
    switch (s) {
    case SortOrder::newest: return "Newest first";
    case SortOrder::oldest: return "Oldest first";
    case SortOrder::title: return "Title A–Z";
    case SortOrder::longest: return "Longest first";
    case SortOrder::most_comments: return "Most comments";
    }
    return "?";
}

// ---- library ----

std::vector<std::size_t> filter_and_sort(const std::vector<catalog::Recording>& recs,
                                         const std::unordered_set<std::string>& watched, const LibraryQuery& q) {
    std::vector<std::size_t> out;
    out.reserve(recs.size());
    for (std::size_t i = 0; i < recs.size(); ++i) {
        const catalog::Recording& r = recs[i];
        if (q.kind && r.kind != *q.kind) continue;
        if (!q.author.empty() && r.author != q.author) continue;
        if (!q.tag.empty() && std::find(r.tags.begin(), r.tags.end(), q.tag) == r.tags.end()) continue;
        if (q.unwatched && watched.contains(r.id)) continue;
        out.push_back(i);
    }
    auto by = [&](auto key) {
        std::stable_sort(out.begin(), out.end(), [&](std::size_t a, std::size_t b) { return key(recs[a], recs[b]); });
    };
    using R = catalog::Recording;
    switch (q.sort) {
    case SortOrder::newest: by([](const R& a, const R& b) { return a.created_at > b.created_at; }); break;
    case SortOrder::oldest: by([](const R& a, const R& b) { return a.created_at < b.created_at; }); break;
    case SortOrder::longest: by([](const R& a, const R& b) { return a.duration_ms > b.duration_ms; }); break;
    case SortOrder::most_comments: by([](const R& a, const R& b) { return a.comment_count > b.comment_count; }); break;
    case SortOrder::title: {
        std::vector<std::string> keys(recs.size());
        for (std::size_t i : out) keys[i] = lower(recs[i].title);
        std::stable_sort(out.begin(), out.end(), [&](std::size_t a, std::size_t b) { return keys[a] < keys[b]; });
        break;
    }
    }
    return out;
}

std::vector<std::string> all_tags(const std::vector<catalog::Recording>& recs) {
    std::set<std::string> s;
    for (const auto& r : recs) s.insert(r.tags.begin(), r.tags.end());
    return {s.begin(), s.end()};
}

std::vector<std::string> all_authors(const std::vector<catalog::Recording>& recs) {
    std::set<std::string> s;
    for (const auto& r : recs) s.insert(r.author);
    return {s.begin(), s.end()};
}

std::string short_date(EpochMs at, EpochMs now) {
    const auto d = parse_ymd(local_date(at));
    const auto today = parse_ymd(local_date(now));
    if (!d) return local_date(at);
    return day_month(*d, !today || today->year() != d->year());
}

std::string card_meta(const catalog::Recording& r, EpochMs now) {
    return fmt::format("{} · {} · {}", format_moment(r.duration_ms), r.author, short_date(r.created_at, now));
}

std::string hit_text(const catalog::SearchHit& hit) {
    if (hit.matched_in == "comment" || hit.matched_in == "chapter") {
        if (hit.at_ms) return fmt::format("{} at {} · {}", hit.matched_in, format_moment(*hit.at_ms), hit.excerpt);
        return fmt::format("{} · {}", hit.matched_in, hit.excerpt);
    }
    return hit.excerpt;
}

// ---- due dates and assignments ----

std::optional<int> days_until(const std::string& date, EpochMs now) {
    const auto d = parse_ymd(date);
    const auto today = parse_ymd(local_date(now));
    if (!d || !today) return std::nullopt;
    return static_cast<int>((sys_days{*d} - sys_days{*today}).count());
}

std::string due_text(const std::string& date, EpochMs now) {
    const auto days = days_until(date, now);
    const auto d = parse_ymd(date);
    const auto today = parse_ymd(local_date(now));
    if (!days || !d || !today) return "due " + date;
    const char* weekday = k_weekdays[std::chrono::weekday{sys_days{*d}}.c_encoding()];
    const bool other_year = d->year() != today->year();
    if (*days == 0) return "due today";
    if (*days == 1) return "due tomorrow";
    if (*days > 1 && *days < 7) return fmt::format("due {}", weekday);
    if (*days >= 7) return "due " + day_month(*d, other_year);
    if (*days > -7) return fmt::format("was due {}", *days == -1 ? "yesterday" : weekday);
    return "was due " + day_month(*d, other_year);
}

std::string card_assignment_text(const catalog::Assignment& a, EpochMs now) {
    if (a.state == catalog::AssignmentState::done) return "assigned to you · done";
    if (!a.due) return "assigned to you";
    const auto days = days_until(*a.due, now);
    if (a.state == catalog::AssignmentState::overdue || (days && *days < 0)) return "assigned to you · overdue";
    return "assigned to you · " + due_text(*a.due, now);
}

std::string assignment_status_text(const catalog::Assignment& a) {
    const int pct = percent(a.coverage);
    switch (a.state) {
    case catalog::AssignmentState::done: return "done";
    case catalog::AssignmentState::overdue:
        return pct > 0 ? fmt::format("overdue · {} %", pct) : "overdue · not started";
    case catalog::AssignmentState::in_progress: return fmt::format("in progress {} %", pct);
    case catalog::AssignmentState::not_started: return "not started";
    }
    return "?";
}

std::vector<catalog::Assignment> by_due_date(std::vector<catalog::Assignment> list) {
    auto open_key = [](const catalog::Assignment& a) { return a.due ? *a.due : std::string("9999-99-99"); };
    std::stable_sort(list.begin(), list.end(), [&](const catalog::Assignment& a, const catalog::Assignment& b) {
        const bool a_done = a.state == catalog::AssignmentState::done;
        const bool b_done = b.state == catalog::AssignmentState::done;
        if (a_done != b_done) return !a_done;
        if (a_done) return a.completed_at.value_or(0) > b.completed_at.value_or(0);
        return open_key(a) < open_key(b);
    });
    return list;
}

TrainingMatrix build_matrix(const std::vector<catalog::Assignment>& all) {
    TrainingMatrix m;
    std::map<std::string, std::string> titles;  // id -> title
    std::set<std::string> people;
    for (const auto& a : all) {
        titles.emplace(a.recording_id, a.recording_title);
        people.insert(a.assignee);
    }
    for (const auto& [id, title] : titles) m.modules.push_back({id, title});
    std::stable_sort(m.modules.begin(), m.modules.end(),
                     [](const auto& a, const auto& b) { return lower(a.title) < lower(b.title); });
    m.people.assign(people.begin(), people.end());
    m.cell.assign(m.modules.size(), std::vector<int>(m.people.size(), -1));
    for (std::size_t i = 0; i < all.size(); ++i) {
        const auto& a = all[i];
        const auto row =
            std::find_if(m.modules.begin(), m.modules.end(), [&](const auto& mod) { return mod.id == a.recording_id; });
        const auto col = std::lower_bound(m.people.begin(), m.people.end(), a.assignee);
        auto& mod = *row;
        m.cell[static_cast<std::size_t>(row - m.modules.begin())][static_cast<std::size_t>(col - m.people.begin())] =
            static_cast<int>(i);
        ++mod.assigned;
        if (a.state == catalog::AssignmentState::done) ++mod.done;
        if (a.state == catalog::AssignmentState::overdue) ++mod.overdue;
    }
    return m;
}

std::string cell_text(const catalog::Assignment& a) {
    const int pct = percent(a.coverage);
    switch (a.state) {
    case catalog::AssignmentState::done: return "✓";
    case catalog::AssignmentState::overdue: return pct > 0 ? fmt::format("! {} %", pct) : "! –";
    case catalog::AssignmentState::in_progress: return fmt::format("{} %", pct);
    case catalog::AssignmentState::not_started: return "–";
    }
    return "?";
}

// ---- watching ----

std::string coverage_text(const std::optional<catalog::View>& v) {
    if (!v || (v->coverage <= 0 && !v->watched_at)) return "not watched yet";
    const int pct = percent(v->coverage);
    if (v->watched_at && v->how == catalog::WatchedHow::explicit_mark)
        return pct > 0 ? fmt::format("marked watched ✓ · {} % seen", pct) : "marked watched ✓";
    if (v->watched_at) return fmt::format("watched {} % ✓", pct);
    return fmt::format("watched {} %", pct);
}

std::optional<catalog::View> view_of(const std::vector<catalog::View>& views, const std::string& person) {
    for (const auto& v : views)
        if (v.person == person && !v.guest) return v;  // a guest may have typed a team member's name
    return std::nullopt;
}

std::vector<catalog::View> by_coverage(std::vector<catalog::View> views) {
    std::stable_sort(views.begin(), views.end(), [](const catalog::View& a, const catalog::View& b) {
        if (a.watched_at.has_value() != b.watched_at.has_value()) return a.watched_at.has_value();
        return a.coverage > b.coverage;
    });
    return views;
}

// ---- inbox ----

std::string inbox_age_text(std::int64_t age_ms, int window_hours) {
    const std::int64_t window_ms = std::int64_t{window_hours} * 3'600'000;
    if (age_ms <= window_ms) return fmt::format("waiting {} · reply within {} h", format_age(age_ms), window_hours);
    return fmt::format("waiting {} · {} past the {} h window", format_age(age_ms), format_age(age_ms - window_ms),
                       window_hours);
}

std::vector<catalog::InboxItem> inbox_order(std::vector<catalog::InboxItem> items) {
    std::stable_sort(items.begin(), items.end(), [](const catalog::InboxItem& a, const catalog::InboxItem& b) {
        if (a.overdue != b.overdue) return a.overdue;
        return a.age_ms > b.age_ms;
    });
    return items;
}

// ---- comments ----

std::vector<CommentRow> comment_rows(const std::vector<catalog::Comment>& cs) {
    std::vector<std::size_t> threads;
    for (std::size_t i = 0; i < cs.size(); ++i)
        if (cs[i].parent_id.empty()) threads.push_back(i);
    std::stable_sort(threads.begin(), threads.end(), [&](std::size_t a, std::size_t b) {
        const auto& x = cs[a];
        const auto& y = cs[b];
        if (x.at_ms.has_value() != y.at_ms.has_value()) return !x.at_ms.has_value();
        if (x.at_ms && *x.at_ms != *y.at_ms) return *x.at_ms < *y.at_ms;
        return x.created_at < y.created_at;
    });
    std::vector<CommentRow> rows;
    rows.reserve(cs.size());
    for (std::size_t t : threads) {
        const bool resolved = cs[t].resolved_at.has_value();
        rows.push_back({t, 0, resolved});
        std::vector<std::size_t> replies;
        for (std::size_t i = 0; i < cs.size(); ++i)
            if (!cs[i].parent_id.empty() && cs[i].thread_id == cs[t].id) replies.push_back(i);
        std::stable_sort(replies.begin(), replies.end(),
                         [&](std::size_t a, std::size_t b) { return cs[a].created_at < cs[b].created_at; });
        for (std::size_t r : replies) rows.push_back({r, cs[r].parent_id == cs[t].id ? 1 : 2, resolved});
    }
    return rows;
}

int open_threads(const std::vector<catalog::Comment>& cs) {
    return static_cast<int>(std::count_if(
        cs.begin(), cs.end(), [](const catalog::Comment& c) { return c.parent_id.empty() && !c.resolved_at; }));
}

// ---- editing ----

std::vector<std::string> split_tags(const std::string& text) {
    std::set<std::string> out;
    std::size_t start = 0;
    while (start <= text.size()) {
        std::size_t end = text.find(',', start);
        if (end == std::string::npos) end = text.size();
        std::string t = text.substr(start, end - start);
        const auto b = t.find_first_not_of(" \t\r\n#");
        const auto e = t.find_last_not_of(" \t\r\n");
        if (b != std::string::npos) out.insert(t.substr(b, e - b + 1));
        start = end + 1;
    }
    return {out.begin(), out.end()};
}

std::string join_tags(const std::vector<std::string>& tags) { return fmt::format("{}", fmt::join(tags, ", ")); }

catalog::RecordingEdit edit_between(const catalog::Recording& before, const std::string& title,
                                    const std::string& description, catalog::Kind kind, const std::string& tags_text) {
    catalog::RecordingEdit e;
    if (title != before.title) e.title = title;
    if (description != before.description) e.description = description;
    if (kind != before.kind) e.kind = kind;
    const auto tags = split_tags(tags_text);
    for (const auto& t : tags)
        if (std::find(before.tags.begin(), before.tags.end(), t) == before.tags.end()) e.add_tags.push_back(t);
    for (const auto& t : before.tags)
        if (std::find(tags.begin(), tags.end(), t) == tags.end()) e.remove_tags.push_back(t);
    return e;
}

// ---- settings ----

int quality_index(const std::string& name) {
    return static_cast<int>(recorder::parse_quality(name).value_or(recorder::Quality::compact));
}

const char* quality_name(int index) {
    return recorder::to_string(static_cast<recorder::Quality>(std::clamp(index, 0, 2)));
}

void fill_record_defaults(const AppSettings& s, RecordForm& f) {
    f.quality = quality_index(s.quality);
    f.mic = s.mic;
    f.mic_choice = s.no_mic ? 2 : s.mic.empty() ? 0 : 1;
    f.denoise = s.denoise;
}

// ---- recording ----

bool shows_recording_bar(RecordPhase phase) {
    return phase == RecordPhase::countdown || phase == RecordPhase::recording || phase == RecordPhase::stopping;
}

bool can_record(const AppState& s) { return s.opened || !s.connection.team.empty(); }

std::string countdown_text(const recorder::RecordStats& s) {
    if (s.countdown_ms <= 0) return {};
    return std::to_string((s.countdown_ms + 999) / 1000);
}

std::string recording_bar_text(const recorder::RecordStats& s) {
    return fmt::format("{} · {}{}", format_moment(s.elapsed_ms), human_size(s.bytes_written),
                       s.paused ? " · paused" : "");
}

std::string five_minute_guide(std::int64_t elapsed_ms) {
    constexpr std::int64_t k_guide = 5 * 60'000;
    if (elapsed_ms < k_guide - 60'000) return {};
    if (elapsed_ms < k_guide) return fmt::format("{} left of 5 min", format_moment(k_guide - elapsed_ms));
    return "over 5 min: shorter videos get watched";
}

float meter_fraction(float linear) {
    if (!(linear > 0)) return 0;
    const float db = 20.0f * std::log10(linear);
    return std::clamp((db + 60.0f) / 60.0f, 0.0f, 1.0f);
}

Result<std::string> checked_region(const std::string& text) {
    int x = 0, y = 0, w = 0, h = 0;
    char tail = 0;
    if (std::sscanf(text.c_str(), " %d , %d , %d x %d %c", &x, &y, &w, &h, &tail) != 4)
        return fail(ErrorCode::invalid_input,
                    fmt::format("'{}' is not a region; type it as X,Y,WxH, e.g. 0,0,1280x720", text));
    if (x < 0 || y < 0 || w < 16 || h < 16)
        return fail(ErrorCode::invalid_input, "a region starts at 0,0 or further and is at least 16x16 pixels");
    return fmt::format("{},{},{}x{}", x, y, w, h);
}

}  // namespace wt::ui
