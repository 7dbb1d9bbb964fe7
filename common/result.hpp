#pragma once
// The one error type that crosses module boundaries. Every fallible operation of a part
// returns Result<T>; nobody throws across a part's public header.
#include <expected>
#include <string>
#include <utility>

namespace wt {

enum class ErrorCode {
    invalid_input,  // the caller's data is wrong: bad time, empty name, unknown kind
    not_found,      // no such recording / person / comment / file
    ambiguous,      // an ID prefix that matches more than one thing
    bad_media,      // a file that is not a usable video
    busy,           // the catalog is locked by another process past the busy timeout
    io,             // the disk said no: permissions, full, missing directory
    conflict,       // the target exists already, or the state forbids it
    internal,       // a bug or an unexpected library failure
    // A team library (remote/): the server no longer knows the credential (signed out, revoked,
    // expired): sign in again.
    unauthorized,
    forbidden,    // a team library refused: the person's access does not allow it
    unreachable,  // a team library's server could not be reached (network, server down): try again later
};

struct Error {
    ErrorCode code = ErrorCode::internal;
    std::string message;  // a sentence a person can act on: what went wrong and what to do
};

template <class T>
using Result = std::expected<T, Error>;

inline std::unexpected<Error> fail(ErrorCode code, std::string message) {
    return std::unexpected(Error{code, std::move(message)});
}

}  // namespace wt
