#include "app/core/publishing.hpp"

#include <fmt/format.h>

namespace wt::app {

std::string outbox_source(const std::string& library_root, const std::string& recording_id) {
    return library_root + " " + recording_id;
}

Result<remote::Outgoing> queue_for_team(catalog::Library& lib, const std::string& library_root,
                                        const catalog::Ref& recording, const std::string& connection) {
    auto rec = lib.get(recording);
    if (!rec) return std::unexpected(rec.error());
    auto chapters = lib.chapters(rec->id);
    if (!chapters) return std::unexpected(chapters.error());
    const auto file = lib.absolute(rec->media_path);
    if (file.empty()) {
        return fail(ErrorCode::not_found,
                    fmt::format("{} has no video file in the library; `walkthrough doctor` says more", rec->id));
    }
    catalog::NewRecording details;
    details.title = rec->title;
    details.description = rec->description;
    details.kind = rec->kind;
    details.tags = rec->tags;
    return remote::enqueue(connection, file, details, *chapters, outbox_source(library_root, rec->id));
}

}  // namespace wt::app
