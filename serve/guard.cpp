#include "serve/guard.hpp"

#include <algorithm>

namespace wt::serve {

std::optional<Credential> credential_of(const Request& req, const char* cookie_name) {
    if (auto auth = req.header(MHD_HTTP_HEADER_AUTHORIZATION)) {
        std::string_view v = *auth;
        if (v.size() > 7 && (v.substr(0, 7) == "Bearer " || v.substr(0, 7) == "bearer ")) {
            v.remove_prefix(7);
            while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
            while (!v.empty() && v.back() == ' ') v.remove_suffix(1);
            if (!v.empty()) return Credential{std::string(v), false};
        }
        return Credential{"", false};  // a malformed Authorization header is a failed sign-in, not "none"
    }
    if (auto c = req.cookie(cookie_name); c && !c->empty()) return Credential{std::string(*c), true};
    return std::nullopt;
}

std::string origin_of(std::string_view url) {
    auto scheme_end = url.find("://");
    if (scheme_end == std::string_view::npos) return {};
    auto rest = url.substr(scheme_end + 3);
    auto host_end = rest.find_first_of("/?#");
    std::string out(url.substr(0, scheme_end + 3));
    out += rest.substr(0, host_end);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

namespace {

bool ours(std::string_view origin, const std::vector<std::string>& origins) {
    std::string lower(origin);
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return std::find(origins.begin(), origins.end(), lower) != origins.end();
}

}  // namespace

std::optional<std::string> cross_site_refusal(const Request& req, const std::vector<std::string>& origins) {
    if (auto origin = req.header("Origin"); origin && !ours(*origin, origins)) {
        return "requests from another site are refused (Origin " + std::string(*origin) + ")";
    }
    if (auto site = req.header("Sec-Fetch-Site"); site && *site != "same-origin" && *site != "none") {
        return "requests from another site are refused (Sec-Fetch-Site " + std::string(*site) + ")";
    }
    return std::nullopt;
}

std::optional<std::string> csrf_refusal(const Request& req, const std::vector<std::string>& origins) {
    auto custom = req.header(k_csrf_header);
    if (!custom || *custom != "1") {
        return std::string("a change made with the session cookie needs the header ") + k_csrf_header +
               ": 1 (scripts and apps can use Authorization: Bearer instead)";
    }
    return cross_site_refusal(req, origins);
}

void SignInLimiter::forget_old(std::deque<Clock::time_point>& times, Clock::time_point now) const {
    while (!times.empty() && now - times.front() >= window_) times.pop_front();
}

std::optional<int> SignInLimiter::retry_after(const std::string& address, Clock::time_point now) {
    std::lock_guard lock(mutex_);
    auto it = failures_.find(address);
    if (it == failures_.end()) return std::nullopt;
    forget_old(it->second, now);
    if (static_cast<int>(it->second.size()) < allowed_) return std::nullopt;
    auto wait = std::chrono::ceil<std::chrono::seconds>(it->second.front() + window_ - now);
    return std::max<int>(1, static_cast<int>(wait.count()));
}

void SignInLimiter::failed(const std::string& address, Clock::time_point now) {
    std::lock_guard lock(mutex_);
    // Bounded memory under a flood from many addresses: drop those whose window has passed.
    if (failures_.size() > 10'000) {
        for (auto it = failures_.begin(); it != failures_.end();) {
            forget_old(it->second, now);
            it = it->second.empty() ? failures_.erase(it) : std::next(it);
        }
    }
    auto& times = failures_[address];
    forget_old(times, now);
    times.push_back(now);
    if (times.size() > static_cast<size_t>(allowed_)) times.pop_front();
}

}  // namespace wt::serve
