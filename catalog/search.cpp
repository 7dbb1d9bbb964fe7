// Full-text search over titles, descriptions, tags and comments (schema v2's FTS5 table).
#include <algorithm>
#include <cctype>

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
        q.words.push_back(ascii_lower(words[w]));
    }
    return q;
}

std::string excerpt(const std::string& text, const std::vector<std::string>& words, size_t width) {
    const std::string lower = ascii_lower(text);
    size_t best = std::string::npos, best_len = 0;
    for (const auto& w : words) {
        // Words are matched the way the tokenizer sees them: letters and digits only.
        std::string core;
        for (char c : w) if (std::isalnum(static_cast<unsigned char>(c)) || static_cast<unsigned char>(c) >= 0x80) core += c;
        if (core.empty()) continue;
        size_t pos = lower.find(core);
        if (pos != std::string::npos && pos < best) best = pos, best_len = core.size();
    }
    auto utf8_start = [&](size_t p) {
        while (p > 0 && p < text.size() && (static_cast<unsigned char>(text[p]) & 0xC0) == 0x80) --p;
        return p;
    };
    if (best == std::string::npos) {
        if (text.size() <= width) return text;
        return text.substr(0, utf8_start(width)) + "…";
    }
    // Grow the marked match to the end of its word (prefix queries match the word's start).
    size_t end = best + best_len;
    while (end < text.size() && (std::isalnum(static_cast<unsigned char>(text[end])) ||
                                 static_cast<unsigned char>(text[end]) >= 0x80))
        ++end;
    size_t from = best > width / 3 ? utf8_start(best - width / 3) : 0;
    size_t to = std::min(text.size(), end + width);
    to = to < text.size() ? utf8_start(to) : to;
    std::string out = from > 0 ? "…" : "";
    out += text.substr(from, best - from) + "[" + text.substr(best, end - best) + "]" + text.substr(end, to - end);
    if (to < text.size()) out += "…";
    for (auto& c : out) if (c == '\n' || c == '\r' || c == '\t') c = ' ';
    return out;
}

Result<std::vector<SearchHit>> SqliteLibrary::search(const std::string& text, int limit) {
    SearchQuery q = build_search_query(text);
    if (q.fts.empty()) return fail(ErrorCode::invalid_input, "type a word to search for");
    auto st = db_.prepare("SELECT rowid, rank FROM search WHERE search MATCH ? ORDER BY rank LIMIT ?");
    if (!st) return std::unexpected(st.error());
    st->bind(q.fts, std::clamp(limit, 1, 500));
    auto rows = st->collect([](const sql::Statement& row) { return std::pair{row.int64(0), -row.real(1)}; });
    if (!rows) return std::unexpected(rows.error());
    auto rec_q = db_.prepare("SELECT id, title, kind, description, tags_text FROM recordings WHERE seq = ?");
    auto com_q = db_.prepare("SELECT c.id, c.body, c.at_ms, r.id, r.title, r.kind FROM comments c "
                             "JOIN recordings r ON r.seq = c.recording_seq WHERE c.seq = ?");
    if (!rec_q) return std::unexpected(rec_q.error());
    if (!com_q) return std::unexpected(com_q.error());
    std::vector<SearchHit> hits;
    for (auto [rowid, score] : *rows) {
        SearchHit h;
        h.score = score;
        if (rowid < 0) {
            rec_q->reset();
            rec_q->bind(-rowid);
            if (auto row = rec_q->step(); !row) return std::unexpected(row.error());
            else if (!*row) continue;
            h.recording_id = rec_q->text(0);
            h.recording_title = rec_q->text(1);
            h.kind = rec_q->text(2) == "training" ? Kind::training : Kind::walkthrough;
            h.matched_in = "recording";
            // Show the field that matched: title, else description, else tags.
            std::string shown = h.recording_title;
            for (const std::string& field : {rec_q->text(1), rec_q->text(3), rec_q->text(4)}) {
                if (excerpt(field, q.words, 1000).find('[') != std::string::npos) {
                    shown = field;
                    break;
                }
            }
            h.excerpt = excerpt(shown, q.words, 80);
        } else {
            com_q->reset();
            com_q->bind(rowid);
            if (auto row = com_q->step(); !row) return std::unexpected(row.error());
            else if (!*row) continue;
            h.comment_id = com_q->text(0);
            h.excerpt = excerpt(com_q->text(1), q.words, 80);
            h.at_ms = com_q->opt_int64(2);
            h.recording_id = com_q->text(3);
            h.recording_title = com_q->text(4);
            h.kind = com_q->text(5) == "training" ? Kind::training : Kind::walkthrough;
            h.matched_in = "comment";
        }
        hits.push_back(std::move(h));
    }
    return hits;
}

}  // namespace wt::catalog
