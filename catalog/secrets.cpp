#include "catalog/secrets.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <array>
#include <vector>

namespace wt::catalog {

namespace {

Result<std::string> random_base64url(std::size_t bytes) {
    std::vector<unsigned char> raw(bytes);
    if (RAND_bytes(raw.data(), static_cast<int>(raw.size())) != 1) {
        return fail(ErrorCode::internal, "the system's random number generator failed; try again");
    }
    static constexpr char k_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    std::string out;
    std::uint32_t acc = 0;
    int bits = 0;
    for (unsigned char b : raw) {
        acc = (acc << 8) | b;
        bits += 8;
        while (bits >= 6) {
            bits -= 6;
            out += k_alphabet[(acc >> bits) & 63];
        }
    }
    if (bits > 0) out += k_alphabet[(acc << (6 - bits)) & 63];
    return out;
}

}  // namespace

Result<std::string> random_secret(std::size_t bytes) {
    // A secret is typed or pasted after a command (`connect URL CODE`), where one starting with '-'
    // would be read as an option: one in 64 would. Such a draw is thrown away and made again.
    for (;;) {
        auto s = random_base64url(bytes);
        if (!s || bytes == 0 || s->front() != '-') return s;
    }
}

std::string secret_hash(std::string_view secret) {
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    unsigned int size = 0;
    // EVP_Digest with SHA-256 cannot fail on valid input short of memory exhaustion; an empty
    // hash then matches nothing stored.
    if (EVP_Digest(secret.data(), secret.size(), digest.data(), &size, EVP_sha256(), nullptr) != 1) return {};
    static constexpr char k_hex[] = "0123456789abcdef";
    std::string out;
    out.reserve(size * 2);
    for (unsigned int i = 0; i < size; ++i) {
        out += k_hex[digest[i] >> 4];
        out += k_hex[digest[i] & 15];
    }
    return out;
}

bool same_hash(std::string_view a, std::string_view b) {
    return a.size() == b.size() && !a.empty() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace wt::catalog
