#pragma once
// What the server suites share: `walkthrough serve` on a free loopback port in a fresh library
// (started and stopped by PID), an HTTP client (libcurl), and raw sockets for misbehaving clients.
#include <sys/types.h>

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/support.hpp"

namespace wt::test {

struct Http {
    long status = 0;
    std::string body;
    std::map<std::string, std::string> headers;  // names lowercased; the last of each
    std::string error;                           // libcurl's, when the exchange failed
    nlohmann::json json() const;                 // parses body; fails the test if it is not JSON
    std::string header(const std::string& lower_name) const;
};

struct HttpRequest {
    std::string method = "GET";
    std::string path;                  // as sent, not normalised ("/api/v1/...")
    std::vector<std::string> headers;  // "Name: value"
    std::optional<std::string> body;   // sent as JSON unless headers name a Content-Type
};

// A served library: `walkthrough --library ROOT serve --listen 127.0.0.1:0 --json`.
class Served {
public:
    explicit Served(CliLibrary& lib, std::vector<std::string> extra = {});
    ~Served();
    Served(const Served&) = delete;
    Served& operator=(const Served&) = delete;

    std::string url;
    pid_t pid = -1;

    Http call(const HttpRequest& r) const;
    Http get(const std::string& path, const std::string& token) const;
    Http post(const std::string& path, const std::string& token, const std::string& body) const;
    // Signs in with an invite made by the CLI for `name`: the token.
    std::string invite_code(const std::string& name) const;
    std::string sign_in(const std::string& name) const;
    // SIGTERM, then waits up to `limit`: the exit code, or nullopt when it did not exit in time.
    std::optional<int> stop(std::chrono::milliseconds limit, std::chrono::milliseconds* took = nullptr);
    std::string log() const;  // what it wrote on stderr

private:
    CliLibrary& lib_;
    TempDir io_;
};

// A raw TCP connection to 127.0.0.1:port, for requests libcurl would not send.
class RawClient {
public:
    explicit RawClient(const std::string& url, int receive_buffer = 0);
    ~RawClient();
    RawClient(const RawClient&) = delete;
    RawClient& operator=(const RawClient&) = delete;
    bool send(const std::string& bytes);
    // Reads what arrives within `wait` (until the peer closes, or `max` bytes).
    std::string receive(std::chrono::milliseconds wait, size_t max = 1 << 20);
    // Whether the server has closed the connection (a read returns end of file or an error).
    bool closed_by_peer(std::chrono::milliseconds wait);

private:
    int fd_ = -1;
};

// A count from the library's catalog.db (read-only SQL), to show that a refusal changed nothing.
std::int64_t count_rows(const CliLibrary& lib, const std::string& sql);

}  // namespace wt::test
