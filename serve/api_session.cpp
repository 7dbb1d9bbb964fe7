// Signing in with an invite or a share link, signing out, and who I am.
#include <fmt/format.h>

#include "catalog/json_shapes.hpp"
#include "serve/api.hpp"

namespace wt::serve {

namespace {

std::string session_cookie(const Site& site, const std::string& value, EpochMs expires_at, EpochMs now) {
    const long long max_age = value.empty() ? 0 : std::max<long long>(0, (expires_at - now) / 1000);
    return fmt::format("{}={}; Path=/; Max-Age={}; HttpOnly; SameSite=Strict{}", site.cookie_name, value, max_age,
                       site.secure ? "; Secure" : "");
}

Reply with_session_cookie(Reply r, const Site& site, const catalog::SignIn& signed_in) {
    r.headers.emplace_back("Set-Cookie",
                           session_cookie(site, signed_in.session, signed_in.session_expires_at, now_ms()));
    return r;
}

// A guest opening a share link: a session cookie for that one recording (no personal token).
Reply share_sign_in(Call& call, const nlohmann::json& j) {
    if (auto bad = unknown_field(j, {"share", "name"})) return std::move(*bad);
    auto code = j.find("share");
    auto name = j.find("name");
    if (!code->is_string() || code->get_ref<const std::string&>().empty() ||
        (name != j.end() && !name->is_null() && !name->is_string())) {
        return error_reply(400, "invalid_input",
                           "send {\"share\": CODE, \"name\"?: YOUR_NAME}, the code after /s# in the link");
    }
    const std::string typed = name != j.end() && name->is_string() ? name->get<std::string>() : "";
    auto signed_in = call.access.redeem_share(code->get<std::string>(), typed);
    if (!signed_in) {
        const Error& e = signed_in.error();
        if (e.code == ErrorCode::not_found) {
            call.limiter.failed(call.req.peer, SignInLimiter::Clock::now());
            return error_reply(401, "unauthorized", e.message);
        }
        if (e.code == ErrorCode::unauthorized) return error_reply(410, "link_ended", e.message);
        // The only thing wrong with a good link and no name: comment mode asks for one.
        if (e.code == ErrorCode::invalid_input && typed.empty()) return error_reply(400, "name_needed", e.message);
        return from_error(e);
    }
    call.person = signed_in->person;  // for the log line
    return with_session_cookie(json_reply(200, {{"person", catalog::to_json(signed_in->person)}}), call.site,
                               *signed_in);
}

Reply sign_in(Call& call) {
    if (auto refusal = cross_site_refusal(call.req, call.site.origins)) {
        return error_reply(403, "cross_site", *refusal);
    }
    auto body = json_object_body(call.req);
    if (auto* bad = std::get_if<Reply>(&body)) return std::move(*bad);
    const auto& j = std::get<nlohmann::json>(body);
    if (j.contains("share")) return share_sign_in(call, j);
    auto code = j.find("invite");
    if (code == j.end() || !code->is_string() || code->get_ref<const std::string&>().empty()) {
        return error_reply(400, "invalid_input", "send {\"invite\": CODE}, the code after /join# in the invite link");
    }
    auto signed_in = call.access.redeem_invite(code->get<std::string>());
    if (!signed_in) {
        if (signed_in.error().code != ErrorCode::not_found) return from_error(signed_in.error());
        call.limiter.failed(call.req.peer, SignInLimiter::Clock::now());
        return error_reply(401, "unauthorized", signed_in.error().message);
    }
    call.person = signed_in->person;  // for the log line
    return with_session_cookie(json_reply(200, {{"token", signed_in->token},
                                                {"token_expires_at", format_iso_utc(signed_in->token_expires_at)},
                                                {"person", catalog::to_json(signed_in->person)}}),
                               call.site, *signed_in);
}

Reply sign_out(Call& call) {
    if (auto r = call.access.sign_out(call.credential->secret); !r) return from_error(r.error());
    Reply r = json_reply(200, {{"signed_out", true}});
    if (call.credential->from_cookie) r.headers.emplace_back("Set-Cookie", session_cookie(call.site, "", 0, 0));
    return r;
}

Reply me(Call& call) { return json_reply(200, catalog::to_json(*call.person)); }

}  // namespace

std::vector<Route> session_routes() {
    return {
        {Method::post, "/api/v1/session", false, sign_in},
        {Method::del, "/api/v1/session", true, sign_out},
        {Method::get, "/api/v1/me", true, me},
    };
}

}  // namespace wt::serve
