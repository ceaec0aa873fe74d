#include "modules/auth/jwt.h"

#include "core/base64url.h"

#include <sodium.h>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <stdexcept>

namespace tc::auth {
namespace {

std::string thumbprint(const std::string& public_key) {
  // RFC 7638: SHA-256 over the required members in lexicographic order, no spaces.
  std::string canonical = R"({"crv":"Ed25519","kty":"OKP","x":")" + base64url_encode(public_key) + R"("})";
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(canonical.data()), canonical.size());
  return base64url_encode(std::string_view(reinterpret_cast<const char*>(digest), sizeof digest));
}

VerifyResult fail(std::string why) { return {std::nullopt, std::move(why)}; }

const boost::json::string* string_member(const boost::json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v ? v->if_string() : nullptr;
}

std::optional<std::int64_t> int_member(const boost::json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (!v || !v->is_int64()) return std::nullopt;
  return v->as_int64();
}

std::optional<boost::json::object> parse_object(std::string_view segment) {
  auto raw = base64url_decode(segment);
  if (!raw) return std::nullopt;
  boost::system::error_code ec;
  boost::json::parse_options opts;
  opts.max_depth = 8;
  auto v = boost::json::parse(*raw, ec, {}, opts);
  if (ec || !v.is_object()) return std::nullopt;
  return std::move(v.as_object());
}

}  // namespace

SigningKey SigningKey::generate(std::int64_t now_ms) {
  if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
  std::string pk(crypto_sign_PUBLICKEYBYTES, '\0'), sk(crypto_sign_SECRETKEYBYTES, '\0');
  crypto_sign_keypair(reinterpret_cast<unsigned char*>(pk.data()), reinterpret_cast<unsigned char*>(sk.data()));
  return from_secret(std::move(sk), now_ms);
}

SigningKey SigningKey::from_secret(std::string secret_key, std::int64_t created_ms) {
  if (secret_key.size() != crypto_sign_SECRETKEYBYTES)
    throw std::invalid_argument("Ed25519 secret key must be 64 bytes");
  SigningKey k;
  k.public_key = secret_key.substr(crypto_sign_SECRETKEYBYTES - crypto_sign_PUBLICKEYBYTES);
  k.secret_key = std::move(secret_key);
  k.kid = thumbprint(k.public_key);
  k.created_ms = created_ms;
  return k;
}

boost::json::object SigningKey::public_jwk() const {
  return {{"kty", "OKP"}, {"crv", "Ed25519"}, {"x", base64url_encode(public_key)},
          {"kid", kid},   {"alg", "EdDSA"},   {"use", "sig"}};
}

std::string sign_access_token(const AccessClaims& c, const SigningKey& key, const JwtSettings& settings) {
  if (key.secret_key.empty()) throw std::logic_error("signing key has no secret part");
  boost::json::object header{{"alg", "EdDSA"}, {"typ", "at+jwt"}, {"kid", key.kid}};
  boost::json::object payload{{"iss", settings.issuer}, {"aud", settings.audience}, {"sub", c.subject},
                              {"sid", c.session_id},    {"role", c.role},           {"jti", c.token_id},
                              {"iat", c.issued_at},     {"nbf", c.not_before},      {"exp", c.expires_at}};
  std::string signing_input =
      base64url_encode(boost::json::serialize(header)) + "." + base64url_encode(boost::json::serialize(payload));
  unsigned char sig[crypto_sign_BYTES];
  crypto_sign_detached(sig, nullptr, reinterpret_cast<const unsigned char*>(signing_input.data()), signing_input.size(),
                       reinterpret_cast<const unsigned char*>(key.secret_key.data()));
  return signing_input + "." + base64url_encode(std::string_view(reinterpret_cast<const char*>(sig), sizeof sig));
}

VerifyResult verify_access_token(std::string_view token, const std::vector<SigningKey>& keys,
                                 const JwtSettings& settings, std::int64_t now_s) {
  if (token.size() > kMaxTokenBytes) return fail("token too large");
  auto dot1 = token.find('.');
  auto dot2 = dot1 == std::string_view::npos ? dot1 : token.find('.', dot1 + 1);
  if (dot2 == std::string_view::npos || token.find('.', dot2 + 1) != std::string_view::npos) {
    return fail("not a compact JWS");
  }
  auto header = parse_object(token.substr(0, dot1));
  if (!header) return fail("malformed header");
  const auto* alg = string_member(*header, "alg");
  if (!alg || *alg != "EdDSA") return fail("algorithm not allowed");
  const auto* typ = string_member(*header, "typ");
  if (!typ || *typ != "at+jwt") return fail("wrong token type");
  if (header->contains("crit") || header->contains("jku") || header->contains("x5u") || header->contains("jwk")) {
    return fail("unsupported header parameter");
  }
  const auto* kid = string_member(*header, "kid");
  if (!kid) return fail("no key id");
  const SigningKey* key = nullptr;
  for (const auto& k : keys) {
    if (k.kid == *kid) key = &k;
  }
  if (!key) return fail("unknown key id");
  auto sig = base64url_decode(token.substr(dot2 + 1));
  if (!sig || sig->size() != crypto_sign_BYTES) return fail("malformed signature");
  auto signing_input = token.substr(0, dot2);
  if (crypto_sign_verify_detached(reinterpret_cast<const unsigned char*>(sig->data()),
                                  reinterpret_cast<const unsigned char*>(signing_input.data()), signing_input.size(),
                                  reinterpret_cast<const unsigned char*>(key->public_key.data())) != 0) {
    return fail("bad signature");
  }
  // Only a verified payload is parsed.
  auto payload = parse_object(token.substr(dot1 + 1, dot2 - dot1 - 1));
  if (!payload) return fail("malformed payload");
  const auto* iss = string_member(*payload, "iss");
  if (!iss || *iss != settings.issuer) return fail("wrong issuer");
  const auto* aud = payload->if_contains("aud");
  bool aud_ok = false;
  if (aud && aud->is_string()) aud_ok = aud->as_string() == settings.audience;
  if (aud && aud->is_array()) {
    for (const auto& a : aud->as_array()) aud_ok = aud_ok || (a.is_string() && a.as_string() == settings.audience);
  }
  if (!aud_ok) return fail("wrong audience");
  auto exp = int_member(*payload, "exp");
  auto nbf = int_member(*payload, "nbf");
  auto iat = int_member(*payload, "iat");
  const auto leeway = settings.leeway.count();
  if (!exp || now_s >= *exp + leeway) return fail("expired");
  if (!nbf || now_s + leeway < *nbf) return fail("not yet valid");
  const auto* sub = string_member(*payload, "sub");
  const auto* sid = string_member(*payload, "sid");
  const auto* role = string_member(*payload, "role");
  const auto* jti = string_member(*payload, "jti");
  if (!sub || sub->empty() || !sid || !role || !jti || !iat) return fail("missing claims");
  AccessClaims c;
  c.subject = std::string(*sub);
  c.session_id = std::string(*sid);
  c.role = std::string(*role);
  c.token_id = std::string(*jti);
  c.issued_at = *iat;
  c.not_before = *nbf;
  c.expires_at = *exp;
  return {std::move(c), {}};
}

}  // namespace tc::auth
