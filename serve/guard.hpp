#pragma once
// Who is asking, and whether to let them: credentials from a request, the CSRF rule for
// cookie-authenticated changes, and the limit on failed sign-ins per address.
#include <chrono>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "serve/http.hpp"

namespace wt::serve {

struct Credential {
    std::string secret;
    bool from_cookie = false;
};

// The credential of a request: Authorization: Bearer, else the session cookie. Nothing else (no
// query parameter, no other header) identifies anyone.
std::optional<Credential> credential_of(const Request& req, const char* cookie_name);

// The custom header a cross-site form cannot send; a browser's script sends it with every change.
inline constexpr const char* k_csrf_header = "X-Walkthrough-CSRF";

// Why a request that changes something may not go ahead on a cookie (nullopt: it may): it must
// carry the custom header, an Origin (if any) that is ours, and a Sec-Fetch-Site (if any) of
// same-origin.
std::optional<std::string> csrf_refusal(const Request& req, const std::vector<std::string>& origins);
// A sign-in from another site (an Origin not ours, or Sec-Fetch-Site cross-site) is refused too, so
// no page can sign a browser in as someone else.
std::optional<std::string> cross_site_refusal(const Request& req, const std::vector<std::string>& origins);

// "https://host:port" of a URL (scheme, host and port as written, lowercased scheme and host).
std::string origin_of(std::string_view url);

// Failed sign-ins per address in a sliding window. Thread-safe.
class SignInLimiter {
public:
    using Clock = std::chrono::steady_clock;
    SignInLimiter(int allowed, std::chrono::seconds window) : allowed_(allowed), window_(window) {}
    // Seconds until this address may try again, or nullopt when it may now.
    std::optional<int> retry_after(const std::string& address, Clock::time_point now);
    void failed(const std::string& address, Clock::time_point now);

private:
    void forget_old(std::deque<Clock::time_point>& times, Clock::time_point now) const;
    std::mutex mutex_;  // guards failures_
    std::map<std::string, std::deque<Clock::time_point>> failures_;
    int allowed_;
    std::chrono::seconds window_;
};

}  // namespace wt::serve
