#pragma once
// What the server suites share: `walkthrough serve` on a free loopback port in a fresh library
// (started and stopped by PID), an HTTP client (libcurl), and raw sockets for misbehaving clients.
#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
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

// A served library: `walkthrough --library ROOT serve --listen 127.0.0.1:0 --json` (or at `listen`:
// a server started again on the port it had).
class Served {
public:
    explicit Served(CliLibrary& lib, std::vector<std::string> extra = {}, const std::string& listen = "127.0.0.1:0");
    ~Served();
    Served(const Served&) = delete;
    Served& operator=(const Served&) = delete;

    std::string url;
    pid_t pid = -1;
    std::string ca_file;  // for https: the only certificate authority trusted (pinned)

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

// One person's computer, for the CLI on a team library: its own $XDG_CONFIG_HOME (connections) and
// $XDG_DATA_HOME (the outbox, the spool), and for `play` an X display when one is set.
struct Laptop {
    TempDir home;
    std::string display;
    std::map<std::string, std::string> env() const;
    RunResult run(std::vector<std::string> args) const;
    // `walkthrough --json ARGS`, required to succeed; its output parsed.
    nlohmann::json ok(std::vector<std::string> args) const;
    // Where `connect --name NAME` keeps the connection.
    std::filesystem::path saved(const std::string& name) const;
};

// One request to BASE_URL + r.path; with `ca_file`, the only certificate authority trusted.
Http request(const std::string& base_url, const HttpRequest& r, const std::string& ca_file = {});

std::string auth(const std::string& token);  // "Authorization: Bearer TOKEN"

// POST /api/v1/recordings + QUERY ("?title=..."), with `video` (the file's bytes) as the body.
Http post_video(const Served& server, const std::string& token, const std::string& query, const std::string& video);

// A Server-Sent Events client on its own thread (libcurl): GET /api/v1/events with a token and
// optionally Last-Event-ID, collecting what arrives.
class EventStream {
public:
    struct Event {
        std::string id;
        std::string event;
        std::string data;
        nlohmann::json json() const;  // data parsed; fails the test if it is not JSON
    };
    EventStream(const Served& server, const std::string& token, std::optional<std::string> last_event_id = {});
    ~EventStream();  // hangs up
    EventStream(const EventStream&) = delete;
    EventStream& operator=(const EventStream&) = delete;

    // The first event (after any seen before) that `match` accepts, waiting up to `limit`.
    std::optional<Event> next(const std::function<bool(const Event&)>& match, std::chrono::milliseconds limit);
    std::optional<Event> next(const std::string& kind, std::chrono::milliseconds limit);
    std::vector<Event> events() const;                   // every event so far
    std::string raw() const;                             // every byte so far (comments included)
    long status(std::chrono::milliseconds limit) const;  // once the headers have come; 0 if not in time
    // Whether the server has ended the response, waiting up to `limit`.
    bool ended(std::chrono::milliseconds limit) const;
    void hang_up();

private:
    static size_t on_data(char* data, size_t size, size_t n, void* self);
    static size_t on_header(char* data, size_t size, size_t n, void* self);
    static int on_progress(void* self, long long, long long, long long, long long);
    mutable std::mutex mutex_;  // guards raw_, status_, done_
    std::string raw_;
    long status_ = 0;
    bool done_ = false;
    size_t seen_ = 0;  // events already handed out by next()
    std::atomic<bool> stop_{false};
    std::thread thread_;
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

// PRAGMA integrity_check of the library's catalog.db: "ok" when it is sound.
std::string integrity(const CliLibrary& lib);

// A count from the library's catalog.db (read-only SQL), to show that a refusal changed nothing.
std::int64_t count_rows(const CliLibrary& lib, const std::string& sql);
// The text of the first row's first column: a whole library's state in one value, for instance.
std::string text_row(const CliLibrary& lib, const std::string& sql);
// Changes the catalog behind the server's back (as time passing would, say).
void run_sql(const CliLibrary& lib, const std::string& sql);

// A JSON error answer with this status and code, and a message that says something.
void check_refused(const Http& r, long status, const std::string& code);

// Runs a browser script (node and playwright-core: tests/e2e/*.mjs) with `config` as its JSON
// file: what its steps saw ({"steps"} of the line it printed). Fails the test with what node said
// when the script failed.
nlohmann::json browser_steps(const std::filesystem::path& script, const nlohmann::json& config);

}  // namespace wt::test
