#pragma once
// Share links (one recording for someone outside the team) as stored in the catalog: what
// SqliteAccess does for Access's share operations. Internal to catalog/.
#include <cstdint>
#include <string>
#include <vector>

#include "catalog/access.hpp"
#include "catalog/sqlite_ptr.hpp"

namespace wt::catalog::shares {

Result<Share> create(sql::Database& db, EpochMs now, const std::string& recording_id, const std::string& mode, int days,
                     const std::string& created_by_id);
Result<std::vector<Share>> list(sql::Database& db, const std::string& recording_id);
Result<Share> revoke(sql::Database& db, EpochMs now, const std::string& recording_id, const std::string& share_id);

// A guest who opened a live link: their new row of people, and when the link ends.
struct NewGuest {
    std::int64_t person_seq = 0;
    EpochMs link_expires_at = 0;
};
// Inside the caller's transaction: checks the code and the name and adds the guest.
Result<NewGuest> add_guest(sql::Database& db, EpochMs now, const std::string& code, const std::string& typed_name);

}  // namespace wt::catalog::shares
