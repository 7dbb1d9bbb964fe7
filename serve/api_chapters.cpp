// A recording's chapters: anyone signed in reads them; its author or an admin names and removes them.
#include <charconv>

#include <fmt/format.h>

#include "catalog/json_shapes.hpp"
#include "serve/api.hpp"

namespace wt::serve {

namespace {

using nlohmann::json;

// The {at_ms} of a chapter's path: a whole number of milliseconds, digits only (a week of video is
// 9 digits; 13 are allowed), or the 400 reply.
std::variant<std::int64_t, Reply> moment_of(const Call& call) {
    const std::string& text = call.req.params.at("at_ms");
    std::int64_t at = -1;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), at);
    if (text.size() > 13 || ec != std::errc() || end != text.data() + text.size() || at < 0) {
        return error_reply(400, "invalid_input",
                           "the chapter's moment in the path is whole milliseconds from the start, e.g. "
                           "/chapters/133500 for 2:13.5");
    }
    return at;
}

Reply list_chapters(Call& call) {
    auto all = call.lib.chapters(call.req.params.at("id"));
    if (!all) return from_error(all.error());
    json out = json::array();
    for (const auto& c : *all) out.push_back(catalog::to_json(c));
    return json_reply(200, out);
}

Reply put_chapter(Call& call) {
    auto at = moment_of(call);
    if (auto* bad = std::get_if<Reply>(&at)) return std::move(*bad);
    auto body = json_object_body(call.req);
    if (auto* bad = std::get_if<Reply>(&body)) return std::move(*bad);
    const auto& j = std::get<json>(body);
    if (auto bad = unknown_field(j, {"title"})) return std::move(*bad);
    auto title = j.find("title");
    if (title == j.end() || !title->is_string()) {
        return error_reply(400, "invalid_input", "send {\"title\": TEXT}, the chapter's name");
    }
    auto rec = call.lib.get(call.req.params.at("id"));
    if (!rec) return from_error(rec.error());
    if (auto refusal = refuse_unless_owner(call, *rec)) return std::move(*refusal);
    auto chapter = call.lib.set_chapter(rec->id, std::get<std::int64_t>(at), title->get<std::string>());
    if (!chapter) return from_error(chapter.error());
    return json_reply(200, catalog::to_json(*chapter));
}

Reply delete_chapter(Call& call) {
    auto at = moment_of(call);
    if (auto* bad = std::get_if<Reply>(&at)) return std::move(*bad);
    auto rec = call.lib.get(call.req.params.at("id"));
    if (!rec) return from_error(rec.error());
    if (auto refusal = refuse_unless_owner(call, *rec)) return std::move(*refusal);
    auto gone = call.lib.remove_chapter(rec->id, std::get<std::int64_t>(at));
    if (!gone) return from_error(gone.error());
    return json_reply(200, catalog::to_json(*gone));  // what was removed, as `chapter --remove --json`
}

}  // namespace

std::vector<Route> chapter_routes() {
    return {
        {Method::get, "/api/v1/recordings/{id}/chapters", true, list_chapters},
        {Method::put, "/api/v1/recordings/{id}/chapters/{at_ms}", true, put_chapter},
        {Method::del, "/api/v1/recordings/{id}/chapters/{at_ms}", true, delete_chapter},
    };
}

}  // namespace wt::serve
