#include "serve/api.hpp"

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

}  // namespace wt::serve
