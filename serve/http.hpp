#pragma once
// What a handler sees of a request and gives back, and RAII for libmicrohttpd's handles.
#include <microhttpd.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "serve/router.hpp"

namespace wt::serve {

struct DaemonStopper {
    void operator()(MHD_Daemon* d) const { MHD_stop_daemon(d); }
};
using DaemonPtr = std::unique_ptr<MHD_Daemon, DaemonStopper>;

struct ResponseDeleter {
    // Responses are reference-counted: a queued one lives on until it has been sent.
    void operator()(MHD_Response* r) const { MHD_destroy_response(r); }
};
using ResponsePtr = std::unique_ptr<MHD_Response, ResponseDeleter>;

class UniqueFd {
public:
    UniqueFd() = default;
    explicit UniqueFd(int fd) : fd_(fd) {}
    UniqueFd(UniqueFd&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
    UniqueFd& operator=(UniqueFd&& o) noexcept {
        if (this != &o) {
            reset();
            fd_ = std::exchange(o.fd_, -1);
        }
        return *this;
    }
    ~UniqueFd() { reset(); }
    int get() const { return fd_; }
    int release() { return std::exchange(fd_, -1); }
    void reset() {
        if (fd_ >= 0) ::close(fd_);
        fd_ = -1;
    }

private:
    int fd_ = -1;
};

class Request {
public:
    Request(MHD_Connection* c, Method m, std::string path, std::string body, bool tls)
        : conn_(c), method(m), path(std::move(path)), body(std::move(body)), tls(tls) {}
    std::optional<std::string_view> header(const char* name) const { return value(MHD_HEADER_KIND, name); }
    std::optional<std::string_view> query(const char* name) const { return value(MHD_GET_ARGUMENT_KIND, name); }
    std::optional<std::string_view> cookie(const char* name) const { return value(MHD_COOKIE_KIND, name); }

    MHD_Connection* conn_;
    Method method;
    std::string path;
    std::map<std::string, std::string> params;  // the route's {name} segments
    std::string body;
    bool tls = false;
    std::string peer;  // the client's address

private:
    std::optional<std::string_view> value(MHD_ValueKind kind, const char* name) const {
        const char* v = MHD_lookup_connection_value(conn_, kind, name);
        if (!v) return std::nullopt;
        return std::string_view(v);
    }
};

struct Reply {
    unsigned status = 200;
    std::string body;
    std::string content_type = "application/json";
    std::vector<std::pair<std::string, std::string>> headers;
    // A file body: `length` bytes from `offset` of `file`, sent by the kernel (sendfile), never read
    // into memory here.
    UniqueFd file;
    std::int64_t offset = 0;
    std::int64_t length = 0;
    bool is_stream() const { return file.get() >= 0; }
    // A response the handler made itself (an event stream, sent as things happen), and how many
    // bytes of it went out, for the log line.
    ResponsePtr custom;
    std::shared_ptr<std::atomic<std::int64_t>> custom_sent;
};

// A JSON reply; API JSON is private and never cached.
Reply json_reply(unsigned status, const nlohmann::json& body);
// {"error": {"code", "message"}} with the status.
Reply error_reply(unsigned status, std::string_view code, std::string_view message);

}  // namespace wt::serve
