#pragma once
// The team server: one library reachable over HTTP (JSON API under /api/v1, media with byte
// ranges), for the people invited to it. docs/api.md describes the routes.
//
// Every worker thread has its own catalog connection; a request acts as the person its
// credential names, and nothing in a request becomes a file path.
#include <chrono>
#include <cstddef>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "catalog/catalog.hpp"
#include "common/result.hpp"

namespace wt::serve {

struct Options {
    std::filesystem::path library;
    catalog::OpenOptions open;  // how each worker opens the library
    std::string host = "127.0.0.1";
    int port = 8642;         // 0: any free port (see Server::port)
    std::string public_url;  // how people reach it; empty: http://HOST:PORT
    int threads = 4;
    // A client must send a whole request (headers and a JSON body) within this many seconds, and a
    // connection with nothing to do is closed after as long.
    int client_timeout_s = 15;
    std::size_t max_json_body = 1 << 20;
    std::size_t max_header_bytes = 32 * 1024;
    unsigned connections_per_address = 64;
    unsigned max_connections = 1000;
    // Failed sign-ins (unknown invite codes, tokens or cookies) one address may make in a window
    // before it gets 429 until the window has passed.
    int sign_in_failures = 20;
    int sign_in_window_s = 300;
    // HTTPS directly: a PEM certificate and its key (both or neither). The default public URL is
    // then https://HOST:PORT, and cookies are Secure.
    std::filesystem::path tls_cert;
    std::filesystem::path tls_key;
    // Live events (GET /api/v1/events): a comment line on a quiet stream this often, and this many
    // streams per person.
    int event_heartbeat_ms = 15'000;
    int event_streams_per_person = 4;
    // API requests a person may make a minute (and at once, after a quiet minute) before getting
    // 429: far above what a person's browser, app or scripts send, per person and not per address.
    int requests_per_minute = 1200;
    // The browser viewer's files (web/ of the source, or share/walkthrough/web when installed);
    // empty: found where the binary is installed or was built (WebFiles::find_root).
    std::filesystem::path web_root;
    // Behind a reverse proxy on this address (e.g. 127.0.0.1 for nginx on the same machine), a
    // request from it is counted for the per-address sign-in limit under the client address the
    // proxy put last in X-Forwarded-For. Empty: the header is ignored (a client could write it).
    std::string trusted_proxy;
    // Answers to list pages, searches and comment lists kept between requests (emptied by any
    // change to the library), up to this many bytes; 0: none kept.
    std::size_t cache_bytes = 32 << 20;
};

// An IPv4 or IPv6 address as the server writes peers' addresses (inet_ntop's form), or nullopt.
std::optional<std::string> normal_address(std::string_view text);

// "HOST:PORT" or "[IPv6]:PORT" -> host and port.
Result<std::pair<std::string, int>> parse_listen(std::string_view text);

class Server {
public:
    // Binds and starts serving; fails with what went wrong (address in use, library not openable).
    static Result<std::unique_ptr<Server>> start(Options options);
    virtual ~Server() = default;
    virtual std::string url() const = 0;  // the public URL, no trailing slash
    virtual int port() const = 0;         // the port bound
    // Stops accepting, ends event streams, gives other requests in progress up to `grace` to finish
    // (media streams are not waited for), then closes every connection. Idempotent; the destructor
    // does it with no grace.
    virtual void stop(std::chrono::milliseconds grace) = 0;
};

}  // namespace wt::serve
