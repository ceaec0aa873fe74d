#include "modules/auth/password.h"
#include "modules/auth/common_passwords.h"

#include <gtest/gtest.h>

namespace tc::auth {
namespace {

// Cheap parameters keep the test fast; the production defaults are asserted separately.
const Argon2Params kFast{1, 256, 1};

TEST(Password, PolicyCountsCodePointsAndNeverTrims) {
  EXPECT_TRUE(password_policy_violation("short", "u"));
  EXPECT_FALSE(password_policy_violation("correct horse battery", "u"));
  // Eight code points of three bytes each: long enough although it is 24 bytes.
  EXPECT_FALSE(password_policy_violation("日本語のパスワ語", "u"));
  // Seven code points in 21 bytes: too short.
  EXPECT_TRUE(password_policy_violation("日本語のパスワ", "u"));
  EXPECT_FALSE(password_policy_violation(std::string(1024, 'x'), "u"));
  EXPECT_TRUE(password_policy_violation(std::string(1025, 'x'), "u"));
  EXPECT_TRUE(password_policy_violation("\xff\xfe invalid utf8", "u"));
  EXPECT_EQ(*password_policy_violation("correcthorse", "correcthorse"), "the password must differ from the username");
}

TEST(Password, CommonPasswordsAreRefusedCaseInsensitively) {
  EXPECT_GT(common_password_count(), 10000u);
  EXPECT_TRUE(is_common_password("password123"));
  EXPECT_TRUE(is_common_password("PassWord123"));
  EXPECT_TRUE(password_policy_violation("qwertyuiop", "u"));
  EXPECT_FALSE(is_common_password("k8#Tq!vX2pLz"));
}

TEST(Password, HashesVerifyAndSpacesMatter) {
  auto h = hash_password(" padded secret ", kFast);
  EXPECT_TRUE(h.starts_with("$argon2id$v=19$m=256,t=1,p=1$"));
  EXPECT_TRUE(verify_password(h, " padded secret "));
  EXPECT_FALSE(verify_password(h, "padded secret"));
  EXPECT_FALSE(verify_password(h, " padded secret  "));
  EXPECT_NE(hash_password(" padded secret ", kFast), h) << "salted";
  EXPECT_FALSE(verify_password("not a hash", "x"));
}

TEST(Password, DefaultsMeetOwaspMinimumAndWeakHashesAreRehashed) {
  Argon2Params defaults;
  EXPECT_GE(defaults.t_cost, 2u);
  EXPECT_GE(defaults.m_cost_kib, 19u * 1024u);
  EXPECT_EQ(defaults.parallelism, 1u);
  EXPECT_TRUE(needs_rehash(hash_password("correct horse battery", kFast)));
  EXPECT_FALSE(needs_rehash("$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA"));
}

}  // namespace
}  // namespace tc::auth
