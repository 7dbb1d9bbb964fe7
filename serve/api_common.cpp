#include "serve/api.hpp"

#include <charconv>

#include <fmt/format.h>

#include "common/text.hpp"
#include "serve/response_cache.hpp"

namespace wt::serve {

Reply from_error(const Error& e) {
    switch (e.code) {
    case ErrorCode::invalid_input: return error_reply(400, "invalid_input", e.message);
    case ErrorCode::not_found: return error_reply(404, "not_found", e.message);
    case ErrorCode::ambiguous: return error_reply(409, "ambiguous", e.message);
    case ErrorCode::bad_media: return error_reply(422, "bad_media", e.message);
    case ErrorCode::conflict: return error_reply(409, "conflict", e.message);
    case ErrorCode::busy: {
        Reply r = error_reply(503, "busy", e.message);
        r.headers.emplace_back("Retry-After", "2");
        return r;
    }
    case ErrorCode::io: return error_reply(500, "io", e.message);
    case ErrorCode::unauthorized: return error_reply(401, "unauthorized", e.message);
    case ErrorCode::forbidden: return error_reply(403, "forbidden", e.message);
    case ErrorCode::unreachable: return error_reply(502, "unreachable", e.message);
    case ErrorCode::internal: break;
    }
    return error_reply(500, "internal", e.message);
}

std::variant<nlohmann::json, Reply> json_object_body(const Request& req) {
    if (req.body.empty()) return error_reply(400, "bad_json", "this request needs a JSON object as its body");
    auto j = nlohmann::json::parse(req.body, nullptr, false);
    if (j.is_discarded()) {
        return error_reply(400, "bad_json", "the body is not valid JSON; send a JSON object (UTF-8)");
    }
    if (!j.is_object()) return error_reply(400, "bad_json", "the body must be a JSON object, e.g. {\"body\": \"...\"}");
    return j;
}

std::optional<Reply> unknown_field(const nlohmann::json& body, std::initializer_list<std::string_view> known) {
    for (const auto& [key, _] : body.items()) {
        bool found = false;
        for (auto k : known) found = found || key == k;
        if (found) continue;
        std::string names;
        for (auto k : known) names += (names.empty() ? "" : ", ") + std::string(k);
        return error_reply(400, "invalid_input",
                           fmt::format("'{}' is not a field of this request; send only {}", cut_utf8(key, 100), names));
    }
    return std::nullopt;
}

std::variant<int, Reply> query_int(const Request& req, const char* name, int fallback, int lo, int hi) {
    auto v = req.query(name);
    if (!v) return fallback;
    int out = 0;
    auto [end, ec] = std::from_chars(v->data(), v->data() + v->size(), out);
    if (ec != std::errc() || end != v->data() + v->size() || out < lo || out > hi) {
        return error_reply(400, "invalid_input", fmt::format("{} must be a whole number from {} to {}", name, lo, hi));
    }
    return out;
}

std::optional<std::string> query_text(const Request& req, const char* name) {
    auto v = req.query(name);
    if (!v || v->empty()) return std::nullopt;
    return std::string(*v);
}

std::variant<bool, Reply> query_flag(const Request& req, const char* name) {
    auto v = query_text(req, name);
    if (!v) return false;
    if (*v == "1" || *v == "true") return true;
    if (*v == "0" || *v == "false") return false;
    return error_reply(400, "invalid_input", fmt::format("{} is 1 (or true) or 0 (or false)", name));
}

Reply cached_reply(Call& call, const std::string& key, const std::function<Reply()>& make) {
    if (!call.cache) return make();
    auto generation = call.cache->generation();
    if (!generation) return make();  // the answer made afresh is right; only the cache is unsure
    if (auto body = call.cache->find(key, *generation)) {
        Reply r;
        r.body = std::move(*body);
        return r;
    }
    Reply r = make();
    if (r.status == 200 && !r.is_stream() && !r.custom) call.cache->store(key, *generation, r.body);
    return r;
}

std::optional<Reply> refuse_unless_admin(const Call& call, std::string_view do_what) {
    if (call.person->access == "admin") return std::nullopt;
    return error_reply(403, "forbidden",
                       fmt::format("only an admin may {}; ask one of the library's admins (GET /api/v1/people shows "
                                   "who has \"access\": \"admin\")",
                                   do_what));
}

std::optional<Reply> refuse_unless_owner(const Call& call, const catalog::Recording& rec, std::string_view do_what) {
    if (!call.person->guest && (call.person->access == "admin" || rec.author == call.person->name)) return std::nullopt;
    return error_reply(403, "forbidden",
                       fmt::format("only {} (its author) or an admin may {} '{}'", rec.author, do_what, rec.title));
}

}  // namespace wt::serve
