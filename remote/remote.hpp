#pragma once
// A team library: catalog::Library over a team server's HTTP API (docs/api.md), and the servers
// this computer is connected to (`walkthrough connect`), each remembered under a name in
// $XDG_CONFIG_HOME/walkthrough/servers/ with its token in a file only its owner can read.
//
// Requests go through libcurl: TLS certificates are checked unless the connection was made with
// `insecure` (testing only: every use warns), a connection is kept alive between requests, every
// request has a connect and a total timeout, and requests that can safely be sent again (reads,
// PUT, DELETE; any request that could not connect at all) are retried with backoff. The server's
// refusals come back as errors with its message: 401 as ErrorCode::unauthorized (sign in again),
// 403 forbidden, 404 not_found, 409 ambiguous or conflict, 413 and 400 invalid_input, 422 bad_media,
// 429 and 503 busy; a server that cannot be reached as ErrorCode::unreachable.
//
// Thread-safety: as catalog::Library, one per thread.
#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "catalog/catalog.hpp"

namespace wt::remote {

struct ServerOptions {
    std::string url;    // "https://team.example.org[:port][/prefix]", as normalise_url gives it
    std::string name;   // the connection's name, for messages ("team"); may be empty
    std::string token;  // the personal token (Authorization: Bearer); empty for signing in
    bool insecure = false;  // do not check TLS certificates: for testing only
    std::string ca_file;    // trust only this certificate authority (a server with its own certificate)
    std::chrono::milliseconds connect_timeout{5000};
    std::chrono::milliseconds timeout{30000};  // a whole JSON exchange; uploads time out when stalled instead
    int attempts = 3;                          // tries of a request that may be sent again
};

// http(s)://HOST[:PORT][/PATH] without a trailing slash, a query or credentials; anything else is
// refused with what to give.
Result<std::string> normalise_url(std::string_view url);
// Whether `text` (a --library value) names a server by URL rather than a folder or a connection.
bool looks_like_url(std::string_view text);

struct SignedIn {
    catalog::Person person;
    std::string token;
    std::optional<EpochMs> token_expires_at;  // unknown when an existing token was given
};

// Spends an invite code on a personal token (POST /api/v1/session); when the server does not take
// it as an invite, checks it as a token (GET /api/v1/me). Neither: ErrorCode::unauthorized.
Result<SignedIn> sign_in(const ServerOptions& server, const std::string& code_or_token);
// Ends the token at the server (DELETE /api/v1/session).
Result<void> sign_out(const ServerOptions& server);

// The team library, acting as the token's person (checked with GET /api/v1/me). Operations the API
// does not offer (settings, checking files) fail with a message saying where to do them.
Result<std::unique_ptr<catalog::Library>> open_remote(const ServerOptions& server);

// A server this computer is connected to.
struct SavedServer {
    std::string name;
    std::string url;
    std::string person;  // who signed in
    std::string access;  // their access then: admin or member
    bool insecure = false;
    EpochMs connected_at = 0;
    std::string token;
};

// $XDG_CONFIG_HOME/walkthrough, else ~/.config/walkthrough.
std::filesystem::path config_dir();
// A connection's name: 1-40 of a-z, 0-9, '-' and '_', starting with a letter or digit.
Result<std::string> check_server_name(std::string_view name);
// Writes servers/NAME.json (mode 0600, written to a temporary file and renamed: never half written),
// replacing an earlier one of that name.
Result<void> save_server(const SavedServer& server);
// Every saved server, by name. A file that cannot be read is skipped with a warning in `problems`.
std::vector<SavedServer> saved_servers(std::vector<std::string>* problems = nullptr);
// The saved server of this name, or with this URL; nullopt when there is none.
std::optional<SavedServer> find_server(std::string_view name_or_url);
Result<void> forget_server(const std::string& name);
// The options to reach a saved server with its token (and `insecure` as it was connected).
ServerOptions server_options(const SavedServer& saved);

// Recordings on their way to a team server: an outbox on disk, one folder per recording in
// $XDG_DATA_HOME/walkthrough-remote/outbox/ (mode 0700) with its own copy of the video (a hard link
// when it can be) and what travels with it. Sending uses the tus protocol and always asks the server
// how far it got first, so a kill -9, a reboot, a lost network or a server restart only delays it.
struct Outgoing {
    enum class State { waiting, sending, published, refused };
    std::string id;      // the outbox's own id
    std::string server;  // the connection's name
    catalog::NewRecording details;          // title, description, kind, tags
    std::vector<catalog::Chapter> chapters;  // named moments, set once it is there
    std::string source;                      // where it came from: "<library folder> <recording id>"
    std::int64_t size_bytes = 0;
    std::string upload;            // the server's tus upload id, once made
    std::int64_t sent_bytes = 0;   // what the server had when last asked
    std::int64_t resumed_from = 0;  // where the last PATCH started: what the server had kept
    State state = State::waiting;
    std::string recording_id;      // on the server, once published
    std::string last_error;        // why the last try stopped
    EpochMs queued_at = 0;
    EpochMs last_try_at = 0;
    EpochMs published_at = 0;
    std::filesystem::path file;  // the outbox's copy; gone once published
};
const char* to_string(Outgoing::State);
// Its JSON shape (`uploads --json`): id, server, title, kind, tags, description, chapters, state,
// size_bytes, sent_bytes, resumed_from, recording_id, last_error, queued_at, last_try_at, published_at.
nlohmann::json to_json(const Outgoing&);

std::filesystem::path outbox_dir();
// Puts a recording in the outbox for `server` (a connection's name): `file` is linked (or copied)
// in, so the original may go. Nothing is sent yet.
Result<Outgoing> enqueue(const std::string& server, const std::filesystem::path& file,
                         const catalog::NewRecording& details, const std::vector<catalog::Chapter>& chapters,
                         const std::string& source);
// Every recording in the outbox, oldest first. Folders that cannot be read are named in `problems`.
std::vector<Outgoing> outbox(std::vector<std::string>* problems = nullptr);

struct SendOptions {
    std::int64_t max_bytes_per_second = 0;  // 0: as fast as it goes
    // Hears the bytes the server has so far of `total`; false stops (it resumes next time).
    std::function<bool(const Outgoing&, std::int64_t sent, std::int64_t total)> progress;
};
// How long a failed send waits before the CLI or the app tries it again on its own.
inline constexpr std::chrono::seconds k_retry_after{30};
// Whether a recording in the outbox waits with nobody sending it: a try that was cut off (a killed
// process, a reboot), or one that failed at least `retry_after` ago.
bool outbox_waiting(std::chrono::seconds retry_after = k_retry_after);

// Sends one recording of the outbox as far as it goes: makes its upload at the server (once),
// resumes from the server's offset, and once the server has it, sets its chapters and removes the
// outbox's copy. Another process sending it already: ErrorCode::busy. On failure the entry keeps
// the error and waits for the next try; a video the server refuses (422) is marked refused and kept.
Result<Outgoing> send(const std::string& id, const SendOptions& options = {});

}  // namespace wt::remote
