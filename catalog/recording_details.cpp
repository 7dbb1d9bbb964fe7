// NewRecording's typed fields as JSON: what the recorder keeps next to a recording in progress
// (recorder/incoming.hpp), read back when the recording is finished or recovered.
#include <nlohmann/json.hpp>

#include "catalog/library_impl.hpp"

namespace wt::catalog {

std::string new_recording_id() { return new_id(); }

std::string details_to_text(const NewRecording& in) {
    nlohmann::json j;
    j["id"] = in.id;
    j["title"] = in.title ? nlohmann::json(*in.title) : nlohmann::json();
    j["description"] = in.description;
    j["kind"] = to_string(in.kind);
    j["tags"] = in.tags;
    j["author"] = in.author ? nlohmann::json(*in.author) : nlohmann::json();
    // Text that is not valid UTF-8 is kept with replacement characters rather than lost.
    return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

Result<NewRecording> details_from_text(const std::string& text) {
    auto j = nlohmann::json::parse(text, nullptr, false);
    if (j.is_discarded() || !j.is_object()) {
        return fail(ErrorCode::invalid_input, "the recording's details are not JSON (cut short?)");
    }
    NewRecording out;
    auto text_of = [&](const char* key) -> std::optional<std::string> {
        auto it = j.find(key);
        if (it == j.end() || !it->is_string()) return std::nullopt;
        return it->get<std::string>();
    };
    out.id = text_of("id").value_or("");
    out.title = text_of("title");
    out.description = text_of("description").value_or("");
    if (auto kind = text_of("kind")) {
        if (auto k = parse_kind(*kind)) out.kind = *k;
    }
    if (auto it = j.find("tags"); it != j.end() && it->is_array()) {
        for (const auto& t : *it) {
            if (t.is_string()) out.tags.push_back(t.get<std::string>());
        }
    }
    out.author = text_of("author");
    return out;
}

}  // namespace wt::catalog
