#include "modules/auth/pii_cipher.h"

#include <gtest/gtest.h>

namespace tc::auth {
namespace {

TEST(PiiCipher, RoundTripsBoundToItsRow) {
  PiiCipher c({{"k1", PiiCipher::random_key()}}, PiiCipher::random_key());
  auto sealed = c.encrypt("alice@example.com", "users.email:u1");
  EXPECT_TRUE(sealed.starts_with("v1.k1."));
  EXPECT_EQ(sealed.find("alice"), std::string::npos);
  EXPECT_EQ(c.decrypt(sealed, "users.email:u1"), "alice@example.com");
  EXPECT_FALSE(c.decrypt(sealed, "users.email:u2")) << "moved to another row";
  EXPECT_NE(c.encrypt("alice@example.com", "users.email:u1"), sealed) << "random nonce";
  auto tampered = sealed;
  tampered.back() = tampered.back() == 'A' ? 'B' : 'A';
  EXPECT_FALSE(c.decrypt(tampered, "users.email:u1"));
  EXPECT_FALSE(c.decrypt("v1.k9.AAAA", "users.email:u1"));
  EXPECT_FALSE(c.decrypt("garbage", "users.email:u1"));
}

TEST(PiiCipher, RotationKeepsOldCiphertextsReadable) {
  auto k1 = PiiCipher::random_key(), k2 = PiiCipher::random_key(), idx = PiiCipher::random_key();
  PiiCipher before({{"k1", k1}}, idx);
  auto sealed = before.encrypt("bob@example.com", "a");
  PiiCipher after({{"k2", k2}, {"k1", k1}}, idx);
  EXPECT_EQ(after.decrypt(sealed, "a"), "bob@example.com");
  EXPECT_TRUE(after.needs_reencrypt(sealed));
  EXPECT_FALSE(after.needs_reencrypt(after.encrypt("bob@example.com", "a")));
  EXPECT_EQ(before.blind_index("bob@example.com"), after.blind_index("bob@example.com"));
}

TEST(PiiCipher, BlindIndexIsKeyedAndDeterministic) {
  auto idx = PiiCipher::random_key();
  PiiCipher a({{"k1", PiiCipher::random_key()}}, idx);
  PiiCipher b({{"k1", PiiCipher::random_key()}}, PiiCipher::random_key());
  EXPECT_EQ(a.blind_index("x@example.com"), a.blind_index("x@example.com"));
  EXPECT_NE(a.blind_index("x@example.com"), a.blind_index("y@example.com"));
  EXPECT_NE(a.blind_index("x@example.com"), b.blind_index("x@example.com"));
  EXPECT_THROW(PiiCipher({{"k1", "short"}}, idx), std::invalid_argument);
}

}  // namespace
}  // namespace tc::auth
