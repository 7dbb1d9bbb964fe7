#pragma once
// Live events for signed-in clients (Server-Sent Events on GET /api/v1/events).
//
// One watcher thread asks the library's change log whether anything was committed (PRAGMA
// data_version on its own connection: cheap) and, when something was, reads the new changes and
// hands each to every stream whose person may see it. The log is filled by triggers, so changes
// made by the CLI or the desktop app in other processes arrive like the server's own. Event ids
// are the log's sequence numbers, so a client that reconnects with Last-Event-ID misses nothing.
//
// A stream never holds one of the server's threads: when it has nothing to send, its connection is
// suspended, and the watcher resumes it when there is something (an event, a heartbeat, the end).
#include <microhttpd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "catalog/catalog.hpp"
#include "catalog/changes.hpp"
#include "common/result.hpp"
#include "serve/http.hpp"

namespace wt::serve {

struct EventOptions {
    std::filesystem::path library;
    int busy_timeout_ms = 5000;
    std::chrono::milliseconds poll{100};          // how often the watcher asks whether anything changed
    std::chrono::milliseconds heartbeat{15'000};  // a comment line on a quiet stream, for proxies and clients
    std::chrono::milliseconds max_age{30 *
                                      60'000};  // then the stream ends and the client resumes (credentials re-checked)
    int per_person = 4;                         // open streams per person; 429 beyond
    std::size_t max_pending = 1 << 20;          // bytes waiting for a client that does not read; past it, ended
};

// Whether `person` may be told of `change`. Every signed-in person may see the library's
// recordings and what happens to them; access.* changes are the server's own business.
bool may_see(const catalog::Person& person, const catalog::Change& change);

class EventHub {
public:
    // Opens its own connection to the library and starts the watcher.
    static Result<std::unique_ptr<EventHub>> start(EventOptions options);
    ~EventHub();
    EventHub(const EventHub&) = delete;
    EventHub& operator=(const EventHub&) = delete;

    // The reply to GET /events for `person` on connection `c`: the stream, or 429 past the limit,
    // 400 for a Last-Event-ID that is not one of ours, 503 while the server stops.
    Reply open(const catalog::Person& person, MHD_Connection* c, std::optional<std::string_view> last_event_id);
    // Ends every stream (their clients see the end of the response) and refuses new ones.
    void close_all();
    // Waits until every stream's response is gone, up to `limit`; whether they all are.
    bool wait_closed(std::chrono::milliseconds limit);

private:
    struct Stream;
    explicit EventHub(EventOptions options, std::unique_ptr<catalog::ChangeFeed> feed);
    static ssize_t read_cb(void* cls, std::uint64_t pos, char* buf, size_t max);
    static void free_cb(void* cls);
    ssize_t read(Stream& s, char* buf, size_t max);
    void release(Stream* s);
    void run();
    void tick();
    std::vector<std::pair<catalog::Change, std::string>> fetch_new();
    std::string catch_up_text(const Stream& s, std::int64_t from, std::int64_t to);
    void append(Stream& s, const std::string& text);  // with mutex_ held
    void wake(Stream& s);                             // with mutex_ held

    EventOptions options_;
    std::unique_ptr<catalog::ChangeFeed> feed_;  // the watcher thread's alone

    std::mutex mutex_;  // guards streams_ (and every Stream's fields), cursor_, closing_, stopping_
    std::condition_variable wake_watcher_;
    std::condition_variable released_;
    std::vector<std::shared_ptr<Stream>> streams_;
    std::int64_t cursor_ = 0;  // the latest change read from the log
    bool closing_ = false;
    bool stopping_ = false;
    std::thread watcher_;
};

}  // namespace wt::serve
