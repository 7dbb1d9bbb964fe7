#pragma once
// The stable JSON shapes of the catalog's types: what `--json` prints and what a server sends.
// snake_case keys, instants as ISO 8601 UTC strings, moments and durations in milliseconds.
#include <nlohmann/json.hpp>

#include "avkit/media_info.hpp"
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

}  // namespace wt::catalog
