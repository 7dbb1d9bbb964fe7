#pragma once
// Turning what a person types into an FTS5 query, and marking matches in text. Pure functions.
#include <string>
#include <string_view>
#include <vector>

namespace wt::catalog {

struct SearchQuery {
    std::string fts;                 // every word quoted (FTS5 syntax cannot leak in), ANDed
    std::vector<std::string> words;  // lowercased, letters and digits only: for ranking and marking
    bool last_is_prefix = false;     // the last word is still being typed
};

// "setup  vpn" -> "\"setup\" \"vpn\"*"  (the last word is a prefix while still being typed).
SearchQuery build_search_query(std::string_view text);

// How well `text` answers the query: each word found at the start of a word counts (a whole word
// 1, the start of a longer word 0.5, at most 2 hits a word), so a short title holding every word
// scores highest. Case folding is ASCII only; FTS5 has already decided what matches.
double word_hits(const std::string& text, const SearchQuery& q);

// Up to about `width` bytes around the first match, the matching word in [brackets].
std::string excerpt(const std::string& text, const std::vector<std::string>& words, size_t width);

}  // namespace wt::catalog
