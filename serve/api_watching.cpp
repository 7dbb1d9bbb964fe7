// Watching: marking a recording watched, everyone's views of it, and assignments (who was asked to
// watch what, by when). Anyone signed in marks their own and reads them; only admins assign.
#include <fmt/format.h>

#include "catalog/json_shapes.hpp"
#include "serve/api.hpp"

namespace wt::serve {

namespace {

using nlohmann::json;

constexpr std::size_t k_max_name = 200;  // as the catalog's limit on a person's name

Reply mark_watched(Call& call) {
    auto view = call.lib.mark_watched(call.req.params.at("id"));
    if (!view) return from_error(view.error());
    return json_reply(200, catalog::to_json(*view));
}

Reply list_views(Call& call) {
    auto all = call.lib.views(call.req.params.at("id"));
    if (!all) return from_error(all.error());
    json out = json::array();
    for (const auto& v : *all) out.push_back(catalog::to_json(v));
    return json_reply(200, out);
}

Reply list_assignments(Call& call) {
    catalog::AssignmentFilter filter;
    filter.person = query_text(call.req, "person");
    if (filter.person && filter.person->size() > k_max_name) {
        return error_reply(400, "invalid_input", "person is a person's name or id (at most 200 bytes)");
    }
    filter.recording = query_text(call.req, "recording");
    if (filter.recording && !valid_id(*filter.recording)) {
        return error_reply(400, "invalid_input", "recording is a recording's id or a unique start of it (0-9, a-z)");
    }
    auto overdue = query_flag(call.req, "overdue");
    if (auto* bad = std::get_if<Reply>(&overdue)) return std::move(*bad);
    filter.overdue_only = std::get<bool>(overdue);
    auto all = call.lib.assignments(filter);
    if (!all) return from_error(all.error());
    json out = json::array();
    for (const auto& a : *all) out.push_back(catalog::to_json(a));
    return json_reply(200, out);
}

Reply assign(Call& call) {
    if (auto refusal = refuse_unless_admin(call, "assign recordings")) return std::move(*refusal);
    auto body = json_object_body(call.req);
    if (auto* bad = std::get_if<Reply>(&body)) return std::move(*bad);
    const auto& j = std::get<json>(body);
    if (auto bad = unknown_field(j, {"recording", "person", "due"})) return std::move(*bad);
    auto recording = j.find("recording"), person = j.find("person"), due = j.find("due");
    if (recording == j.end() || !recording->is_string() || !valid_id(recording->get_ref<const std::string&>())) {
        return error_reply(400, "invalid_input",
                           "send {\"recording\": ID, \"person\": NAME, \"due\": \"YYYY-MM-DD\"?}; recording is a "
                           "recording's id");
    }
    if (person == j.end() || !person->is_string() || person->get_ref<const std::string&>().empty() ||
        person->get_ref<const std::string&>().size() > k_max_name) {
        return error_reply(400, "invalid_input", "person is the name or id of who should watch it");
    }
    std::optional<std::string> due_on;
    if (due != j.end() && !due->is_null()) {
        if (!due->is_string() || due->get_ref<const std::string&>().size() > 32) {
            return error_reply(400, "invalid_input", "due is a date, \"YYYY-MM-DD\" (e.g. \"2026-12-04\"), or null");
        }
        due_on = due->get<std::string>();
    }
    auto a = call.lib.assign(recording->get<std::string>(), person->get<std::string>(), due_on);
    if (!a) return from_error(a.error());
    return json_reply(201, catalog::to_json(*a));
}

}  // namespace

std::vector<Route> watching_routes() {
    return {
        {Method::post, "/api/v1/recordings/{id}/watched", true, mark_watched},
        {Method::get, "/api/v1/recordings/{id}/views", true, list_views},
        {Method::get, "/api/v1/assignments", true, list_assignments},
        {Method::post, "/api/v1/assignments", true, assign},
    };
}

}  // namespace wt::serve
