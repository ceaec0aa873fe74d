// The cryptography of Web Push, on OpenSSL 3: message encryption per RFC 8291
// (ECDH P-256 + HKDF-SHA256, content coding aes128gcm of RFC 8188, one record) and
// the VAPID token of RFC 8292 (an ES256 JWT with aud, exp, sub). Keys travel as raw
// bytes: a private key is the 32-byte scalar, a public key the 65-byte uncompressed
// point (0x04 || X || Y), which is what browsers put in a subscription's `p256dh`.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace tc::alerts::web_push {

constexpr std::size_t kRecordSize = 4096;  // rs of the single record; RFC 8291 §4 caps a push body at 4096 bytes
// The most plaintext that fits one 4096-byte record: rs − 16 (tag) − 1 (delimiter) and the
// header (86 bytes) counted in the body's 4096.
constexpr std::size_t kMaxPlaintext = kRecordSize - 86 - 16 - 1;

// The public key of a private scalar; throws std::invalid_argument when it is not
// a valid P-256 private key (0 or ≥ the group order, wrong length).
std::string public_key_of(const std::string& private_key);
// Whether `public_key` is 65 bytes, uncompressed, and a point on P-256.
bool valid_public_key(const std::string& public_key);
// A fresh key pair: {private scalar, public point}.
std::pair<std::string, std::string> generate_key_pair();

// RFC 8291 §3.4 + RFC 8188 §2: the whole request body (header: salt, rs, idlen,
// keyid = the sender's public key; then the one record). `as_private` is the
// sender's (ephemeral) private key and `salt` 16 bytes; both are given so the RFC's
// Appendix A example reproduces. Throws std::invalid_argument on bad keys or a
// plaintext above kMaxPlaintext.
std::string encrypt(const std::string& plaintext, const std::string& ua_public, const std::string& auth_secret,
                    const std::string& as_private, const std::string& salt);
// The same with a fresh ephemeral key and a random salt (what every push uses).
std::string encrypt(const std::string& plaintext, const std::string& ua_public, const std::string& auth_secret);
// The user agent's side (tests, and a check that encrypt is reversible): nullopt
// when the body does not decrypt with these keys.
std::optional<std::string> decrypt(const std::string& body, const std::string& ua_private,
                                   const std::string& auth_secret);

// RFC 8292 §2: the JWT `<header>.<claims>.<ES256 signature>` with claims
// {"aud": audience, "exp": exp_s, "sub": subject}.
std::string vapid_token(const std::string& audience, std::int64_t exp_s, const std::string& subject,
                        const std::string& private_key);
// RFC 8292 §3: `vapid t=<token>, k=<base64url public key>`.
std::string vapid_authorization(const std::string& audience, std::int64_t exp_s, const std::string& subject,
                                const std::string& private_key);
// Whether `token` is an ES256 JWT signed by `public_key` (tests and diagnostics).
bool verify_vapid_token(const std::string& token, const std::string& public_key);

}  // namespace tc::alerts::web_push
