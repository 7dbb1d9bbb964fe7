#include "serve/upload_senders.hpp"

#include <utility>

namespace wt::serve {

UploadSenders::Hold::Hold(Hold&& other) noexcept
    : senders_(std::exchange(other.senders_, nullptr)), uid_(std::move(other.uid_)), serial_(other.serial_) {}

UploadSenders::Hold::~Hold() { reset(); }

void UploadSenders::Hold::reset() {
    if (auto* senders = std::exchange(senders_, nullptr)) senders->release(uid_, serial_);
}

UploadSenders::Hold UploadSenders::hold(const std::string& uid, Watchdog::Connection* connection) {
    std::lock_guard lock(mutex_);
    const std::uint64_t serial = next_serial_++;
    senders_[uid] = Sender{connection, serial};
    return Hold(this, uid, serial);
}

bool UploadSenders::stop(const std::string& uid) {
    // Cut under our lock: a request ends (its Hold let go) before its connection closes, so a sender
    // still listed is a connection still open, and its address cannot yet be a new connection's.
    std::lock_guard lock(mutex_);
    auto it = senders_.find(uid);
    return it != senders_.end() && watchdog_.cut(it->second.connection);
}

void UploadSenders::release(const std::string& uid, std::uint64_t serial) {
    std::lock_guard lock(mutex_);
    if (auto it = senders_.find(uid); it != senders_.end() && it->second.serial == serial) senders_.erase(it);
}

}  // namespace wt::serve
