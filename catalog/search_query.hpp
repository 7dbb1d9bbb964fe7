#pragma once
// Turning what a person types into an FTS5 query, and marking matches in text. Pure functions.
#include <string>
#include <string_view>
#include <vector>

namespace wt::catalog {

struct SearchQuery {
    std::string fts;                 // every word quoted (FTS5 syntax cannot leak in), ANDed
    std::vector<std::string> words;  // lowercased, for marking matches
};

// "setup  vpn" -> "\"setup\" \"vpn\"*"  (the last word is a prefix while still being typed).
SearchQuery build_search_query(std::string_view text);

// Up to about `width` bytes around the first match, the matching word in [brackets].
std::string excerpt(const std::string& text, const std::vector<std::string>& words, size_t width);

}  // namespace wt::catalog
