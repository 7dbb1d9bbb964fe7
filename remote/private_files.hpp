#pragma once
// Files only their owner may read (tokens, recordings waiting to be sent), written so that a crash
// leaves the old file or the new one, never half of either. Internal to remote/.
#include <filesystem>
#include <string>

#include "common/result.hpp"

namespace wt::remote {

Error io_failure(const std::filesystem::path& p, const char* doing, int err);
// Makes `dir` (and its parents) and keeps it to its owner (mode 0700).
Result<void> private_dir(const std::filesystem::path& dir);
// Writes `bytes` to a temporary file next to `dest` (mode 0600), flushes it and renames it over `dest`.
Result<void> write_private_file(const std::filesystem::path& dest, const std::string& bytes);

}  // namespace wt::remote
