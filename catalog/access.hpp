#pragma once
// Signing in to a team library: what a server does with invite codes, personal tokens and browser
// sessions. Invites are made and revoked through catalog::Library (people invite / revoke); this
// interface checks them. Secrets cross it only as the text a client sent; the catalog keeps hashes.
//
// Thread-safety: as Library, one per thread.
#include <filesystem>
#include <memory>
#include <string>

#include "catalog/catalog.hpp"

namespace wt::catalog {

inline constexpr EpochMs k_token_lifetime_ms = 180LL * 24 * 3600 * 1000;   // scripts, the desktop app
inline constexpr EpochMs k_session_lifetime_ms = 30LL * 24 * 3600 * 1000;  // a browser

struct SignIn {
    Person person;
    std::string token;    // for Authorization: Bearer
    std::string session;  // for the browser's cookie
    EpochMs token_expires_at = 0;
    EpochMs session_expires_at = 0;
};

class Access {
public:
    virtual ~Access() = default;
    // Spends a one-time invite code on a personal token and a browser session for its person. An
    // unknown, used or expired code fails with not_found and changes nothing.
    virtual Result<SignIn> redeem_invite(const std::string& code) = 0;
    // Whose token or session this is; not_found when unknown, revoked or expired. Notes when the
    // person was last seen (at most once a minute, to keep requests from all writing).
    virtual Result<Person> authenticate(const std::string& secret) = 0;
    // Ends this token or session (signing out); not_found when it is not a live one.
    virtual Result<void> sign_out(const std::string& secret) = 0;
};

Result<std::unique_ptr<Access>> open_access(const std::filesystem::path& root, const OpenOptions& = {});

}  // namespace wt::catalog
