// Sharing one recording with someone outside the team: its author or an admin makes a link (watch,
// or watch and comment), lists and revokes them; a guest who opened one may use only the few routes
// that show that recording (guest_refusal). The link's code is in the answer that made it only,
// never in a log.
#include <array>
#include <cstring>

#include <fmt/format.h>

#include "catalog/json_shapes.hpp"
#include "serve/api.hpp"

namespace wt::serve {

namespace {

using nlohmann::json;

// What a guest's page needs, and nothing more: the recording, its media, chapters and comments,
// reporting what played, commenting (a link's "comment" mode), and signing out.
struct GuestRoute {
    Method method;
    const char* pattern;
    bool comment_mode_only;
};
constexpr std::array k_guest_routes = {
    GuestRoute{Method::get, "/api/v1/me", false},
    GuestRoute{Method::del, "/api/v1/session", false},
    GuestRoute{Method::get, "/api/v1/recordings/{id}", false},
    GuestRoute{Method::get, "/api/v1/recordings/{id}/media", false},
    GuestRoute{Method::get, "/api/v1/recordings/{id}/thumbnail", false},
    GuestRoute{Method::get, "/api/v1/recordings/{id}/chapters", false},
    GuestRoute{Method::get, "/api/v1/recordings/{id}/comments", false},
    GuestRoute{Method::post, "/api/v1/recordings/{id}/progress", false},
    GuestRoute{Method::post, "/api/v1/recordings/{id}/comments", true},
};

// The recording the route names, which the caller may share: its author or an admin.
std::variant<catalog::Recording, Reply> shareable(Call& call) {
    auto rec = call.lib.get(call.req.params.at("id"));
    if (!rec) return from_error(rec.error());
    if (auto refusal = refuse_unless_owner(call, *rec, "share")) return std::move(*refusal);
    return std::move(*rec);
}

Reply create_share(Call& call) {
    auto rec = shareable(call);
    if (auto* refused = std::get_if<Reply>(&rec)) return std::move(*refused);
    auto body = json_object_body(call.req);
    if (auto* bad = std::get_if<Reply>(&body)) return std::move(*bad);
    const auto& j = std::get<json>(body);
    if (auto bad = unknown_field(j, {"mode", "days"})) return std::move(*bad);
    auto mode = j.find("mode");
    if (mode == j.end() || !mode->is_string() || (*mode != "watch" && *mode != "comment")) {
        return error_reply(400, "invalid_input",
                           "send {\"mode\": \"watch\" | \"comment\", \"days\"?: 1 to 90}: comment lets the guest "
                           "comment under a name they type");
    }
    int days = 7;
    if (auto d = j.find("days"); d != j.end() && !d->is_null()) {
        if (!d->is_number_integer() || d->get<std::int64_t>() < 1 ||
            d->get<std::int64_t>() > catalog::k_share_max_days) {
            return error_reply(
                400, "invalid_input",
                fmt::format("days is how long the link works: 1 to {} (default 7)", catalog::k_share_max_days));
        }
        days = static_cast<int>(d->get<std::int64_t>());
    }
    auto made =
        call.access.create_share(std::get<catalog::Recording>(rec).id, mode->get<std::string>(), days, call.person->id);
    if (!made) return from_error(made.error());
    return json_reply(201, catalog::to_json(*made, call.site.public_url));
}

Reply list_shares(Call& call) {
    auto rec = shareable(call);
    if (auto* refused = std::get_if<Reply>(&rec)) return std::move(*refused);
    auto all = call.access.shares(std::get<catalog::Recording>(rec).id);
    if (!all) return from_error(all.error());
    json out = json::array();
    for (const auto& s : *all) out.push_back(catalog::to_json(s, call.site.public_url));
    return json_reply(200, out);
}

Reply revoke_share(Call& call) {
    auto rec = shareable(call);
    if (auto* refused = std::get_if<Reply>(&rec)) return std::move(*refused);
    auto revoked = call.access.revoke_share(std::get<catalog::Recording>(rec).id, call.req.params.at("share"));
    if (!revoked) return from_error(revoked.error());
    return json_reply(200, catalog::to_json(*revoked, call.site.public_url));
}

}  // namespace

std::optional<Reply> guest_refusal(const Route& route, const Call& call) {
    const catalog::GuestPass& pass = *call.person->guest;
    for (const auto& allowed : k_guest_routes) {
        if (allowed.method != route.method || std::strcmp(allowed.pattern, route.pattern) != 0) continue;
        // The whole id, not a unique start of it: a guest names nothing but their recording.
        auto id = call.req.params.find("id");
        if (id != call.req.params.end() && (pass.recording_id.empty() || id->second != pass.recording_id)) break;
        if (allowed.comment_mode_only && pass.mode != "comment") {
            return error_reply(403, "forbidden",
                               "this share link is for watching only; ask whoever sent it for one that lets you "
                               "comment");
        }
        return std::nullopt;
    }
    return error_reply(403, "forbidden",
                       "a share link shows one recording and nothing else; ask whoever sent it if you need more");
}

std::vector<Route> share_routes() {
    return {
        {Method::post, "/api/v1/recordings/{id}/shares", true, create_share},
        {Method::get, "/api/v1/recordings/{id}/shares", true, list_shares},
        {Method::post, "/api/v1/recordings/{id}/shares/{share}/revoke", true, revoke_share},
    };
}

}  // namespace wt::serve
