#include "modules/auth/jwt.h"
#include "core/base64url.h"

#include <gtest/gtest.h>
#include <boost/json/serialize.hpp>

namespace tc::auth {
namespace {

const JwtSettings kSettings{"https://tradechat.test", "tradechat", std::chrono::seconds(30)};
constexpr std::int64_t kNow = 1'800'000'000;

AccessClaims claims() { return {"user-1", "session-1", "user", "jti-1", kNow, kNow, kNow + 900}; }

std::string forge(const boost::json::object& header, const boost::json::object& payload, const std::string& sig) {
  return base64url_encode(boost::json::serialize(header)) + "." + base64url_encode(boost::json::serialize(payload)) +
         "." + sig;
}

TEST(Base64Url, RoundTripsAndIsStrict) {
  std::string bytes("\x00\xff\xfe binary \x01", 12);
  EXPECT_EQ(base64url_decode(base64url_encode(bytes)), bytes);
  EXPECT_EQ(base64url_encode("\xfb\xff"), "-_8");
  EXPECT_FALSE(base64url_decode("-_8="));  // padding refused
  EXPECT_FALSE(base64url_decode("+/8"));   // standard alphabet refused
  EXPECT_FALSE(base64url_decode("ab cd"));
}

TEST(Jwt, SignsAndVerifies) {
  auto key = SigningKey::generate(0);
  auto token = sign_access_token(claims(), key, kSettings);
  auto r = verify_access_token(token, {key}, kSettings, kNow + 10);
  ASSERT_TRUE(r.claims) << r.error;
  EXPECT_EQ(r.claims->subject, "user-1");
  EXPECT_EQ(r.claims->session_id, "session-1");
  EXPECT_EQ(r.claims->role, "user");
  EXPECT_EQ(key.public_jwk().at("kty").as_string(), "OKP");
  EXPECT_EQ(key.public_jwk().at("kid").as_string(), key.kid);
}

TEST(Jwt, KidIsTheRfc7638Thumbprint) {
  // RFC 8037 Appendix A.3: the thumbprint of its example Ed25519 key.
  std::string seed = *base64url_decode("nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A");
  std::string pk = *base64url_decode("11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo");
  auto key = SigningKey::from_secret(seed + pk, 0);
  EXPECT_EQ(key.kid, "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k");
}

TEST(Jwt, RefusesTamperingAndConfusion) {
  auto key = SigningKey::generate(0);
  auto other = SigningKey::generate(0);
  auto token = sign_access_token(claims(), key, kSettings);
  auto sig = token.substr(token.rfind('.') + 1);
  auto verify = [&](const std::string& t) { return verify_access_token(t, {key}, kSettings, kNow); };

  // Payload changed (role escalated), signature kept.
  auto payload = boost::json::object{{"iss", kSettings.issuer},
                                     {"aud", kSettings.audience},
                                     {"sub", "user-1"},
                                     {"sid", "session-1"},
                                     {"role", "admin"},
                                     {"jti", "x"},
                                     {"iat", kNow},
                                     {"nbf", kNow},
                                     {"exp", kNow + 900}};
  boost::json::object header{{"alg", "EdDSA"}, {"typ", "at+jwt"}, {"kid", key.kid}};
  EXPECT_EQ(verify(forge(header, payload, sig)).error, "bad signature");
  // alg=none and HS256 (key confusion) are not on the allow-list.
  EXPECT_EQ(verify(forge({{"alg", "none"}, {"typ", "at+jwt"}, {"kid", key.kid}}, payload, "")).error,
            "algorithm not allowed");
  EXPECT_EQ(verify(forge({{"alg", "HS256"}, {"typ", "at+jwt"}, {"kid", key.kid}}, payload, sig)).error,
            "algorithm not allowed");
  // A token typed as something else (e.g. an ID token) is not an access token.
  EXPECT_EQ(verify(forge({{"alg", "EdDSA"}, {"typ", "JWT"}, {"kid", key.kid}}, payload, sig)).error,
            "wrong token type");
  // Signed by a key we do not trust.
  EXPECT_EQ(verify(sign_access_token(claims(), other, kSettings)).error, "unknown key id");
  // Embedded keys are never trusted.
  EXPECT_EQ(
      verify(forge({{"alg", "EdDSA"}, {"typ", "at+jwt"}, {"kid", key.kid}, {"jwk", other.public_jwk()}}, payload, sig))
          .error,
      "unsupported header parameter");
  EXPECT_FALSE(verify(token + ".x").claims);
  EXPECT_FALSE(verify("a.b").claims);
  EXPECT_EQ(verify(std::string(kMaxTokenBytes + 1, 'a')).error, "token too large");
}

TEST(Jwt, ChecksTimeIssuerAndAudience) {
  auto key = SigningKey::generate(0);
  auto token = sign_access_token(claims(), key, kSettings);
  EXPECT_EQ(verify_access_token(token, {key}, kSettings, kNow + 900 + 30).error, "expired");
  EXPECT_TRUE(verify_access_token(token, {key}, kSettings, kNow + 900 + 29).claims) << "leeway";
  EXPECT_EQ(verify_access_token(token, {key}, kSettings, kNow - 31).error, "not yet valid");
  JwtSettings other_iss = kSettings;
  other_iss.issuer = "https://evil.test";
  EXPECT_EQ(verify_access_token(token, {key}, other_iss, kNow).error, "wrong issuer");
  JwtSettings other_aud = kSettings;
  other_aud.audience = "another-service";
  EXPECT_EQ(verify_access_token(token, {key}, other_aud, kNow).error, "wrong audience");
}

TEST(Jwt, RotatedKeysStillVerifyUntilRemoved) {
  auto old_key = SigningKey::generate(0);
  auto new_key = SigningKey::generate(1);
  auto token = sign_access_token(claims(), old_key, kSettings);
  SigningKey public_only = old_key;
  public_only.secret_key.clear();
  EXPECT_TRUE(verify_access_token(token, {new_key, public_only}, kSettings, kNow).claims);
  EXPECT_FALSE(verify_access_token(token, {new_key}, kSettings, kNow).claims);
}

}  // namespace
}  // namespace tc::auth
