#include "serve/range.hpp"

#include <fmt/format.h>

#include <optional>
#include <vector>

namespace wt::serve {

namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

// Digits only; values of 10^17 and more stop growing (they stand for "more than any file") rather
// than overflowing: 10^17 * 10 + 9 still fits in 64 bits.
std::optional<std::int64_t> parse_position(std::string_view s) {
    if (s.empty()) return std::nullopt;
    std::int64_t v = 0;
    for (char c : s) {
        if (c < '0' || c > '9') return std::nullopt;
        if (v < 100'000'000'000'000'000LL) v = v * 10 + (c - '0');
    }
    return v;
}

bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i) {
        char x = a[i] >= 'A' && a[i] <= 'Z' ? static_cast<char>(a[i] - 'A' + 'a') : a[i];
        char y = b[i] >= 'A' && b[i] <= 'Z' ? static_cast<char>(b[i] - 'A' + 'a') : b[i];
        if (x != y) return false;
    }
    return true;
}

struct Spec {
    std::optional<std::int64_t> first;  // nullopt: a suffix range
    std::optional<std::int64_t> last;   // for a suffix range, the suffix length
};

std::optional<Spec> parse_spec(std::string_view s) {
    auto dash = s.find('-');
    if (dash == std::string_view::npos) return std::nullopt;
    auto a = s.substr(0, dash), b = s.substr(dash + 1);
    Spec spec;
    if (a.empty()) {
        spec.last = parse_position(b);
        if (!spec.last) return std::nullopt;
        return spec;
    }
    spec.first = parse_position(a);
    if (!spec.first) return std::nullopt;
    if (!b.empty()) {
        spec.last = parse_position(b);
        if (!spec.last || *spec.last < *spec.first) return std::nullopt;
    }
    return spec;
}

// The range a spec selects in `size` bytes, or nullopt when it selects nothing.
std::optional<ByteRange> satisfy(const Spec& s, std::int64_t size) {
    if (size <= 0) return std::nullopt;
    if (!s.first) {
        if (*s.last == 0) return std::nullopt;
        return ByteRange{size - std::min(*s.last, size), size - 1};
    }
    if (*s.first >= size) return std::nullopt;
    return ByteRange{*s.first, s.last ? std::min(*s.last, size - 1) : size - 1};
}

}  // namespace

RangeDecision decide_range(std::string_view header, std::int64_t size) {
    RangeDecision whole;
    header = trim(header);
    auto eq = header.find('=');
    if (eq == std::string_view::npos || !iequals(header.substr(0, eq), "bytes")) return whole;
    std::vector<Spec> specs;
    std::string_view set = header.substr(eq + 1);
    for (;;) {
        auto comma = set.find(',');
        auto item = trim(set.substr(0, comma));
        if (!item.empty()) {  // RFC 9110 list syntax tolerates empty elements
            auto spec = parse_spec(item);
            if (!spec) return whole;
            specs.push_back(*spec);
        }
        if (comma == std::string_view::npos) break;
        set.remove_prefix(comma + 1);
    }
    if (specs.empty()) return whole;
    std::optional<ByteRange> first_hit;
    bool any = false;
    for (const auto& s : specs) {
        if (auto r = satisfy(s, size)) {
            if (!any) first_hit = r;
            any = true;
        }
    }
    if (!any) return RangeDecision{RangeDecision::Kind::unsatisfiable, {}};
    if (specs.size() > 1) return whole;
    return RangeDecision{RangeDecision::Kind::partial, *first_hit};
}

std::string content_range(const ByteRange& r, std::int64_t size) {
    return fmt::format("bytes {}-{}/{}", r.first, r.last, size);
}

std::string file_etag(std::int64_t size, std::int64_t mtime_ns) { return fmt::format("\"{:x}-{:x}\"", size, mtime_ns); }

std::string http_date(std::time_t t) {
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[64];
    std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    return buf;
}

bool none_match_hits(std::string_view header, std::string_view etag) {
    header = trim(header);
    if (header.empty()) return false;
    if (header == "*") return true;
    auto opaque = [](std::string_view tag) {
        tag = trim(tag);
        if (tag.starts_with("W/")) tag.remove_prefix(2);
        return tag;
    };
    for (;;) {
        auto comma = header.find(',');
        if (opaque(header.substr(0, comma)) == opaque(etag)) return true;
        if (comma == std::string_view::npos) return false;
        header.remove_prefix(comma + 1);
    }
}

bool if_range_holds(std::string_view header, std::string_view etag, std::string_view last_modified) {
    header = trim(header);
    if (header.empty()) return true;
    if (header.starts_with("W/")) return false;  // a weak tag never validates a range
    if (header.front() == '"') return header == etag;
    return header == last_modified;
}

}  // namespace wt::serve
