#pragma once
// Byte ranges and conditional requests for media (RFC 9110 §13, §14). Pure: no I/O.
#include <cstdint>
#include <ctime>
#include <string>
#include <string_view>

namespace wt::serve {

struct ByteRange {
    std::int64_t first = 0;
    std::int64_t last = 0;  // inclusive
    std::int64_t length() const { return last - first + 1; }
    bool operator==(const ByteRange&) const = default;
};

struct RangeDecision {
    enum class Kind {
        whole,          // 200 with everything: no Range, one we do not follow, or several ranges
        partial,        // 206 with `range`
        unsatisfiable,  // 416 with Content-Range: bytes */size
    };
    Kind kind = Kind::whole;
    ByteRange range;
};

// What to send for a Range header (empty: none) on a representation of `size` bytes. One range,
// open ("500-") or suffix ("-500"), is served as asked, clipped to the size; several ranges are
// answered whole; a header that does not parse, or names another unit, is ignored.
RangeDecision decide_range(std::string_view header, std::int64_t size);

// "bytes 0-99/1000".
std::string content_range(const ByteRange& r, std::int64_t size);

// A strong validator for a file: its size and modification time, quoted.
std::string file_etag(std::int64_t size, std::int64_t mtime_ns);
// An IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT".
std::string http_date(std::time_t t);

// If-None-Match: whether the header ("*", or a list of entity tags, weak or strong) matches
// `etag` by the weak comparison. Empty header: false.
bool none_match_hits(std::string_view header, std::string_view etag);
// If-Range: whether the Range header may be followed: the header is this strong `etag`, or this
// exact `last_modified` date. Empty header: true.
bool if_range_holds(std::string_view header, std::string_view etag, std::string_view last_modified);

}  // namespace wt::serve
