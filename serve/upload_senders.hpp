#pragma once
// Which connection is sending each resumable upload now. A tus client sends one PATCH of an upload
// at a time, so the owner's next PATCH while one is still open means the open one is dead to its
// sender: a closed tab, a network that went away without a word. Its connection is cut then, as
// tusd does, rather than holding the upload until the client timeout (the owner's retries would
// meanwhile be refused and could run out). A connection answering (importing the finished upload)
// is left alone.
#include <cstdint>
#include <map>
#include <mutex>
#include <string>

#include "serve/watchdog.hpp"

namespace wt::serve {

class UploadSenders {
public:
    explicit UploadSenders(Watchdog& watchdog) : watchdog_(watchdog) {}
    UploadSenders(const UploadSenders&) = delete;
    UploadSenders& operator=(const UploadSenders&) = delete;

    // Held while a PATCH's body arrives; let go when destroyed (when its request ends).
    class Hold {
    public:
        Hold() = default;
        Hold(Hold&& other) noexcept;
        Hold& operator=(Hold&&) = delete;
        ~Hold();
        void reset();  // let go now (the request is answering)

    private:
        friend class UploadSenders;
        Hold(UploadSenders* senders, std::string uid, std::uint64_t serial)
            : senders_(senders), uid_(std::move(uid)), serial_(serial) {}
        UploadSenders* senders_ = nullptr;
        std::string uid_;
        std::uint64_t serial_ = 0;
    };

    // `connection` is sending upload `uid` now (it holds the part's lock).
    Hold hold(const std::string& uid, Watchdog::Connection* connection);
    // Cuts the connection sending `uid`, unless it is answering. Whether one was cut. (Under this
    // object's lock, then the watchdog's: the watchdog never calls back, so the order is fixed.)
    bool stop(const std::string& uid);

private:
    struct Sender {
        Watchdog::Connection* connection;
        std::uint64_t serial;  // a later hold of the same upload replaces this one, not the other way
    };
    void release(const std::string& uid, std::uint64_t serial);

    Watchdog& watchdog_;
    std::mutex mutex_;  // guards senders_, next_serial_
    std::map<std::string, Sender> senders_;
    std::uint64_t next_serial_ = 1;
};

}  // namespace wt::serve
