// People and invites: anyone signed in sees who is in the library; admins add people, invite them
// (an invite's code is in the answer only, never in a log) and revoke their access.
#include <fmt/format.h>

#include "catalog/json_shapes.hpp"
#include "serve/api.hpp"

namespace wt::serve {

namespace {

using nlohmann::json;

constexpr std::size_t k_max_email = 320;  // the longest an address can be
constexpr std::size_t k_max_role = 200;

Reply list_people(Call& call) {
    auto all = call.lib.people();
    if (!all) return from_error(all.error());
    json out = json::array();
    for (const auto& p : *all) out.push_back(catalog::to_json(p));
    return json_reply(200, out);
}

// An optional text field, at most `max` bytes: "" when absent or null.
std::variant<std::string, Reply> optional_text(const json& j, const char* field, std::size_t max) {
    auto it = j.find(field);
    if (it == j.end() || it->is_null()) return std::string();
    if (!it->is_string() || it->get_ref<const std::string&>().size() > max) {
        return error_reply(400, "invalid_input", fmt::format("{} is text of at most {} bytes", field, max));
    }
    return it->get<std::string>();
}

// As `people add`: a name (unique, any script, at most 200 bytes), an e-mail address and a role
// (what they do). They are a member; an invite can make them an admin.
Reply add_person(Call& call) {
    if (auto refusal = refuse_unless_admin(call, "add people")) return std::move(*refusal);
    auto body = json_object_body(call.req);
    if (auto* bad = std::get_if<Reply>(&body)) return std::move(*bad);
    const auto& j = std::get<json>(body);
    if (auto bad = unknown_field(j, {"name", "email", "role"})) return std::move(*bad);
    auto name = j.find("name");
    if (name == j.end() || !name->is_string()) {
        return error_reply(400, "invalid_input", "send {\"name\": NAME, \"email\"?: TEXT, \"role\"?: TEXT}");
    }
    auto email = optional_text(j, "email", k_max_email);
    if (auto* bad = std::get_if<Reply>(&email)) return std::move(*bad);
    auto role = optional_text(j, "role", k_max_role);
    if (auto* bad = std::get_if<Reply>(&role)) return std::move(*bad);
    auto added =
        call.lib.add_person(name->get<std::string>(), std::get<std::string>(email), std::get<std::string>(role));
    if (!added) return from_error(added.error());
    return json_reply(201, catalog::to_json(*added));
}

// As `people invite NAME [--role member|admin] [--days N]`: a one-time code for the person named
// (or with that id), who is added when new. Any earlier unused code of theirs stops working.
Reply invite(Call& call) {
    if (auto refusal = refuse_unless_admin(call, "invite people")) return std::move(*refusal);
    std::optional<std::string> access;
    int days = 7;
    if (!call.req.body.empty()) {
        auto body = json_object_body(call.req);
        if (auto* bad = std::get_if<Reply>(&body)) return std::move(*bad);
        const auto& j = std::get<json>(body);
        if (auto bad = unknown_field(j, {"access", "days"})) return std::move(*bad);
        if (auto a = j.find("access"); a != j.end() && !a->is_null()) {
            if (!a->is_string() || (*a != "member" && *a != "admin")) {
                return error_reply(400, "invalid_input", "access is \"member\" or \"admin\"");
            }
            access = a->get<std::string>();
        }
        if (auto d = j.find("days"); d != j.end() && !d->is_null()) {
            if (!d->is_number_integer() || d->get<std::int64_t>() < 1 || d->get<std::int64_t>() > 365) {
                return error_reply(400, "invalid_input", "days is how long the invite works: 1 to 365 (default 7)");
            }
            days = static_cast<int>(d->get<std::int64_t>());
        }
    }
    auto made = call.lib.invite(call.req.params.at("name"), access, days);
    if (!made) return from_error(made.error());
    return json_reply(201, catalog::to_json(*made, call.site.public_url));
}

// As `people revoke NAME`: ends every token, browser session and unused invite of the person (their
// open pages and event streams stop at once). An admin cannot lock themselves out this way.
Reply revoke(Call& call) {
    if (auto refusal = refuse_unless_admin(call, "revoke people's access")) return std::move(*refusal);
    auto who = call.lib.person(call.req.params.at("name"));
    if (!who) return from_error(who.error());
    if (who->id == call.person->id) {
        return error_reply(409, "conflict",
                           "you cannot revoke your own access here; sign out instead, or ask another admin");
    }
    auto ended = call.lib.revoke(who->id);
    if (!ended) return from_error(ended.error());
    return json_reply(200, {{"person", who->name}, {"revoked", *ended}});  // as `people revoke --json`
}

}  // namespace

std::vector<Route> people_routes() {
    return {
        {Method::get, "/api/v1/people", true, list_people},
        {Method::post, "/api/v1/people", true, add_person},
        {Method::post, "/api/v1/people/{name}/invites", true, invite},
        {Method::post, "/api/v1/people/{name}/revoke", true, revoke},
    };
}

}  // namespace wt::serve
