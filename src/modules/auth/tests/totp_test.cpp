#include "modules/auth/totp.h"

#include <gtest/gtest.h>

namespace tc::auth {
namespace {

// RFC 6238 Appendix B, SHA-1 seed; the 6-digit codes are the last six of the 8-digit table.
const std::string kSeed = "12345678901234567890";

TEST(Totp, MatchesRfc6238Vectors) {
  EXPECT_EQ(totp_at(kSeed, 59), "287082");
  EXPECT_EQ(totp_at(kSeed, 1111111109), "081804");
  EXPECT_EQ(totp_at(kSeed, 1234567890), "005924");
  EXPECT_EQ(totp_at(kSeed, 2000000000), "279037");
}

TEST(Totp, AcceptsOneStepEitherSideAndReportsTheStep) {
  const std::int64_t now = 1'800'000'000;
  const std::int64_t step = now / kTotpStepSeconds;
  EXPECT_EQ(match_totp(kSeed, totp_at(kSeed, now), now), step);
  EXPECT_EQ(match_totp(kSeed, totp_at(kSeed, now - 30), now), step - 1);
  EXPECT_EQ(match_totp(kSeed, totp_at(kSeed, now + 30), now), step + 1);
  EXPECT_FALSE(match_totp(kSeed, totp_at(kSeed, now - 90), now));
  EXPECT_FALSE(match_totp(kSeed, "12345", now));
  EXPECT_FALSE(match_totp(kSeed, "12a456", now));
  EXPECT_FALSE(match_totp(kSeed, "", now));
}

TEST(Totp, EnrolmentUriAndQrCode) {
  EXPECT_EQ(base32_encode(kSeed), "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
  auto uri = otpauth_uri("tradechat", "alice smith", kSeed);
  EXPECT_EQ(uri,
            "otpauth://totp/tradechat:alice%20smith?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=tradechat"
            "&algorithm=SHA1&digits=6&period=30");
  auto svg = qr_svg(uri);
  EXPECT_TRUE(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
  EXPECT_NE(svg.find("<path"), std::string::npos);
  EXPECT_EQ(new_totp_secret().size(), 20u);
  EXPECT_NE(new_totp_secret(), new_totp_secret());
}

}  // namespace
}  // namespace tc::auth
