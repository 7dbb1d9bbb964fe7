#include "serve/tls.hpp"

#include <microhttpd.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <fstream>
#include <memory>
#include <sstream>

#include <fmt/format.h>

namespace wt::serve {

namespace {

struct BioFree {
    void operator()(BIO* b) const { BIO_free(b); }
};
struct X509Free {
    void operator()(X509* x) const { X509_free(x); }
};
struct KeyFree {
    void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};

Result<std::string> read_pem(const std::filesystem::path& file, const char* what) {
    std::error_code ec;
    const auto size = std::filesystem::file_size(file, ec);
    if (ec) {
        return fail(ErrorCode::invalid_input, fmt::format("cannot read the TLS {} {} ({}); give a readable PEM file",
                                                          what, file.string(), ec.message()));
    }
    if (size > 1 << 20) {
        return fail(ErrorCode::invalid_input,
                    fmt::format("the TLS {} {} is {} bytes, too large for a PEM file", what, file.string(), size));
    }
    std::ifstream in(file, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    if (!in && !in.eof()) {
        return fail(ErrorCode::invalid_input,
                    fmt::format("cannot read the TLS {} {}; check its permissions", what, file.string()));
    }
    return text.str();
}

// No passphrase is ever asked for: the server starts unattended.
int no_passphrase(char*, int, int, void*) { return -1; }

}  // namespace

bool tls_supported() { return MHD_is_feature_supported(MHD_FEATURE_TLS) == MHD_YES; }

Result<TlsFiles> load_tls(const std::filesystem::path& cert, const std::filesystem::path& key) {
    TlsFiles out;
    auto c = read_pem(cert, "certificate");
    if (!c) return std::unexpected(c.error());
    auto k = read_pem(key, "key");
    if (!k) return std::unexpected(k.error());
    out.cert_pem = std::move(*c);
    out.key_pem = std::move(*k);

    std::unique_ptr<BIO, BioFree> cert_bio(BIO_new_mem_buf(out.cert_pem.data(), static_cast<int>(out.cert_pem.size())));
    std::unique_ptr<X509, X509Free> x509(PEM_read_bio_X509(cert_bio.get(), nullptr, no_passphrase, nullptr));
    ERR_clear_error();
    if (!x509) {
        return fail(ErrorCode::invalid_input,
                    fmt::format("{} is not a PEM certificate (it should start with -----BEGIN CERTIFICATE-----)",
                                cert.string()));
    }
    if (out.key_pem.find("ENCRYPTED") != std::string::npos) {
        return fail(ErrorCode::invalid_input,
                    fmt::format("the key {} is encrypted with a passphrase; the server starts unattended, so give "
                                "it an unencrypted key (openssl pkey -in KEY -out PLAIN_KEY) readable only by it",
                                key.string()));
    }
    std::unique_ptr<BIO, BioFree> key_bio(BIO_new_mem_buf(out.key_pem.data(), static_cast<int>(out.key_pem.size())));
    std::unique_ptr<EVP_PKEY, KeyFree> pkey(PEM_read_bio_PrivateKey(key_bio.get(), nullptr, no_passphrase, nullptr));
    ERR_clear_error();
    if (!pkey) {
        return fail(ErrorCode::invalid_input,
                    fmt::format("{} is not a PEM private key (it should start with -----BEGIN PRIVATE KEY----- or "
                                "-----BEGIN RSA/EC PRIVATE KEY-----)",
                                key.string()));
    }
    if (X509_check_private_key(x509.get(), pkey.get()) != 1) {
        ERR_clear_error();
        return fail(ErrorCode::invalid_input,
                    fmt::format("the key {} does not belong to the certificate {}; give the key the certificate was "
                                "made for",
                                key.string(), cert.string()));
    }
    if (X509_cmp_current_time(X509_get0_notAfter(x509.get())) < 0) {
        out.warning =
            fmt::format("the certificate {} has expired: browsers and clients will refuse it; renew it", cert.string());
    } else if (X509_cmp_current_time(X509_get0_notBefore(x509.get())) > 0) {
        out.warning = fmt::format("the certificate {} is not valid yet (check the clock)", cert.string());
    }
    return out;
}

}  // namespace wt::serve
