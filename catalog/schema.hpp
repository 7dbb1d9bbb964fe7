#pragma once
// The catalog's schema, versioned with PRAGMA user_version and marked as ours with PRAGMA
// application_id. Each migration moves the file one version forward inside one transaction; a file
// newer than this build, or another program's, is refused, not touched.
#include "catalog/sqlite_ptr.hpp"

namespace wt::catalog {

int latest_schema_version();
Result<int> schema_version(sql::Database& db);
// Migrates up to `target` (tests stop early to build an older file), and marks the file as a
// walkthrough catalog (PRAGMA application_id) if it is not yet.
Result<void> migrate(sql::Database& db, int target);
// Whether the file is a walkthrough catalog: ours by its application id, a new empty file, or a
// library from before the id (our tables and schema versions). Anything else is refused
// (ErrorCode::conflict) naming the file and what to do; nothing is written either way.
Result<void> check_is_catalog(sql::Database& db);

}  // namespace wt::catalog
