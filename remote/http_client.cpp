#include "remote/http_client.hpp"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstring>
#include <mutex>
#include <random>
#include <thread>

#include <fmt/format.h>

#include "common/text.hpp"

namespace wt::remote {

namespace {

// A JSON answer larger than this is not one this client asked for.
constexpr size_t k_max_answer = size_t{64} << 20;

void global_init() {
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct CurlSlistFree {
    void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};
using HeaderList = std::unique_ptr<curl_slist, CurlSlistFree>;

// What a request collects as it runs (libcurl's callbacks write here).
struct Exchange {
    HttpResponse response;
    const HttpRequest* request = nullptr;
    bool too_large = false;
    bool stream_ended = false;  // the request's `stream` said stop
    bool streamed = false;      // the request's `stream` has had a piece: it is not sent again
    int read_errno = 0;
};

size_t on_body(char* data, size_t size, size_t n, void* user) {
    auto* ex = static_cast<Exchange*>(user);
    if (ex->request->stream && ex->response.status >= 200 && ex->response.status < 300) {
        ex->streamed = true;
        if (ex->request->stream(std::string_view(data, size * n))) return size * n;
        ex->stream_ended = true;
        return 0;
    }
    if (ex->response.body.size() + size * n > k_max_answer) {
        ex->too_large = true;
        return 0;
    }
    ex->response.body.append(data, size * n);
    return size * n;
}

size_t on_header(char* data, size_t size, size_t n, void* user) {
    auto* ex = static_cast<Exchange*>(user);
    std::string_view line(data, size * n);
    if (line.starts_with("HTTP/")) {  // a new answer (after 100 Continue)
        ex->response.headers.clear();
        // Its status, so a streamed body knows whether it is the answer or an error's text.
        const auto space = line.find(' ');
        long status = 0;
        if (space != std::string_view::npos)
            std::from_chars(line.data() + space + 1, line.data() + line.size(), status);
        ex->response.status = status;
    }
    const auto colon = line.find(':');
    if (colon == std::string_view::npos) return size * n;
    std::string name(line.substr(0, colon));
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
    while (!value.empty() && (value.back() == '\r' || value.back() == '\n' || value.back() == ' '))
        value.remove_suffix(1);
    ex->response.headers.emplace_back(std::move(name), std::string(value));
    return size * n;
}

size_t on_read(char* buffer, size_t size, size_t n, void* user) {
    auto* ex = static_cast<Exchange*>(user);
    for (;;) {
        const ssize_t got = ::read(ex->request->body_fd, buffer, size * n);
        if (got >= 0) return static_cast<size_t>(got);
        if (errno == EINTR) continue;
        ex->read_errno = errno;
        return CURL_READFUNC_ABORT;
    }
}

int on_progress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t sent) {
    auto* ex = static_cast<Exchange*>(user);
    if (!ex->request->progress) return 0;
    return ex->request->progress(sent, ex->request->body_size) ? 0 : 1;
}

bool idempotent(const std::string& method) {
    return method == "GET" || method == "HEAD" || method == "PUT" || method == "DELETE" || method == "OPTIONS";
}

// Failures where the request never reached the server: sending it again cannot do anything twice.
bool nothing_sent(CURLcode rc) {
    return rc == CURLE_COULDNT_CONNECT || rc == CURLE_COULDNT_RESOLVE_HOST || rc == CURLE_COULDNT_RESOLVE_PROXY;
}

std::string who(const ServerOptions& o) { return o.name.empty() ? o.url : fmt::format("'{}' ({})", o.name, o.url); }

// Seconds of a Retry-After header; nullopt when absent or not a number of seconds.
std::optional<int> retry_after(const HttpResponse& r) {
    const std::string v = r.header("retry-after");
    int s = 0;
    auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), s);
    if (v.empty() || ec != std::errc() || end != v.data() + v.size() || s < 0) return std::nullopt;
    return s;
}

}  // namespace

std::string HttpResponse::header(std::string_view lower_name) const {
    std::string out;
    for (const auto& [name, value] : headers) {
        if (name == lower_name) out = value;
    }
    return out;
}

HttpRequest make_request(std::string method, std::string target, std::optional<nlohmann::json> json) {
    HttpRequest r;
    r.method = std::move(method);
    r.target = std::move(target);
    r.json = std::move(json);
    return r;
}

