#pragma once
// The certificate and key for serving HTTPS directly (serve --tls-cert/--tls-key), read and
// checked before the server starts, so that a wrong file gets an error naming it rather than a
// server that fails every handshake.
#include <filesystem>
#include <string>

#include "common/result.hpp"

namespace wt::serve {

struct TlsFiles {
    std::string cert_pem;  // the certificate (and any intermediates after it), PEM
    std::string key_pem;   // its private key, PEM, not encrypted
    std::string warning;   // e.g. the certificate has expired: said, but no reason not to start
};

// Whether this libmicrohttpd can serve TLS at all (Debian's is built with GnuTLS).
bool tls_supported();

// Reads both files and checks that they are PEM, that the key is not encrypted, and that it is the
// certificate's key.
Result<TlsFiles> load_tls(const std::filesystem::path& cert, const std::filesystem::path& key);

}  // namespace wt::serve
