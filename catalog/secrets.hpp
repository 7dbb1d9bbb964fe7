#pragma once
// Secrets for a team library (invite codes, tokens, browser sessions): random from the OS, kept
// only as hashes, compared in constant time.
#include <cstddef>
#include <string>
#include <string_view>

#include "common/result.hpp"

namespace wt::catalog {

// `bytes` random bytes from the OS's generator as base64url text (no padding).
Result<std::string> random_secret(std::size_t bytes);
// SHA-256 of the text, as 64 lowercase hex digits: what the catalog stores instead of a secret.
std::string secret_hash(std::string_view secret);
// Whether two stored hashes are equal, in time that does not depend on where they differ.
bool same_hash(std::string_view a, std::string_view b);

}  // namespace wt::catalog
