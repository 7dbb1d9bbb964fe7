#include "remote/events.hpp"

#include <algorithm>
#include <chrono>
#include <thread>

#include <nlohmann/json.hpp>

#include "remote/http_client.hpp"

namespace wt::remote {

void EventParser::feed(std::string_view bytes) {
    pending_.append(bytes);
    std::size_t start = 0;
    for (;;) {
        const std::size_t end = pending_.find('\n', start);
        if (end == std::string::npos) break;
        std::string_view text(pending_.data() + start, end - start);
        if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
        line(text);
        start = end + 1;
    }
    pending_.erase(0, start);
    // A line without an end for this long is not an event stream's.
    if (pending_.size() > (std::size_t{1} << 20)) pending_.clear();
}

void EventParser::line(std::string_view text) {
    if (text.empty()) return dispatch();
    if (text.front() == ':') return;  // a comment: the heartbeat
    const auto colon = text.find(':');
    const std::string_view field = text.substr(0, colon);
    std::string_view value = colon == std::string_view::npos ? std::string_view() : text.substr(colon + 1);
    if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    if (field == "id") {
        id_ = value;
    } else if (field == "event") {
        kind_ = value;
    } else if (field == "data") {
        if (!data_.empty()) data_ += '\n';
        data_ += value;
    } else {
        return;  // retry: and anything unknown
    }
    any_field_ = true;
}

void EventParser::dispatch() {
    if (!any_field_) return;
    ServerEvent e;
    e.id = id_;
    e.kind = kind_.empty() ? "message" : kind_;
    const auto j = nlohmann::json::parse(data_, nullptr, false);
    if (j.is_object()) {
        auto text = [&](const char* key) {
            auto it = j.find(key);
            return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
        };
        e.recording_id = text("recording_id");
        e.comment_id = text("comment_id");
        e.person = text("person");
    }
    kind_.clear();
    data_.clear();
    any_field_ = false;
    on_event_(std::move(e));
}

namespace {

// Waits `wait` in short steps; false when told to stop meanwhile.
bool pause(std::chrono::milliseconds wait, const FollowHooks& hooks) {
    const auto until = std::chrono::steady_clock::now() + wait;
    while (std::chrono::steady_clock::now() < until) {
        if (hooks.stop()) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return !hooks.stop();
}

}  // namespace

void follow_events(const ServerOptions& server, const FollowHooks& hooks, std::string last_event_id) {
    ServerOptions o = server;
    o.attempts = 1;                       // this loop is the retrying
    o.timeout = std::chrono::seconds(45);  // three heartbeats (15 s) missed: the stream is dead
    HttpClient client(o);
    int failures = 0;
    std::optional<bool> told;  // what `connection` heard last
    auto tell = [&](bool live, const std::optional<Error>& why) {
        if (told == live && live) return;
        told = live;
        hooks.connection(live, why);
    };
    while (!hooks.stop()) {
        bool opened = false;
        EventParser parser([&](ServerEvent e) {
            if (!e.id.empty()) last_event_id = e.id;
            hooks.event(e);
        });
        HttpRequest r = make_request("GET", "/api/v1/events");
        if (!last_event_id.empty()) r.headers.push_back("Last-Event-ID: " + last_event_id);
        r.stream = [&](std::string_view piece) {
            if (!opened) {
                opened = true;
                failures = 0;
                tell(true, std::nullopt);
            }
            parser.feed(piece);
            return !hooks.stop();
        };
        r.progress = [&](std::int64_t, std::int64_t) { return !hooks.stop(); };
        auto answer = client.send(r);
        if (hooks.stop()) return;
        std::optional<Error> why;
        if (!answer)
            why = answer.error();
        else if (answer->status < 200 || answer->status >= 300)
            why = client.error_of(*answer);
        if (!why && opened) continue;  // the server ended it: resume at once
        if (why && why->code == ErrorCode::invalid_input) last_event_id.clear();  // an id it does not take
        if (!why) why = Error{ErrorCode::unreachable, "the team server ended the event stream at once"};
        tell(false, why);
        ++failures;
        const auto wait = std::chrono::milliseconds(std::min(30'000, 1000 << std::min(failures - 1, 5)));
        if (!pause(wait, hooks)) return;
    }
}

}  // namespace wt::remote
