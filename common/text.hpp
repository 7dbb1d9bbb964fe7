#pragma once
// Text helpers shared by every part.
#include <cstddef>
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
inline std::string printable(const std::string& text, bool keep_newlines) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        const unsigned char c = static_cast<unsigned char>(text[i]);
        if (c == '\n' && keep_newlines) {
            out += '\n';
        } else if (c < 0x20 || c == 0x7f) {
            out += ' ';
        } else if (c == 0xC2 && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) < 0xA0) {
            out += ' ';  // C1 controls (U+0080..U+009F) are two bytes in UTF-8
            ++i;
        } else {
            out += static_cast<char>(c);
        }
    }
    return out;
}

// `text` on one line as it may reach a terminal: every control character, newlines too, a space.
inline std::string one_line(const std::string& text) { return printable(text, false); }

}  // namespace wt
