#include "serve/router.hpp"

#include <algorithm>

namespace wt::serve {

Method parse_method(std::string_view t) {
    if (t == "GET") return Method::get;
    if (t == "HEAD") return Method::head;
    if (t == "POST") return Method::post;
    if (t == "PUT") return Method::put;
    if (t == "PATCH") return Method::patch;
    if (t == "DELETE") return Method::del;
    if (t == "OPTIONS") return Method::options;
    return Method::other;
}

const char* to_string(Method m) {
    switch (m) {
    case Method::get: return "GET";
    case Method::head: return "HEAD";
    case Method::post: return "POST";
    case Method::put: return "PUT";
    case Method::patch: return "PATCH";
    case Method::del: return "DELETE";
    case Method::options: return "OPTIONS";
    case Method::other: return "OTHER";
    }
    return "OTHER";
}

bool valid_id(std::string_view text) {
    if (text.empty() || text.size() > 64) return false;
    return std::all_of(text.begin(), text.end(),
                       [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z'); });
}

namespace {

// "/a/b" -> {"a", "b"}; an empty segment (a doubled or trailing slash) is kept and matches nothing.
std::vector<std::string_view> split_path(std::string_view path) {
    std::vector<std::string_view> parts;
    if (path.empty() || path.front() != '/') return parts;
    path.remove_prefix(1);
    for (;;) {
        auto slash = path.find('/');
        parts.push_back(path.substr(0, slash));
        if (slash == std::string_view::npos) break;
        path.remove_prefix(slash + 1);
    }
    return parts;
}

bool is_param(const std::string& segment) {
    return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

}  // namespace

void Router::add(Method method, std::string_view pattern, int route) {
    Route r{method, {}, route};
    for (auto part : split_path(pattern)) r.segments.emplace_back(part);
    routes_.push_back(std::move(r));
}

bool Router::fits(const Route& r, const std::vector<std::string_view>& parts,
                  std::map<std::string, std::string>& params) {
    if (r.segments.size() != parts.size()) return false;
    params.clear();
    for (size_t i = 0; i < parts.size(); ++i) {
        const std::string& want = r.segments[i];
        if (is_param(want)) {
            if (!valid_id(parts[i])) return false;
            params[want.substr(1, want.size() - 2)] = std::string(parts[i]);
        } else if (want != parts[i]) {
            return false;
        }
    }
    return true;
}

RouteMatch Router::match(Method method, std::string_view path) const {
    RouteMatch out;
    const auto parts = split_path(path);
    if (parts.empty()) return out;
    std::map<std::string, std::string> params;
    const RouteMatch::Kind none = RouteMatch::Kind::not_found;
    const Route* head_fallback = nullptr;
    std::map<std::string, std::string> head_params;
    for (const auto& r : routes_) {
        if (!fits(r, parts, params)) continue;
        if (r.method == method) {
            out.kind = RouteMatch::Kind::found;
            out.route = r.id;
            out.params = std::move(params);
            out.allowed.clear();
            return out;
        }
        if (method == Method::head && r.method == Method::get && !head_fallback) {
            head_fallback = &r;
            head_params = params;
        }
        if (std::find(out.allowed.begin(), out.allowed.end(), r.method) == out.allowed.end()) {
            out.allowed.push_back(r.method);
        }
    }
    if (head_fallback) {
        out.kind = RouteMatch::Kind::found;
        out.route = head_fallback->id;
        out.params = std::move(head_params);
        out.allowed.clear();
        return out;
    }
    out.kind = out.allowed.empty() ? none : RouteMatch::Kind::method_not_allowed;
    return out;
}

}  // namespace wt::serve
