// What `show` tells about one recording, gathered in one place for every caller.
#include "catalog/catalog.hpp"

namespace wt::catalog {

Result<RecordingOverview> overview(Library& library, const Ref& ref) {
    RecordingOverview out;
    auto rec = library.get(ref);
    if (!rec) return std::unexpected(rec.error());
    out.recording = std::move(*rec);
    auto chapters = library.chapters(out.recording.id);
    if (!chapters) return std::unexpected(chapters.error());
    out.chapters = std::move(*chapters);
    auto views = library.views(out.recording.id);
    if (!views) return std::unexpected(views.error());
    out.views = std::move(*views);
    AssignmentFilter only_this;
    only_this.recording = out.recording.id;
    auto assignments = library.assignments(only_this);
    if (!assignments) return std::unexpected(assignments.error());
    out.assignments = std::move(*assignments);
    return out;
}

}  // namespace wt::catalog
