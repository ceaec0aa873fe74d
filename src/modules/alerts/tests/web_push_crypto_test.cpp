// Web Push cryptography against the published example of RFC 8291 (Appendix A):
// the same keys and salt must give the same body, byte for byte; and the VAPID
// token of RFC 8292 (ES256 over the JWT, aud/exp/sub claims, the `vapid` scheme).
#include "modules/alerts/web_push_crypto.h"

#include "core/base64url.h"

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

namespace tc::alerts::web_push {
namespace {

std::string b64(const std::string& text) {
  auto raw = base64url_decode(text);
  EXPECT_TRUE(raw) << text;
  return raw.value_or("");
}

// RFC 8291 Appendix A, with the line breaks of the RFC's layout removed.
const std::string kPlaintext = "When I grow up, I want to be a watermelon";
const std::string kAsPrivate = "yfWPiYE-n46HLnH0KqZOF1fJJU3MYrct3AELtAQ-oRw";
const std::string kAsPublic = "BP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A8";
const std::string kUaPrivate = "q1dXpw3UpT5VOmu_cf_v6ih07Aems3njxI-JWgLcM94";
const std::string kUaPublic = "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4";
const std::string kSalt = "DGv6ra1nlYgDCS1FRnbzlw";
const std::string kAuth = "BTBZMqHH6r4Tts7J_aSIgg";
const std::string kBody =
    "DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl"
    "7A_yl95bQpu6cVPTpK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSxsj_Qulcy4a-fN";

TEST(WebPushCrypto, ReproducesTheRfc8291AppendixAExampleByteForByte) {
  EXPECT_EQ(public_key_of(b64(kAsPrivate)), b64(kAsPublic));
  EXPECT_EQ(public_key_of(b64(kUaPrivate)), b64(kUaPublic));
  const auto body = encrypt(kPlaintext, b64(kUaPublic), b64(kAuth), b64(kAsPrivate), b64(kSalt));
  EXPECT_EQ(base64url_encode(body), kBody);
  EXPECT_EQ(body.size(), 86u + kPlaintext.size() + 1 + 16) << "header, one record with its delimiter, the tag";
}

TEST(WebPushCrypto, TheUserAgentDecryptsTheExampleAndRefusesATamperedOne) {
  EXPECT_EQ(decrypt(b64(kBody), b64(kUaPrivate), b64(kAuth)), kPlaintext);
  auto tampered = b64(kBody);
  tampered[100] = static_cast<char>(tampered[100] ^ 1);
  EXPECT_EQ(decrypt(tampered, b64(kUaPrivate), b64(kAuth)), std::nullopt);
  EXPECT_EQ(decrypt(b64(kBody), b64(kUaPrivate), std::string(16, 'x')), std::nullopt) << "another auth secret";
}

TEST(WebPushCrypto, FreshKeysAndSaltsEveryMessageStillDecrypt) {
  const auto [ua_private, ua_public] = generate_key_pair();
  const std::string auth(16, '\x07');
  const auto a = encrypt("hello", ua_public, auth);
  const auto b = encrypt("hello", ua_public, auth);
  EXPECT_NE(a, b) << "salt and ephemeral key differ per message";
  EXPECT_EQ(decrypt(a, ua_private, auth), "hello");
  EXPECT_EQ(decrypt(b, ua_private, auth), "hello");
  EXPECT_THROW(encrypt(std::string(kMaxPlaintext + 1, 'a'), ua_public, auth), std::invalid_argument);
  EXPECT_EQ(encrypt(std::string(kMaxPlaintext, 'a'), ua_public, auth).size(), kRecordSize);
}

TEST(WebPushCrypto, PublicKeysAreCheckedToBeOnTheCurve) {
  EXPECT_TRUE(valid_public_key(b64(kUaPublic)));
  auto off_curve = b64(kUaPublic);
  off_curve[64] = static_cast<char>(off_curve[64] ^ 1);
  EXPECT_FALSE(valid_public_key(off_curve));
  EXPECT_FALSE(valid_public_key(b64(kUaPublic).substr(0, 33))) << "compressed or truncated";
  EXPECT_FALSE(valid_public_key(std::string(65, '\x04')));
  EXPECT_THROW(public_key_of(std::string(32, '\0')), std::invalid_argument);
  EXPECT_THROW(public_key_of(std::string(32, '\xff')), std::invalid_argument) << "above the group order";
}

TEST(WebPushVapid, TheTokenIsAnEs256JwtWithAudExpSubAndTheSchemeCarriesThePublicKey) {
  const auto key = b64(kAsPrivate);
  const auto token = vapid_token("https://push.example.net", 1'700'000'000, "mailto:ops@example.com", key);
  const auto first = token.find('.');
  const auto second = token.find('.', first + 1);
  ASSERT_NE(second, std::string::npos);
  EXPECT_EQ(boost::json::parse(*base64url_decode(token.substr(0, first))),
            boost::json::parse(R"({"typ":"JWT","alg":"ES256"})"));
  EXPECT_EQ(
      boost::json::parse(*base64url_decode(token.substr(first + 1, second - first - 1))),
      boost::json::parse(R"({"aud":"https://push.example.net","exp":1700000000,"sub":"mailto:ops@example.com"})"));
  EXPECT_EQ(base64url_decode(token.substr(second + 1))->size(), 64u) << "r || s, not DER";
  EXPECT_TRUE(verify_vapid_token(token, b64(kAsPublic)));
  EXPECT_FALSE(verify_vapid_token(token, b64(kUaPublic))) << "another key";
  auto forged = token;
  forged[first + 2] = forged[first + 2] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(verify_vapid_token(forged, b64(kAsPublic))) << "changed claims";

  const auto header = vapid_authorization("https://push.example.net", 1'700'000'000, "mailto:ops@example.com", key);
  EXPECT_EQ(header.rfind("vapid t=", 0), 0u);
  EXPECT_NE(header.find(", k=" + kAsPublic), std::string::npos);
}

}  // namespace
}  // namespace tc::alerts::web_push
