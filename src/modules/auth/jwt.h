// Access tokens: JWTs signed with Ed25519 (JWS "EdDSA", RFC 8037) and typed
// "at+jwt" (RFC 9068). Validation follows RFC 8725: one allowed algorithm, an
// explicit type, a known key id, issuer, audience, expiry and not-before checked,
// and a size limit before anything is parsed.
#pragma once

#include <boost/json/object.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace tc::auth {

inline constexpr std::size_t kMaxTokenBytes = 4096;

struct SigningKey {
  std::string kid;         // RFC 7638 thumbprint of the public key
  std::string public_key;  // 32 bytes
  std::string secret_key;  // 64 bytes (libsodium: seed || public key); empty for verify-only keys
  std::int64_t created_ms = 0;

  static SigningKey generate(std::int64_t now_ms);
  static SigningKey from_secret(std::string secret_key, std::int64_t created_ms);
  // The public JWK: {"kty":"OKP","crv":"Ed25519","x":…,"kid":…,"alg":"EdDSA","use":"sig"}
  boost::json::object public_jwk() const;
};

struct AccessClaims {
  std::string subject;     // user id
  std::string session_id;  // "sid"
  std::string role;
  std::string token_id;         // "jti"
  std::int64_t issued_at = 0;   // seconds
  std::int64_t not_before = 0;  // seconds
  std::int64_t expires_at = 0;  // seconds
};

struct JwtSettings {
  std::string issuer;
  std::string audience;
  std::chrono::seconds leeway{30};
};

// Signs `claims` with `key` (which must hold a secret key).
std::string sign_access_token(const AccessClaims& claims, const SigningKey& key, const JwtSettings& settings);

struct VerifyResult {
  std::optional<AccessClaims> claims;  // set when valid
  std::string error;                   // why not, for logs (never echo it to clients verbatim)
};

// Verifies against the keys (matched by kid) at time `now_s`.
VerifyResult verify_access_token(std::string_view token, const std::vector<SigningKey>& keys,
                                 const JwtSettings& settings, std::int64_t now_s);

}  // namespace tc::auth