std::string url_encode(std::string_view text) {
    std::string out;
    for (unsigned char c : text) {
        if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
            out += static_cast<char>(c);
        } else {
            out += fmt::format("%{:02X}", c);
        }
    }
    return out;
}

void HttpClient::CurlCleanup::operator()(CURL* handle) const { curl_easy_cleanup(handle); }

HttpClient::HttpClient(ServerOptions options) : options_(std::move(options)) {
    global_init();
    curl_.reset(curl_easy_init());
}

HttpClient::~HttpClient() = default;

Result<HttpResponse> HttpClient::send_once(const HttpRequest& request, bool& may_retry) {
    may_retry = false;
    CURL* curl = curl_.get();
    if (!curl) return fail(ErrorCode::internal, "libcurl could not start (out of memory?)");
    curl_easy_reset(curl);  // keeps the open connection for the next request
    Exchange ex;
    ex.request = &request;
    const std::string url = options_.url + request.target;
    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options_.connect_timeout.count()));
    curl_easy_setopt(curl, CURLOPT_TCP_KEEPALIVE, 1L);
    if (options_.insecure) {
        curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 0L);
        curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 0L);
    } else {
        curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L);
        curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L);
    }
    if (!options_.ca_file.empty()) curl_easy_setopt(curl, CURLOPT_CAINFO, options_.ca_file.c_str());
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &ex);
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, &ex);

    HeaderList headers;
    auto add_header = [&](const std::string& h) {
        curl_slist* grown = curl_slist_append(headers.get(), h.c_str());
        if (grown) {
            (void)headers.release();
            headers.reset(grown);
        }
    };
    add_header("Accept: application/json");
    add_header("Expect:");  // no 100-continue round trip before a body
    if (!options_.token.empty()) add_header("Authorization: Bearer " + options_.token);
    for (const auto& h : request.headers) add_header(h);

    std::string json_body;
    const bool upload = request.body_fd >= 0;
    if (request.json) {
        json_body = request.json->dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
        add_header("Content-Type: application/json");
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, json_body.data());
        curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(json_body.size()));
    } else if (upload) {
        curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
        curl_easy_setopt(curl, CURLOPT_READFUNCTION, on_read);
        curl_easy_setopt(curl, CURLOPT_READDATA, &ex);
        curl_easy_setopt(curl, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(request.body_size));
        curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
        curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, on_progress);
        curl_easy_setopt(curl, CURLOPT_XFERINFODATA, &ex);
        if (request.max_bytes_per_second > 0) {
            curl_easy_setopt(curl, CURLOPT_MAX_SEND_SPEED_LARGE, static_cast<curl_off_t>(request.max_bytes_per_second));
        }
    } else if (request.method == "POST" || request.method == "PATCH") {
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, "");
        curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(0));
    }
    if (request.method == "HEAD" || request.no_body_expected) curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
    if (request.method != "GET" && request.method != "HEAD") {
        curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    }
    if (upload) {
        // An upload takes as long as it takes; it is cut when nothing moves for a while instead.
        curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, 1L);
        curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME, static_cast<long>(std::max<long long>(
                                                           1, std::chrono::duration_cast<std::chrono::seconds>(
                                                                  options_.timeout)
                                                                  .count())));
    } else if (request.stream) {
        curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, 1L);
        curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME,
                         static_cast<long>(std::max<long long>(
                             1, std::chrono::duration_cast<std::chrono::seconds>(options_.timeout).count())));
        curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
        curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, on_progress);
        curl_easy_setopt(curl, CURLOPT_XFERINFODATA, &ex);
    } else {
        curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(options_.timeout.count()));
    }
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers.get());

    const CURLcode rc = curl_easy_perform(curl);
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &ex.response.status);
    if (rc == CURLE_OK) return std::move(ex.response);
    if (ex.too_large) {
        return fail(ErrorCode::internal,
                    fmt::format("the team server {} sent an answer over {}; is the address right?", who(options_),
                                human_size(static_cast<std::int64_t>(k_max_answer))));
    }
    if (ex.read_errno != 0) {
        return fail(ErrorCode::io, fmt::format("could not read the file being sent: {}", std::strerror(ex.read_errno)));
    }
    if (rc == CURLE_ABORTED_BY_CALLBACK || ex.stream_ended)
        return fail(ErrorCode::conflict, "the transfer was cancelled");
    // A stream's pieces are already with its caller, which would get them twice.
    may_retry = (nothing_sent(rc) || (idempotent(request.method) && !upload)) && !ex.streamed;
    const bool tls = rc == CURLE_PEER_FAILED_VERIFICATION || rc == CURLE_SSL_CONNECT_ERROR ||
                     rc == CURLE_SSL_CACERT_BADFILE || rc == CURLE_SSL_CERTPROBLEM;
    if (tls) {
        may_retry = false;
        return fail(ErrorCode::unreachable,
                    fmt::format("the team server {} could not be reached securely: {}; check the address (a "
                                "server's own certificate needs its authority trusted)",
                                who(options_), curl_easy_strerror(rc)));
    }
    return fail(ErrorCode::unreachable,
                fmt::format("cannot reach the team server {}: {}; check the address and the network, or try again "
                            "when the server is back",
                            who(options_), curl_easy_strerror(rc)));
}

