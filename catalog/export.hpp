#pragma once
// Exporting a recording: where its copy and its .json sidecar go, and what the sidecar holds. The
// same for a library folder and a team library (remote/), so an export reads alike from either;
// each brings the video's bytes its own way (a copy of its file, a download).
#include <filesystem>

#include <nlohmann/json.hpp>

#include "catalog/catalog.hpp"
#include "catalog/files.hpp"

namespace wt::catalog {

struct ExportPlan {
    Recording recording;
    ExportResult where;
    nlohmann::json sidecar;  // metadata, comments, chapters and views
};

// Reads the recording, its comments, chapters and views through `lib`, and chooses the paths: in a
// folder `dest`, "<title>-<id><ext>"; otherwise `dest` itself (given the video's extension when it
// has none). Refused, with nothing written, when the folder is missing, when either file exists, or
// when the video and its sidecar would be one file.
Result<ExportPlan> plan_export(Library& lib, const Ref& recording, const std::filesystem::path& dest);

// Writes the sidecar, then publishes `media` (the video, fully written): neither overwrites a file,
// and when the video cannot be published the sidecar is taken back.
Result<void> finish_export(TempFile& media, const ExportPlan& plan);

}  // namespace wt::catalog
