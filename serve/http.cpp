#include "serve/http.hpp"

namespace wt::serve {

Reply json_reply(unsigned status, const nlohmann::json& body) {
    Reply r;
    r.status = status;
    // Stored text may hold invalid UTF-8; it is replaced rather than failing the whole answer.
    r.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    r.body += '\n';
    return r;
}

Reply error_reply(unsigned status, std::string_view code, std::string_view message) {
    return json_reply(status, {{"error", {{"code", code}, {"message", message}}}});
}

}  // namespace wt::serve