Result<HttpResponse> HttpClient::send(const HttpRequest& request) {
    static thread_local std::minstd_rand jitter{std::random_device{}()};
    const int attempts = std::max(1, options_.attempts);
    for (int attempt = 1;; ++attempt) {
        bool may_retry = false;
        auto response = send_once(request, may_retry);
        std::chrono::milliseconds wait(100 << attempt);  // 200, 400, 800 ms ...
        wait += std::chrono::milliseconds(jitter() % 100);
        if (response) {
            const long s = response->status;
            // A busy library or a full allowance: an idempotent request may try again soon.
            const bool busy = (s == 503 || s == 429) && idempotent(request.method) && request.body_fd < 0;
            if (!busy || attempt >= attempts) return response;
            const auto after = retry_after(*response);
            if (after && *after > 2) return response;  // too long to wait here; the error says when
            if (after) wait = std::max(wait, std::chrono::milliseconds(*after * 1000));
        } else if (!may_retry || attempt >= attempts || request.body_fd >= 0) {
            return response;  // a body read from a file is not read twice: its caller resumes it
        }
        std::this_thread::sleep_for(wait);
    }
}

Error HttpClient::error_of(const HttpResponse& r) const {
    std::string code, message;
    auto j = nlohmann::json::parse(r.body, nullptr, false);
    if (j.is_object() && j.contains("error") && j["error"].is_object()) {
        const auto& e = j["error"];
        if (e.contains("code") && e["code"].is_string()) code = e["code"].get<std::string>();
        if (e.contains("message") && e["message"].is_string()) message = e["message"].get<std::string>();
    }
    if (message.empty()) message = fmt::format("the team server {} answered {}", who(options_), r.status);
    switch (r.status) {
    case 400:
    case 413: return {ErrorCode::invalid_input, message};
    case 401: {
        const std::string name = options_.name.empty() ? std::string() : " --name " + options_.name;
        return {ErrorCode::unauthorized,
                fmt::format("the team server {} does not accept your sign-in any more ({}); sign in again with "
                            "`walkthrough connect {} CODE{}` using a new invite from an admin",
                            who(options_), message, options_.url, name)};
    }
    case 403: return {ErrorCode::forbidden, message};
    case 404: return {ErrorCode::not_found, message};
    case 409: return {code == "ambiguous" ? ErrorCode::ambiguous : ErrorCode::conflict, message};
    case 422: return {ErrorCode::bad_media, message};
    case 429:
    case 503: {
        const auto after = retry_after(r);
        return {ErrorCode::busy, after ? fmt::format("{} (try again in {} s)", message, *after) : message};
    }
    default: break;
    }
    if (r.status >= 500) {
        return {ErrorCode::internal, fmt::format("the team server {} failed ({}): {}", who(options_), r.status, message)};
    }
    return {ErrorCode::internal, message};
}

Result<HttpResponse> HttpClient::call(const HttpRequest& request) {
    auto r = send(request);
    if (!r) return r;
    if (r->status < 200 || r->status > 299) return std::unexpected(error_of(*r));
    return r;
}

Result<nlohmann::json> HttpClient::call_json(const std::string& method, const std::string& target,
                                             std::optional<nlohmann::json> body) {
    auto r = call(make_request(method, target, std::move(body)));
    if (!r) return std::unexpected(r.error());
    auto j = nlohmann::json::parse(r->body, nullptr, false);
    if (j.is_discarded()) {
        return fail(ErrorCode::internal,
                    fmt::format("the team server {} did not answer {} {} with JSON; is it a walkthrough server?",
                                who(options_), method, target.substr(0, target.find('?'))));
    }
    return j;
}

}  // namespace wt::remote
