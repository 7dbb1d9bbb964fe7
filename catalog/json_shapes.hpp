#pragma once
// The stable JSON shapes of the catalog's types: what `--json` prints and what a server sends.
// snake_case keys, instants as ISO 8601 UTC strings, moments and durations in milliseconds.
#include <nlohmann/json.hpp>

#include "avkit/media_info.hpp"
#include "catalog/access.hpp"
#include "catalog/catalog.hpp"
#include "catalog/changes.hpp"

namespace wt::catalog {

nlohmann::json to_json(const catalog::Person&);
nlohmann::json to_json(const catalog::Recording&);
nlohmann::json to_json(const catalog::Comment&);
nlohmann::json to_json(const catalog::Chapter&);
nlohmann::json to_json(const catalog::View&);
nlohmann::json to_json(const catalog::Assignment&);
nlohmann::json to_json(const catalog::InboxItem&);
nlohmann::json to_json(const catalog::SearchHit&);
nlohmann::json to_json(const av::MediaInfo&);
nlohmann::json to_json(const catalog::Change&);
// {"items", "total", "response_window_hours"}: `inbox --json` and GET /inbox.
nlohmann::json to_json(const catalog::Inbox&);
// The recording with its "chapters", "views" and "assignments": `show --json` (which adds the
// local "media_file") and GET /recordings/{id}.
nlohmann::json to_json(const catalog::RecordingOverview&);
// {"person", "role", "invite_url", "code", "expires_at"}: `people invite --json` and
// POST /people/{name}/invites. The link is <public_url>/join#<code>.
nlohmann::json to_json(const catalog::Invite&, const std::string& public_url);
std::string invite_url(const std::string& public_url, const std::string& code);
// A share link: {"id", "recording_id", "mode", "created_by", "created_at", "expires_at", "revoked_at",
// "guests"}, and, only in the answer that made it, "code" and "url" (<public_url>/s#<code>).
nlohmann::json to_json(const catalog::Share&, const std::string& public_url);

// The same shapes read back, for a client of a team server (remote/): what to_json wrote gives the
// value again (fields a shape does not have are ignored). A missing field or one of the wrong type
// fails with ErrorCode::internal naming it: the server does not speak this version of the API.
Result<catalog::Person> person_from_json(const nlohmann::json&);
Result<catalog::Recording> recording_from_json(const nlohmann::json&);
Result<catalog::Comment> comment_from_json(const nlohmann::json&);
Result<catalog::Chapter> chapter_from_json(const nlohmann::json&);
Result<catalog::View> view_from_json(const nlohmann::json&);
Result<catalog::Assignment> assignment_from_json(const nlohmann::json&);
Result<catalog::SearchHit> search_hit_from_json(const nlohmann::json&);
Result<catalog::Inbox> inbox_from_json(const nlohmann::json&);
Result<catalog::RecordingOverview> overview_from_json(const nlohmann::json&);
// {"person", "role", "code", "expires_at"} of to_json(Invite): the person is as far as it tells
// (name and access).
Result<catalog::Invite> invite_from_json(const nlohmann::json&);

}  // namespace wt::catalog
