#pragma once
// Cuts clients that take too long to send a request. libmicrohttpd's own timeout only notices a
// connection that says nothing at all; one that sends a byte a second would hold its place for
// ever. Each connection is watched from when it opens (or its last answer was sent) until its
// request has fully arrived; past the deadline its socket is shut down, and the server's own
// thread closes it.
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <set>
#include <string>
#include <thread>

namespace wt::serve {

class Watchdog {
public:
    using Clock = std::chrono::steady_clock;
    enum class Phase { waiting, receiving, responding };

    struct Connection {
        int fd = -1;
        Phase phase = Phase::waiting;
        Clock::time_point since;
        bool cut = false;
        std::string upload;  // the tus upload whose PATCH it is receiving, if any
    };

    explicit Watchdog(std::chrono::seconds deadline);
    ~Watchdog();
    Watchdog(const Watchdog&) = delete;
    Watchdog& operator=(const Watchdog&) = delete;

    // A new connection, watched until forget(); the server closes its socket only after forget().
    Connection* watch(int fd);
    void forget(Connection* c);
    void set_phase(Connection* c, Phase phase);
    // `c` is receiving a PATCH of tus upload `upload` (empty: no longer).
    void set_upload(Connection* c, std::string upload);
    // A tus client sends one PATCH of an upload at a time, so the owner's next PATCH while one is
    // still open means the open one is dead to its sender (a closed tab, a network gone without a
    // word): its connection is cut now, as tusd does, rather than holding the upload until the
    // deadline. One answering (importing the finished upload) is left alone. Whether one was cut.
    bool cut_upload_sender(const std::string& upload);

private:
    void run();
    std::chrono::seconds deadline_;
    std::mutex mutex_;  // guards connections_ and each Connection, stopping_
    std::condition_variable wake_;
    std::set<Connection*> connections_;
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace wt::serve
