// Full-text search over titles, descriptions, tags and comments (schema v2's FTS5 table), and
// chapter titles (schema v4's).
#include <algorithm>
#include <cctype>
#include <unordered_set>

#include <fmt/format.h>

#include "catalog/library_impl.hpp"
#include "catalog/search_query.hpp"

namespace wt::catalog {

namespace {

bool has_word_char(std::string_view s) {
    return std::any_of(s.begin(), s.end(), [](unsigned char c) { return std::isalnum(c) || c >= 0x80; });
}

std::string ascii_lower(std::string_view s) {
    std::string out(s);
    for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

}  // namespace

SearchQuery build_search_query(std::string_view text) {
    SearchQuery q;
    std::vector<std::string> words;
    size_t i = 0;
    while (i < text.size()) {
        while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
        size_t start = i;
        while (i < text.size() && !std::isspace(static_cast<unsigned char>(text[i]))) ++i;
        if (i > start) words.emplace_back(text.substr(start, i - start));
    }
    // Search-as-you-type: the word still being typed is a prefix. One letter would expand to
    // a large part of the vocabulary, so prefixes start at two.
    const bool typing = !text.empty() && !std::isspace(static_cast<unsigned char>(text.back()));
    for (size_t w = 0; w < words.size(); ++w) {
        if (!has_word_char(words[w])) continue;
        std::string quoted = "\"";
        for (char c : words[w]) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
        quoted += '"';
        if (typing && w + 1 == words.size() && words[w].size() >= 2) quoted += '*';
        if (!q.fts.empty()) q.fts += ' ';
        q.fts += quoted;
        // The tokenizer splits "e-mail" into "e" and "mail"; ranking sees the same words.
        std::string core;
        for (char c : ascii_lower(words[w]) + ' ') {
            if (std::isalnum(static_cast<unsigned char>(c)) || static_cast<unsigned char>(c) >= 0x80) {
                core += c;
            } else if (!core.empty()) {
                q.words.push_back(std::move(core));
                core.clear();
            }
        }
        q.last_is_prefix = typing && w + 1 == words.size() && words[w].size() >= 2;
    }
    return q;
}

namespace {
bool is_word_byte(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || static_cast<unsigned char>(c) >= 0x80;
}
}  // namespace

double word_hits(const std::string& text, const SearchQuery& q) {
    const std::string lower = ascii_lower(text);
    double total = 0;
    for (const auto& w : q.words) {
        if (w.empty()) continue;
        double hits = 0;
        for (size_t pos = lower.find(w); pos != std::string::npos && hits < 2; pos = lower.find(w, pos + 1)) {
            if (pos > 0 && is_word_byte(lower[pos - 1])) continue;  // inside a word
            size_t end = pos + w.size();
            hits += end == lower.size() || !is_word_byte(lower[end]) ? 1.0 : 0.5;
        }
        total += std::min(hits, 2.0);
    }
    return total;
}

std::string excerpt(const std::string& text, const std::vector<std::string>& words, size_t width) {
    const std::string lower = ascii_lower(text);
    size_t best = std::string::npos, best_len = 0;
    for (const auto& w : words) {
        if (w.empty()) continue;
        size_t pos = lower.find(w);
        if (pos != std::string::npos && pos < best) best = pos, best_len = w.size();
    }
    auto utf8_start = [&](size_t p) {
        while (p > 0 && p < text.size() && (static_cast<unsigned char>(text[p]) & 0xC0) == 0x80) --p;
        return p;
    };
    auto single_line = [](std::string s) {
        for (auto& c : s) {
            if (c == '\n' || c == '\r' || c == '\t') c = ' ';
        }
        return s;
    };
    if (best == std::string::npos) {  // matched through folding the ASCII view cannot see (é, ß, ...)
        return single_line(text.size() <= width ? text : text.substr(0, utf8_start(width)) + "…");
    }
    // Grow the marked match to the end of its word (prefix queries match the word's start).
    size_t end = best + best_len;
    while (end < text.size() &&
           (std::isalnum(static_cast<unsigned char>(text[end])) || static_cast<unsigned char>(text[end]) >= 0x80))
        ++end;
    size_t from = best > width / 3 ? utf8_start(best - width / 3) : 0;
    size_t to = std::min(text.size(), end + width);
    to = to < text.size() ? utf8_start(to) : to;
    std::string out = from > 0 ? "…" : "";
    out += text.substr(from, best - from) + "[" + text.substr(best, end - best) + "]" + text.substr(end, to - end);
    if (to < text.size()) out += "…";
    return single_line(out);
}

Result<std::vector<SearchHit>> SqliteLibrary::search(const std::string& text, int limit) {
    SearchQuery q = build_search_query(text);
    if (q.fts.empty()) return fail(ErrorCode::invalid_input, "type a word to search for");
    limit = std::clamp(limit, 1, 500);

    // Candidates come from rowid-ordered scans with a LIMIT, which FTS5 answers without visiting
    // every match: FTS5's own rank (bm25) scores all matches first and took 0.4 s for a common
    // word in a million comments. Recordings have rowid -seq in `search` (so ascending is newest
    // first), comments +seq. The newest title matches are fetched apart, so a common word still
    // finds titles, from the title-only index (rowid = seq): a {title} filter on `search` reads every
    // match's positions. Chapter titles have an index of their own (chapter_search, rowid =
    // chapters.seq). Each scan is joined with its rows (CROSS JOIN keeps the scan outermost, so
    // its order and LIMIT stand) rather than looking the rows up one by one.
    const int per_query = std::max(200, 4 * limit);
    struct Ranked {
        SearchHit hit;
        std::string shown;
        std::int64_t seq = 0;
        int kind_order = 0;  // equal scores: the recording itself, then chapters, then comments
    };
    std::vector<Ranked> ranked;
    auto scan = [&](const char* sql, const std::string& match, auto&& read) -> Result<void> {
        auto st = db_.prepare(sql);
        if (!st) return std::unexpected(st.error());
        st->bind(match, per_query);
        for (;;) {
            auto row = st->step();
            if (!row) return std::unexpected(row.error());
            if (!*row) return {};
            read(*st);
        }
    };

    // Rank: where the words are (title 8, tags 4, chapter title 3, description 2, comment 1) times
    // how many are found as words; newer first when equal. A recording found by both of its scans
    // is ranked once.
    std::unordered_set<std::int64_t> recordings_seen;
    auto read_recording_hit = [&](const sql::Statement& st) {
        const std::int64_t seq = st.int64(0);
        if (!recordings_seen.insert(seq).second) return;
        Ranked r;
        SearchHit& h = r.hit;
        h.recording_id = st.text(1);
        h.recording_title = st.text(2);
        h.kind = st.text(3) == "training" ? Kind::training : Kind::walkthrough;
        h.matched_in = "recording";
        const std::string fields[] = {h.recording_title, st.text(5), st.text(4)};
        const double weights[] = {8, 4, 2};
        r.shown = h.recording_title;
        double best = 0;
        for (int i = 0; i < 3; ++i) {
            double hits = word_hits(fields[i], q);
            h.score += weights[i] * hits;
            if (hits > best) best = hits, r.shown = fields[i];  // show the field that matched best
        }
        h.score += 0.5;  // FTS5 matched it even where ASCII folding could not see how (é, ß, ...)
        r.seq = seq;
        ranked.push_back(std::move(r));
    };
    const char* const k_title_scan =
        "SELECT r.seq, r.id, r.title, r.kind, r.description, r.tags_text FROM title_search t "
        "CROSS JOIN recordings r ON r.seq = t.rowid WHERE title_search MATCH ?1 ORDER BY t.rowid DESC LIMIT ?2";
    const char* const k_recording_scan =
        "SELECT r.seq, r.id, r.title, r.kind, r.description, r.tags_text FROM search s "
        "CROSS JOIN recordings r ON r.seq = -s.rowid WHERE search MATCH ?1 AND s.rowid < 0 "
        "ORDER BY s.rowid LIMIT ?2";
    if (auto r = scan(k_title_scan, q.fts, read_recording_hit); !r) return std::unexpected(r.error());
    if (auto r = scan(k_recording_scan, q.fts, read_recording_hit); !r) return std::unexpected(r.error());
    auto comment_scan = scan(
        "SELECT c.seq, c.id, c.body, c.at_ms, r.id, r.title, r.kind FROM search s "
        "CROSS JOIN comments c ON c.seq = s.rowid CROSS JOIN recordings r ON r.seq = c.recording_seq "
        "WHERE search MATCH ?1 AND s.rowid > 0 ORDER BY s.rowid DESC LIMIT ?2",
        q.fts, [&](const sql::Statement& st) {
            Ranked r;
            SearchHit& h = r.hit;
            r.seq = st.int64(0);
            h.comment_id = st.text(1);
            r.shown = st.text(2);
            h.at_ms = st.opt_int64(3);
            h.recording_id = st.text(4);
            h.recording_title = st.text(5);
            h.kind = st.text(6) == "training" ? Kind::training : Kind::walkthrough;
            h.matched_in = "comment";
            h.score = word_hits(r.shown, q) + 0.25;
            r.kind_order = 2;
            ranked.push_back(std::move(r));
        });
    if (!comment_scan) return std::unexpected(comment_scan.error());
    auto chapter_scan = scan(
        "SELECT c.seq, c.title, c.at_ms, r.id, r.title, r.kind FROM chapter_search s "
        "CROSS JOIN chapters c ON c.seq = s.rowid CROSS JOIN recordings r ON r.seq = c.recording_seq "
        "WHERE chapter_search MATCH ?1 ORDER BY s.rowid DESC LIMIT ?2",
        q.fts, [&](const sql::Statement& st) {
            Ranked r;
            SearchHit& h = r.hit;
            r.seq = st.int64(0);
            r.shown = st.text(1);
            h.at_ms = st.int64(2);
            h.recording_id = st.text(3);
            h.recording_title = st.text(4);
            h.kind = st.text(5) == "training" ? Kind::training : Kind::walkthrough;
            h.matched_in = "chapter";
            h.score = 3 * word_hits(r.shown, q) + 0.25;
            r.kind_order = 1;
            ranked.push_back(std::move(r));
        });
    if (!chapter_scan) return std::unexpected(chapter_scan.error());
    std::sort(ranked.begin(), ranked.end(), [](const Ranked& a, const Ranked& b) {
        if (a.hit.score != b.hit.score) return a.hit.score > b.hit.score;
        if (a.kind_order != b.kind_order) return a.kind_order < b.kind_order;
        return a.seq > b.seq;
    });
    if (ranked.size() > static_cast<size_t>(limit)) ranked.resize(static_cast<size_t>(limit));
    std::vector<SearchHit> hits;
    hits.reserve(ranked.size());
    for (auto& r : ranked) {
        r.hit.excerpt = excerpt(r.shown, q.words, 80);
        hits.push_back(std::move(r.hit));
    }
    return hits;
}

}  // namespace wt::catalog
