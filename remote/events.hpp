#pragma once
// A team library's changes as they happen: GET /api/v1/events (Server-Sent Events, docs/api.md),
// followed on the caller's thread and resumed with Last-Event-ID after any break, so nothing that
// changed while the network or the server was away is missed.
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "remote/remote.hpp"

namespace wt::remote {

// One event as the server tells it: ids only (a client reads what it shows through the API).
struct ServerEvent {
    std::string id;            // its place in the library's change log
    std::string kind;          // "comment.added", "recording.changed", …, "ready", "resync"
    std::string recording_id;  // when the event names them
    std::string comment_id;
    std::string person;
};

// Reads an event stream as it arrives, in pieces of any size: each complete event to `on_event`.
// Comments (": keep-alive") and `retry:` lines are skipped; an event without data is still told.
class EventParser {
public:
    explicit EventParser(std::function<void(ServerEvent)> on_event) : on_event_(std::move(on_event)) {}
    void feed(std::string_view bytes);

private:
    void line(std::string_view text);
    void dispatch();

    std::function<void(ServerEvent)> on_event_;
    std::string pending_;  // a line not ended yet
    std::string id_;       // the last id seen: it stays for the events after it, as in EventSource
    std::string kind_, data_;
    bool any_field_ = false;
};

struct FollowHooks {
    std::function<void(const ServerEvent&)> event;
    // The stream is open (true); or it could not be opened or broke (false, with why). Told again
    // at each change only.
    std::function<void(bool live, const std::optional<Error>& why)> connection;
    std::function<bool()> stop;  // asked at least once a second
};

// Follows the events until `hooks.stop()` says so. After a break it waits 1, 2, 4 … up to 30 s
// (a server that is down is not hammered) and resumes from the last event it had; a stream the
// server ended (it does after 30 minutes, and when it stops) is resumed at once.
void follow_events(const ServerOptions& server, const FollowHooks& hooks, std::string last_event_id = {});

}  // namespace wt::remote
