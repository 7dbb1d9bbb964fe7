#include "serve/events.hpp"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <cstring>

#include <fmt/format.h>

#include "catalog/json_shapes.hpp"

namespace wt::serve {

namespace {

using Clock = std::chrono::steady_clock;
constexpr int k_page = 500;  // changes read from the log at a time

std::string event_text(const catalog::Change& c) {
    return fmt::format("id: {}\nevent: {}\ndata: {}\n\n", c.seq, c.kind,
                       catalog::to_json(c).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

// Tells a client that it is too far behind (or ahead: a library restored from a backup) to be told
// what it missed: it reloads what it shows and goes on from `seq`.
std::string resync_text(std::int64_t seq) {
    return fmt::format("id: {}\nevent: resync\ndata: {{\"seq\": {}}}\n\n", seq, seq);
}

// Whether `earlier` says nothing that `later` does not: one edit of a title, description and tags
// writes the recording three times, and a client needs to refetch it once.
bool superseded(const catalog::Change& earlier, const catalog::Change& later) {
    return (earlier.kind == "recording.changed" || earlier.kind == "view.changed") && earlier.kind == later.kind &&
           earlier.recording_id == later.recording_id && earlier.person_id == later.person_id;
}

void log_line(const std::string& text) {
    const std::string line = "walkthrough serve: " + text + "\n";
    std::fwrite(line.data(), 1, line.size(), stderr);
}

}  // namespace

bool may_see(const catalog::Person&, const catalog::Change& change) { return !change.kind.starts_with("access."); }

struct EventHub::Stream {
    EventHub* hub = nullptr;
    MHD_Connection* conn = nullptr;
    catalog::Person person;
    std::int64_t cursor = 0;  // the last change this stream has been given (or passed over)
    bool catch_up = false;    // it resumes from before the hub's cursor: the log is read for it
    std::string pending;      // written to the client as its socket takes it
    bool suspended = false;   // its connection is suspended, waiting for something to send
    bool closing = false;     // ends once `pending` is out
    bool released = false;    // its response is gone (and the connection with it)
    Clock::time_point opened = Clock::now();
    Clock::time_point last_write = Clock::now();
    std::shared_ptr<std::atomic<std::int64_t>> sent = std::make_shared<std::atomic<std::int64_t>>(0);
};

Result<std::unique_ptr<EventHub>> EventHub::start(EventOptions options) {
    auto feed = catalog::open_change_feed(options.library, options.busy_timeout_ms);
    if (!feed) return std::unexpected(feed.error());
    if (auto moved = (*feed)->moved(); !moved) return std::unexpected(moved.error());  // the baseline
    auto span = (*feed)->span();
    if (!span) return std::unexpected(span.error());
    std::unique_ptr<EventHub> hub(new EventHub(std::move(options), std::move(*feed)));
    hub->cursor_ = span->latest;
    hub->watcher_ = std::thread([h = hub.get()] { h->run(); });
    return hub;
}

EventHub::EventHub(EventOptions options, std::unique_ptr<catalog::ChangeFeed> feed)
    : options_(std::move(options)), feed_(std::move(feed)) {}

EventHub::~EventHub() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_watcher_.notify_all();
    if (watcher_.joinable()) watcher_.join();
}

Reply EventHub::open(const catalog::Person& person, MHD_Connection* c, std::optional<std::string_view> last_event_id) {
    std::optional<std::int64_t> resume_after;
    if (last_event_id && !last_event_id->empty()) {
        std::int64_t v = -1;
        auto [end, ec] = std::from_chars(last_event_id->data(), last_event_id->data() + last_event_id->size(), v);
        if (ec != std::errc() || end != last_event_id->data() + last_event_id->size() || v < 0) {
            return error_reply(400, "invalid_input",
                               "Last-Event-ID must be the id of an event this server sent (a number); leave it out "
                               "to start from now");
        }
        resume_after = v;
    }
    auto s = std::make_shared<Stream>();
    s->hub = this;
    s->conn = c;
    s->person = person;
    {
        std::lock_guard lock(mutex_);
        if (closing_) {
            Reply r = error_reply(503, "stopping", "the server is stopping; connect again in a moment");
            r.headers.emplace_back("Retry-After", "2");
            return r;
        }
        const auto mine =
            std::count_if(streams_.begin(), streams_.end(), [&](const auto& o) { return o->person.id == person.id; });
        if (mine >= options_.per_person) {
            Reply r = error_reply(429, "too_many_streams",
                                  fmt::format("{} already has {} event streams open (the limit); close one (another "
                                              "tab or app) and try again",
                                              person.name, mine));
            r.headers.emplace_back("Retry-After", "30");
            return r;
        }
        // A reconnecting client waits this long (ms) before it tries again.
        s->pending = "retry: 3000\n\n";
        if (!resume_after) {
            s->cursor = cursor_;
            s->pending += fmt::format("id: {}\nevent: ready\ndata: {{\"seq\": {}}}\n\n", cursor_, cursor_);
        } else if (*resume_after == cursor_) {
            s->cursor = cursor_;
            s->pending += ": resumed\n\n";
        } else {
            s->cursor = *resume_after;
            s->catch_up = true;  // the watcher reads what it missed (or tells it to resync)
        }
        streams_.push_back(s);
    }
    wake_watcher_.notify_all();

    Reply r;
    r.status = 200;
    r.content_type = "text/event-stream; charset=utf-8";
    r.headers = {{"Cache-Control", "private, no-store"}, {"X-Accel-Buffering", "no"}};
    r.custom.reset(
        MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 4096, &EventHub::read_cb, s.get(), &EventHub::free_cb));
    if (!r.custom) {
        release(s.get());
        return error_reply(500, "internal", "could not make an event stream response");
    }
    r.custom_sent = s->sent;
    return r;
}

ssize_t EventHub::read_cb(void* cls, std::uint64_t, char* buf, size_t max) {
    auto* s = static_cast<Stream*>(cls);
    return s->hub->read(*s, buf, max);
}

void EventHub::free_cb(void* cls) {
    auto* s = static_cast<Stream*>(cls);
    s->hub->release(s);
}

ssize_t EventHub::read(Stream& s, char* buf, size_t max) {
    std::lock_guard lock(mutex_);
    if (!s.pending.empty()) {
        const size_t n = std::min(max, s.pending.size());
        std::memcpy(buf, s.pending.data(), n);
        s.pending.erase(0, n);
        *s.sent += static_cast<std::int64_t>(n);
        return static_cast<ssize_t>(n);
    }
    if (s.closing) return MHD_CONTENT_READER_END_OF_STREAM;
    // Nothing to send: the connection leaves the server's threads until wake() brings it back.
    s.suspended = true;
    MHD_suspend_connection(s.conn);
    return 0;
}

void EventHub::release(Stream* s) {
    {
        std::lock_guard lock(mutex_);
        s->released = true;
        std::erase_if(streams_, [&](const auto& o) { return o.get() == s; });
    }
    released_.notify_all();
}

void EventHub::append(Stream& s, const std::string& text) {
    if (text.empty() || s.closing || s.released) return;
    s.pending += text;
    s.last_write = Clock::now();
    if (s.pending.size() > options_.max_pending) {
        // A client that does not read: it ends, and resumes from the last event it did read.
        s.pending.clear();
        s.closing = true;
    }
    wake(s);
}

void EventHub::wake(Stream& s) {
    if (s.suspended && !s.released) {
        s.suspended = false;
        MHD_resume_connection(s.conn);
    }
}

void EventHub::close_all() {
    std::lock_guard lock(mutex_);
    closing_ = true;
    for (auto& s : streams_) {
        s->closing = true;
        wake(*s);
    }
}

bool EventHub::wait_closed(std::chrono::milliseconds limit) {
    std::unique_lock lock(mutex_);
    return released_.wait_for(lock, limit, [&] { return streams_.empty(); });
}

void EventHub::run() {
    std::unique_lock lock(mutex_);
    while (!stopping_) {
        wake_watcher_.wait_for(lock, options_.poll);
        if (stopping_) break;
        lock.unlock();
        tick();
        lock.lock();
    }
}

std::vector<std::pair<catalog::Change, std::string>> EventHub::fetch_new() {
    std::vector<std::pair<catalog::Change, std::string>> out;
    auto moved = feed_->moved();
    if (!moved) {
        log_line("live events: cannot read the library's changes (" + moved.error().message + "); trying again");
        return out;
    }
    if (!*moved) return out;
    std::int64_t from = 0;
    {
        std::lock_guard lock(mutex_);
        from = cursor_;
    }
    for (;;) {
        auto page = feed_->after(from, k_page);
        if (!page) {
            log_line("live events: cannot read the library's changes (" + page.error().message + "); trying again");
            break;
        }
        for (auto& c : *page) {
            from = c.seq;
            if (!out.empty() && superseded(out.back().first, c)) out.pop_back();
            std::string text = event_text(c);
            out.emplace_back(std::move(c), std::move(text));
        }
        if (static_cast<int>(page->size()) < k_page) break;
    }
    return out;
}

std::string EventHub::catch_up_text(const Stream& s, std::int64_t from, std::int64_t to) {
    auto span = feed_->span();
    if (!span) return resync_text(to);
    // Changes after `from` are all still in the log only if the one right after it is.
    if (from > to || (from < to && span->oldest > from + 1)) return resync_text(to);
    std::vector<catalog::Change> missed;
    while (from < to) {
        auto page = feed_->after(from, k_page);
        if (!page) return resync_text(to);
        if (page->empty()) break;
        for (auto& c : *page) {
            if (c.seq > to) break;
            from = c.seq;
            if (!may_see(s.person, c)) continue;
            if (!missed.empty() && superseded(missed.back(), c)) missed.pop_back();
            missed.push_back(std::move(c));
        }
        if (!page->empty() && page->back().seq > to) break;
    }
    std::string text;
    for (const auto& c : missed) text += event_text(c);
    return text;
}

void EventHub::tick() {
    auto fresh = fetch_new();

    // Streams resuming from before the cursor: what they missed, read outside the lock.
    std::vector<std::pair<std::shared_ptr<Stream>, std::int64_t>> behind;
    std::int64_t cursor = 0;
    {
        std::lock_guard lock(mutex_);
        if (!fresh.empty()) cursor_ = fresh.back().first.seq;
        cursor = cursor_;
        for (auto& s : streams_) {
            if (s->catch_up && !s->closing) behind.emplace_back(s, s->cursor);
        }
    }
    std::vector<std::string> missed;
    for (auto& [s, from] : behind) missed.push_back(catch_up_text(*s, from, cursor));

    std::lock_guard lock(mutex_);
    for (size_t i = 0; i < behind.size(); ++i) {
        auto& s = *behind[i].first;
        if (s.released) continue;
        append(s, missed[i]);
        s.cursor = cursor;
        s.catch_up = false;
    }
    const auto now = Clock::now();
    for (auto& sp : streams_) {
        Stream& s = *sp;
        if (s.catch_up || s.closing) continue;
        std::string text;
        for (const auto& [change, formatted] : fresh) {
            if (change.seq <= s.cursor) continue;
            s.cursor = change.seq;
            if (change.kind == "access.revoked" && change.person_id == s.person.id) {
                // One of their credentials ended: they sign in again (with what they still have).
                s.pending.clear();
                s.closing = true;
                break;
            }
            if (may_see(s.person, change)) text += formatted;
        }
        if (s.closing) {
            wake(s);
            continue;
        }
        if (!text.empty()) {
            append(s, text);
        } else if (now - s.last_write >= options_.heartbeat) {
            append(s, ": keep-alive\n\n");
        }
        if (now - s.opened >= options_.max_age) {
            s.closing = true;  // the client reconnects with Last-Event-ID and is signed in afresh
            wake(s);
        }
    }
}

}  // namespace wt::serve
