#pragma once
// Text helpers shared by every part.
#include <cstddef>
#include <cstdint>
#include <string>

namespace wt {

// `text` cut to at most `max_bytes` bytes (never inside a UTF-8 character) with "…" after the cut;
// unchanged when it fits. For a line, a tooltip or a message that must stay short.
inline std::string cut_utf8(const std::string& text, std::size_t max_bytes) {
    if (text.size() <= max_bytes) return text;
    std::size_t cut = max_bytes;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
    return text.substr(0, cut) + "…";
}

// `text` as it may reach a terminal: control characters (C0, DEL and C1), which could move the
// cursor, retitle the window or hide what follows, become spaces; newlines are kept if asked.
// Stored text keeps them; this is for what is printed (JSON output escapes them instead).
std::string printable(const std::string& text, bool keep_newlines);
// `text` on one line as it may reach a terminal: every control character, newlines too, a space.
std::string one_line(const std::string& text);
std::string fit(const std::string& text, std::size_t width);  // one line, padded or cut to `width` characters
std::string human_size(std::int64_t bytes);                   // "12.3 MB"

}  // namespace wt
