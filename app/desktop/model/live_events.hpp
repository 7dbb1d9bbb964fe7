#pragma once
// A team library's changes, live: a thread of its own follows the server's event stream
// (remote::follow_events: reconnecting with Last-Event-ID after any break) and hands each change,
// and whether the server answers, to the controller through a worker's mailbox
// (results::ServerChanged, results::ServerReachable). It never touches the app's state.
//
// Thread-safety: made and dropped on the UI thread. Dropping it asks the thread to stop and joins it
// (up to a second: it notices between reads); the controller drops it on a worker, not the window.
#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "app/desktop/model/results.hpp"

namespace wt::ui {

class Worker;

// Where the follower's results go: a worker's mailbox, until the controller says it is gone.
class LiveOutlet {
public:
    explicit LiveOutlet(Worker* to) : to_(to) {}
    void tell(JobResult result);
    void close();  // nothing is delivered after this returns

private:
    std::mutex lock_;  // guards to_
    Worker* to_;
};

class LiveEvents {
public:
    LiveEvents(std::string connection, std::shared_ptr<LiveOutlet> outlet);
    ~LiveEvents();
    LiveEvents(const LiveEvents&) = delete;
    LiveEvents& operator=(const LiveEvents&) = delete;

    const std::string& connection() const { return connection_; }

private:
    void run();

    const std::string connection_;
    std::shared_ptr<LiveOutlet> outlet_;
    std::atomic<bool> stop_{false};
    std::thread thread_;  // last: starts once the rest exists
};

}  // namespace wt::ui
