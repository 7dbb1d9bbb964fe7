#pragma once
// One HTTP(S) connection to a team server (libcurl's easy interface): requests one after another
// on a kept-alive connection, with timeouts, retries of what may be sent again, and the server's
// refusals turned into wt::Error. Internal to remote/.
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "remote/remote.hpp"

#include <curl/curl.h>

namespace wt::remote {

struct HttpResponse {
    long status = 0;
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;  // names lowercased, in order
    // The last value of a header (name in lower case); empty when absent.
    std::string header(std::string_view lower_name) const;
};

struct HttpRequest {
    std::string method = "GET";
    std::string target;  // path and query under the server's URL, e.g. "/api/v1/recordings?limit=5"
    std::optional<nlohmann::json> json;  // sent as the JSON body
    std::vector<std::string> headers;    // "Name: value"
    // A body read from this open file, from where it stands, of this many bytes (uploads).
    int body_fd = -1;
    std::int64_t body_size = 0;
    // Hears how many bytes of an upload have gone; false cancels.
    std::function<bool(std::int64_t sent, std::int64_t total)> progress;
    bool no_body_expected = false;      // HEAD
    std::int64_t max_bytes_per_second = 0;  // an upload's pace; 0: as fast as it goes
    // A response read as it arrives (an event stream): a 2xx answer's body goes here piece by piece
    // instead of into `body`; false ends the exchange. Such a request has no total timeout: it is cut
    // when nothing at all (not even a heartbeat) arrives for the options' `timeout`. `progress`, when
    // set, is asked at least once a second, so the caller can end a quiet stream too.
    std::function<bool(std::string_view piece)> stream;
};

// A request without a body, or with `json` as its body.
HttpRequest make_request(std::string method, std::string target, std::optional<nlohmann::json> json = std::nullopt);

// "a%2Fb" for a path segment or query value: everything but A-Z a-z 0-9 - . _ ~ percent-encoded.
std::string url_encode(std::string_view text);

class HttpClient {
public:
    explicit HttpClient(ServerOptions options);
    ~HttpClient();
    HttpClient(const HttpClient&) = delete;
    HttpClient& operator=(const HttpClient&) = delete;

    const ServerOptions& options() const { return options_; }

    // The exchange, whatever the status; an error only when no answer came (ErrorCode::unreachable)
    // after the retries the request allows.
    Result<HttpResponse> send(const HttpRequest& request);
    // The exchange, with a status outside 2xx turned into the server's error.
    Result<HttpResponse> call(const HttpRequest& request);
    // A JSON exchange: the answer's body parsed.
    Result<nlohmann::json> call_json(const std::string& method, const std::string& target,
                                     std::optional<nlohmann::json> body = std::nullopt);

    // The server's refusal as an error: its message, with what to do for 401.
    Error error_of(const HttpResponse& response) const;

private:
    struct CurlCleanup {
        void operator()(CURL* handle) const;
    };
    Result<HttpResponse> send_once(const HttpRequest& request, bool& may_retry);

    ServerOptions options_;
    std::unique_ptr<CURL, CurlCleanup> curl_;  // reused: its connection is kept alive
};

}  // namespace wt::remote
