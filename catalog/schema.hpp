#pragma once
// The catalog's schema, versioned with PRAGMA user_version. Each migration moves the file one
// version forward inside one transaction; a file newer than this build is refused, not touched.
#include "catalog/sqlite_ptr.hpp"

namespace wt::catalog {

int latest_schema_version();
Result<int> schema_version(sql::Database& db);
// Migrates up to `target` (tests stop early to build an older file).
Result<void> migrate(sql::Database& db, int target);

}  // namespace wt::catalog
