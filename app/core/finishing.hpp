#pragma once
// Where the recorder and the catalog meet: a finished (or interrupted) recording file in
// <library>/incoming/ becomes an MP4 in the catalog. Used by the CLI and, later, the desktop app.
#include <filesystem>
#include <string>
#include <vector>

#include "catalog/catalog.hpp"

namespace wt::app {

std::filesystem::path incoming_dir(const std::filesystem::path& library_root);

// Remuxes `file` to MP4 (faststart), adds it to the catalog (moving, not copying) and removes
// `file`. On failure `file` stays where it is, so nothing is lost and recover can try again.
Result<catalog::Recording> finish_recording(catalog::Library& lib, const std::filesystem::path& file,
                                            catalog::NewRecording details);

struct Recovered {
    std::vector<catalog::Recording> recordings;
    std::vector<std::string> problems;  // files that could not be recovered, and why
};
// Turns every interrupted recording in <library>/incoming/ into a catalog entry marked 'recovered'.
Recovered recover_interrupted(catalog::Library& lib, const std::filesystem::path& library_root);

}  // namespace wt::app
