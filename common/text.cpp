#include "common/text.hpp"

#include <fmt/format.h>

namespace wt {

std::string printable(const std::string& text, bool keep_newlines) {
    std::string out;
    out.reserve(text.size());
    for (size_t i = 0; i < text.size(); ++i) {
        unsigned char c = static_cast<unsigned char>(text[i]);
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

std::string one_line(const std::string& text) { return printable(text, false); }

std::string fit(const std::string& raw, std::size_t width) {
    // Counts code points, a fair stand-in for terminal columns in the common cases.
    std::string text = one_line(raw);
    std::string out;
    std::size_t chars = 0, i = 0;
    while (i < text.size()) {
        size_t len = 1;
        unsigned char c = static_cast<unsigned char>(text[i]);
        if (c >= 0xF0)
            len = 4;
        else if (c >= 0xE0)
            len = 3;
        else if (c >= 0xC0)
            len = 2;
        if (chars + 1 == width && i + len < text.size()) {
            out += "…";
            ++chars;
            break;
        }
        out.append(text, i, len);
        ++chars;
        i += len;
        if (chars == width) break;
    }
    if (chars < width) out.append(width - chars, ' ');
    return out;
}

std::string human_size(std::int64_t bytes) {
    if (bytes < 1024) return fmt::format("{} B", bytes);
    if (bytes < 1024 * 1024) return fmt::format("{:.1f} kB", static_cast<double>(bytes) / 1024);
    if (bytes < 1024LL * 1024 * 1024) return fmt::format("{:.1f} MB", static_cast<double>(bytes) / (1024 * 1024));
    return fmt::format("{:.2f} GB", static_cast<double>(bytes) / (1024.0 * 1024 * 1024));
}

}  // namespace wt
