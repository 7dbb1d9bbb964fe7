// Reading a Server-Sent Events stream as it arrives (remote/events.hpp): events split anywhere,
// CRLF or LF line ends, heartbeats and retry lines skipped, the last id kept for the next events.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "remote/events.hpp"

using namespace wt::remote;

namespace {

std::vector<ServerEvent> parse_in_pieces(const std::string& text, std::size_t piece) {
    std::vector<ServerEvent> out;
    EventParser p([&](ServerEvent e) { out.push_back(std::move(e)); });
    for (std::size_t at = 0; at < text.size(); at += piece) p.feed(std::string_view(text).substr(at, piece));
    return out;
}

}  // namespace

TEST_CASE("events from the server's stream, however the bytes arrive") {
    const std::string stream =
        "retry: 3000\n\n"
        "id: 41\nevent: ready\ndata: {\"seq\": 41}\n\n"
        ": keep-alive\n\n"
        "id: 42\r\nevent: comment.added\r\n"
        "data: {\"at\":\"2026-12-03T13:20:11.451Z\",\"comment_id\":\"xcgafsh3hx\",\"kind\":\"comment.added\","
        "\"person\":\"bob\",\"recording_id\":\"4ckd6t8a4r\",\"seq\":42}\r\n\r\n"
        "event: resync\ndata: not json\n\n"
        "id: 44\nevent: recording.deleted\ndata: {\"recording_id\":\"r2\"}\n";  // not ended yet
    for (std::size_t piece : {std::size_t{1}, std::size_t{7}, stream.size()}) {
        CAPTURE(piece);
        auto events = parse_in_pieces(stream, piece);
        REQUIRE(events.size() == 3);
        CHECK(events[0].kind == "ready");
        CHECK(events[0].id == "41");
        CHECK(events[1].kind == "comment.added");
        CHECK(events[1].id == "42");
        CHECK(events[1].recording_id == "4ckd6t8a4r");
        CHECK(events[1].comment_id == "xcgafsh3hx");
        CHECK(events[1].person == "bob");
        // No id of its own: the last one stays; data that is not JSON names nothing.
        CHECK(events[2].kind == "resync");
        CHECK(events[2].id == "42");
        CHECK(events[2].recording_id.empty());
    }
}
