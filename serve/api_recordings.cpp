// Recordings, their comments and progress, and search: the same shapes as the CLI's --json.
#include <algorithm>
#include <charconv>
#include <cstdio>

#include <fmt/format.h>

#include "catalog/json_shapes.hpp"
#include "serve/api.hpp"

namespace wt::serve {

namespace {

using nlohmann::json;

Reply list_recordings(Call& call) {
    catalog::ListFilter filter;
    if (auto kind = query_text(call.req, "kind")) {
        auto k = catalog::parse_kind(*kind);
        if (!k) return from_error(k.error());
        filter.kind = *k;
    }
    filter.tag = query_text(call.req, "tag");
    filter.author = query_text(call.req, "author");
    filter.assigned_to = query_text(call.req, "assigned_to");
    if (auto u = query_text(call.req, "unwatched")) {
        if (*u != "1" && *u != "true" && *u != "0" && *u != "false") {
            return error_reply(400, "invalid_input", "unwatched is 1 (or true) to list only what I have not watched");
        }
        filter.unwatched = *u == "1" || *u == "true";
    }
    auto limit = query_int(call.req, "limit", 50, 1, 500);
    if (auto* bad = std::get_if<Reply>(&limit)) return std::move(*bad);
    auto offset = query_int(call.req, "offset", 0, 0, 100'000'000);
    if (auto* bad = std::get_if<Reply>(&offset)) return std::move(*bad);
    filter.limit = std::get<int>(limit);
    filter.offset = std::get<int>(offset);
    // The page depends on the filter as parsed and, for "unwatched", on who asks.
    std::string key = fmt::format("list\x1f{}\x1f{}\x1f{}\x1f{}\x1f{}\x1f{}\x1f{}",
                                  filter.kind ? catalog::to_string(*filter.kind) : "", filter.tag.value_or("\x1e"),
                                  filter.author.value_or("\x1e"), filter.assigned_to.value_or("\x1e"), filter.limit,
                                  filter.offset, filter.unwatched ? call.person->id : "");
    return cached_reply(call, key, [&] {
        auto rows = call.lib.list(filter);
        if (!rows) return from_error(rows.error());
        json out = json::array();
        for (const auto& r : *rows) out.push_back(catalog::to_json(r));
        return json_reply(200, out);
    });
}

Reply show_recording(Call& call) {
    auto shown = catalog::overview(call.lib, call.req.params.at("id"));
    if (!shown) return from_error(shown.error());
    // A guest sees the recording, not who in the team has watched it or was asked to.
    if (call.person->guest) {
        shown->views.clear();
        shown->assignments.clear();
    }
    // As `show --json`, less media_file: where the server keeps files is none of a client's business.
    return json_reply(200, catalog::to_json(*shown));
}

// A list of tags from a JSON field: absent is empty; anything but strings is refused.
std::optional<std::vector<std::string>> tags_of(const json& j, const char* field) {
    auto it = j.find(field);
    if (it == j.end() || it->is_null()) return std::vector<std::string>{};
    if (!it->is_array()) return std::nullopt;
    std::vector<std::string> out;
    for (const auto& t : *it) {
        if (!t.is_string()) return std::nullopt;
        out.push_back(t.get<std::string>());
    }
    return out;
}

Reply edit_recording(Call& call) {
    auto body = json_object_body(call.req);
    if (auto* bad = std::get_if<Reply>(&body)) return std::move(*bad);
    const auto& j = std::get<json>(body);
    static const std::vector<std::string> k_fields = {"title", "description", "kind", "add_tags", "remove_tags"};
    for (const auto& [key, _] : j.items()) {
        if (std::find(k_fields.begin(), k_fields.end(), key) == k_fields.end()) {
            return error_reply(400, "invalid_input",
                               fmt::format("'{}' cannot be edited; send title, description, kind, add_tags or "
                                           "remove_tags",
                                           key));
        }
    }
    catalog::RecordingEdit edit;
    for (const char* field : {"title", "description", "kind"}) {
        auto it = j.find(field);
        if (it == j.end() || it->is_null()) continue;
        if (!it->is_string()) return error_reply(400, "invalid_input", fmt::format("{} must be text", field));
        const std::string text = it->get<std::string>();
        if (std::string_view(field) == "title") edit.title = text;
        if (std::string_view(field) == "description") edit.description = text;
        if (std::string_view(field) == "kind") {
            auto k = catalog::parse_kind(text);
            if (!k) return from_error(k.error());
            edit.kind = *k;
        }
    }
    auto add = tags_of(j, "add_tags"), remove = tags_of(j, "remove_tags");
    if (!add || !remove) return error_reply(400, "invalid_input", "add_tags and remove_tags are lists of text");
    edit.add_tags = *add;
    edit.remove_tags = *remove;
    auto rec = call.lib.get(call.req.params.at("id"));
    if (!rec) return from_error(rec.error());
    if (auto refusal = refuse_unless_owner(call, *rec)) return std::move(*refusal);
    auto edited = call.lib.edit(rec->id, edit);
    if (!edited) return from_error(edited.error());
    return json_reply(200, catalog::to_json(*edited));
}

Reply delete_recording(Call& call) {
    auto rec = call.lib.get(call.req.params.at("id"));
    if (!rec) return from_error(rec.error());
    if (auto refusal = refuse_unless_owner(call, *rec)) return std::move(*refusal);
    auto removed = call.lib.remove(rec->id);
    if (!removed) return from_error(removed.error());
    for (const auto& left : removed->files_left) {
        std::fprintf(stderr, "walkthrough serve: could not remove %s; remove it by hand\n", left.c_str());
    }
    return json_reply(200, {{"deleted", catalog::to_json(removed->recording)}});
}

Reply list_comments(Call& call) {
    // The same for everyone, and nothing in it depends on the time of asking. (A recording's own
    // page is not kept: its assignments say "overdue" by today's date.)
    const std::string& id = call.req.params.at("id");
    return cached_reply(call, "comments\x1f" + id, [&] {
        auto all = call.lib.comments(id);
        if (!all) return from_error(all.error());
        json out = json::array();
        for (const auto& c : *all) out.push_back(catalog::to_json(c));
        return json_reply(200, out);
    });
}

Reply add_comment(Call& call) {
    auto body = json_object_body(call.req);
    if (auto* bad = std::get_if<Reply>(&body)) return std::move(*bad);
    const auto& j = std::get<json>(body);
    catalog::NewComment in;
    in.recording = call.req.params.at("id");
    auto text = j.find("body");
    if (text == j.end() || !text->is_string()) {
        return error_reply(400, "invalid_input", "send {\"body\": TEXT} and optionally \"at_ms\" and \"reply_to\"");
    }
    in.body = text->get<std::string>();
    if (auto at = j.find("at_ms"); at != j.end() && !at->is_null()) {
        if (!at->is_number_integer() || at->get<std::int64_t>() < 0) {
            return error_reply(400, "invalid_input", "at_ms is a moment in the video in milliseconds (0 or more)");
        }
        in.at_ms = at->get<std::int64_t>();
    }
    if (auto reply_to = j.find("reply_to"); reply_to != j.end() && !reply_to->is_null()) {
        if (!reply_to->is_string() || !valid_id(reply_to->get_ref<const std::string&>())) {
            return error_reply(400, "invalid_input", "reply_to is the id of the comment answered");
        }
        in.reply_to = reply_to->get<std::string>();
    }
    auto c = call.lib.comment(in);
    if (!c) return from_error(c.error());
    return json_reply(201, catalog::to_json(*c));
}

constexpr size_t k_max_stretches = 100;

// A stretch as JSON: [from_ms, to_ms], two whole numbers.
std::optional<catalog::Interval> stretch_of(const json& pair) {
    if (!pair.is_array() || pair.size() != 2 || !pair[0].is_number_integer() || !pair[1].is_number_integer()) {
        return std::nullopt;
    }
    return catalog::Interval{pair[0].get<std::int64_t>(), pair[1].get<std::int64_t>()};
}

Reply record_progress(Call& call) {
    auto body = json_object_body(call.req);
    if (auto* bad = std::get_if<Reply>(&body)) return std::move(*bad);
    const auto& j = std::get<json>(body);
    std::vector<catalog::Interval> stretches;
    if (auto list = j.find("intervals"); list != j.end()) {
        if (!list->is_array() || list->empty() || list->size() > k_max_stretches) {
            return error_reply(400, "invalid_input",
                               fmt::format("intervals is a list of 1 to {} [from_ms, to_ms] pairs", k_max_stretches));
        }
        for (const auto& pair : *list) {
            auto s = stretch_of(pair);
            if (!s) return error_reply(400, "invalid_input", "each interval is [from_ms, to_ms], two whole numbers");
            stretches.push_back(*s);
        }
    } else {
        auto s = stretch_of(json::array({j.value("from_ms", json()), j.value("to_ms", json())}));
        if (!s) {
            return error_reply(400, "invalid_input",
                               "send {\"from_ms\", \"to_ms\"} or {\"intervals\": [[from_ms, to_ms], ...]}");
        }
        stretches.push_back(*s);
    }
    auto view = call.lib.record_progress(call.req.params.at("id"), stretches);
    if (!view) return from_error(view.error());
    return json_reply(200, catalog::to_json(*view));
}

Reply search(Call& call) {
    auto q = query_text(call.req, "q");
    if (!q) return error_reply(400, "invalid_input", "give the words to look for as ?q=...");
    auto limit = query_int(call.req, "limit", 20, 1, 200);
    if (auto* bad = std::get_if<Reply>(&limit)) return std::move(*bad);
    // The same for everyone who asks: search reads no one's own state.
    return cached_reply(call, fmt::format("search\x1f{}\x1f{}", std::get<int>(limit), *q), [&] {
        auto hits = call.lib.search(*q, std::get<int>(limit));
        if (!hits) return from_error(hits.error());
        json out = json::array();
        for (const auto& h : *hits) out.push_back(catalog::to_json(h));
        return json_reply(200, out);
    });
}

}  // namespace

std::vector<Route> recording_routes() {
    return {
        {Method::get, "/api/v1/recordings", true, list_recordings},
        {Method::get, "/api/v1/recordings/{id}", true, show_recording},
        {Method::patch, "/api/v1/recordings/{id}", true, edit_recording},
        {Method::del, "/api/v1/recordings/{id}", true, delete_recording},
        {Method::get, "/api/v1/recordings/{id}/comments", true, list_comments},
        {Method::post, "/api/v1/recordings/{id}/comments", true, add_comment},
        {Method::post, "/api/v1/recordings/{id}/progress", true, record_progress},
        {Method::get, "/api/v1/search", true, search},
    };
}

}  // namespace wt::serve
