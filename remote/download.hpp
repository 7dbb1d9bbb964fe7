#pragma once
// Exporting from a team server: the same files as a folder's export (catalog/export.hpp), the video
// downloaded with the connection's credential. Internal to remote/.
#include <filesystem>

#include "catalog/catalog.hpp"
#include "remote/http_client.hpp"

namespace wt::remote {

// Reads the recording and what its sidecar holds through `lib` (the team library), then downloads
// its video into the export's temporary file. Nothing is left when the download is cut, cancelled
// or not of the size the server's catalog holds.
Result<catalog::ExportResult> export_download(HttpClient& http, catalog::Library& lib, const catalog::Ref& recording,
                                              const std::filesystem::path& dest, const catalog::Progress& progress);

}  // namespace wt::remote
