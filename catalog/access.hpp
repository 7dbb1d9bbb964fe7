#pragma once
// Signing in to a team library: what a server does with invite codes, personal tokens and browser
// sessions. Invites are made and revoked through catalog::Library (people invite / revoke); this
// interface checks them. Secrets cross it only as the text a client sent; the catalog keeps hashes.
//
// Thread-safety: as Library, one per thread.
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

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

inline constexpr int k_share_max_days = 90;

// A link that shows one recording to someone outside the team (a client, a candidate).
struct Share {
    std::string id;  // names the link when listing and revoking it; not a secret
    std::string recording_id;
    std::string mode;        // "watch", or "comment": watch and comment under a name the guest types
    std::string created_by;  // person name; empty once they are removed
    EpochMs created_at = 0;
    EpochMs expires_at = 0;
    std::optional<EpochMs> revoked_at;
    int guests = 0;    // how many times it was opened (each a guest of their own)
    std::string code;  // the secret, only in the answer that made the link: only its hash is kept
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

    // Share links. Who may make and revoke them (the recording's author, an admin) is the server's
    // rule; these only do it. A link works for `days` days (1 to 90) unless revoked first.
    virtual Result<Share> create_share(const std::string& recording_id, const std::string& mode, int days,
                                       const std::string& created_by_id) = 0;
    virtual Result<std::vector<Share>> shares(const std::string& recording_id) = 0;  // newest first
    // Ends the link and every guest session it gave; the link as it now is. not_found when the
    // recording has no such link.
    virtual Result<Share> revoke_share(const std::string& recording_id, const std::string& share_id) = 0;
    // A browser session for a new guest who opened the link and typed `guest_name` (needed in
    // comment mode; "Guest" when empty in watch mode). An unknown code fails with not_found; a
    // link that has expired or was revoked with unauthorized, saying so; a bad name with
    // invalid_input. The session ends when the link does.
    virtual Result<SignIn> redeem_share(const std::string& code, const std::string& guest_name) = 0;
};

Result<std::unique_ptr<Access>> open_access(const std::filesystem::path& root, const OpenOptions& = {});

}  // namespace wt::catalog
