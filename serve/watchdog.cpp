#include "serve/watchdog.hpp"

#include <sys/socket.h>

namespace wt::serve {

Watchdog::Watchdog(std::chrono::seconds deadline) : deadline_(deadline), thread_([this] { run(); }) {}

Watchdog::~Watchdog() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    thread_.join();
    for (auto* c : connections_) delete c;
}

Watchdog::Connection* Watchdog::watch(int fd) {
    auto* c = new Connection{fd, Phase::waiting, Clock::now(), false, {}};
    std::lock_guard lock(mutex_);
    connections_.insert(c);
    return c;
}

void Watchdog::forget(Connection* c) {
    {
        std::lock_guard lock(mutex_);
        connections_.erase(c);
    }
    delete c;
}

void Watchdog::set_phase(Connection* c, Phase phase) {
    if (!c) return;
    std::lock_guard lock(mutex_);
    if (!connections_.contains(c)) return;  // already forgotten: the connection is closing
    c->phase = phase;
    c->since = Clock::now();
}

void Watchdog::set_upload(Connection* c, std::string upload) {
    if (!c) return;
    std::lock_guard lock(mutex_);
    if (connections_.contains(c)) c->upload = std::move(upload);
}

bool Watchdog::cut_upload_sender(const std::string& upload) {
    std::lock_guard lock(mutex_);
    for (auto* c : connections_) {
        if (c->upload != upload || c->phase == Phase::responding) continue;
        // Under the lock, as in run(): a connection still watched still has its fd.
        if (!c->cut) ::shutdown(c->fd, SHUT_RDWR);
        c->cut = true;
        return true;
    }
    return false;
}

void Watchdog::run() {
    std::unique_lock lock(mutex_);
    while (!stopping_) {
        wake_.wait_for(lock, std::chrono::milliseconds(250));
        const auto now = Clock::now();
        for (auto* c : connections_) {
            if (c->cut || c->phase == Phase::responding || now - c->since < deadline_) continue;
            // Under the lock: forget() (called before the socket is closed) cannot run meanwhile,
            // so this fd is still this connection's.
            ::shutdown(c->fd, SHUT_RDWR);
            c->cut = true;
        }
    }
}

}  // namespace wt::serve
