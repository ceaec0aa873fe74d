// AuthService against the real signing keys in a real (SQLite) store: tokens signed
// with the server's own key but wrong in one claim are refused like any forgery, and
// a revoked session's tokens stop at once.
#include "modules/auth/auth_service.h"
#include "app/tests/test_context.h"
#include "infra/store/migrations.h"
#include "modules/audit/audit_chain.h"
#include "modules/audit/audit_module.h"
#include "modules/auth/auth_module.h"
#include "modules/auth/pii_rotation.h"
#include "modules/auth/profile_service.h"

#include <gtest/gtest.h>
#include <sodium.h>

namespace tc::auth {
namespace {

struct Fixture {
  app::testing::TestContext t;
  audit::AuditChain chain{std::string(32, 'k')};
  std::string pii_key = PiiCipher::random_key();
  std::string index_key = PiiCipher::random_key();

  Fixture() {
    EXPECT_GE(sodium_init(), 0);
    auto all = audit::migrations();
    auto mine = migrations();
    all.insert(all.end(), mine.begin(), mine.end());
    infra::store::migrate(*t.store, all);
  }
  std::unique_ptr<AuthContext> context(const AuthSettings& s) {
    return std::make_unique<AuthContext>(*t.store, t.cache, t.pool, *t.bus, chain, nullptr, s,
                                         PiiCipher({{"k1", pii_key}}, index_key));
  }
};

AuthSettings settings() {
  AuthSettings s;
  s.jwt = {"https://trade.example", "tradechat", std::chrono::seconds(30)};
  return s;
}

http::Request bearer(const std::string& token) {
  http::Request r;
  r.headers.emplace_back("Authorization", "Bearer " + token);
  return r;
}

int status_of(const AuthService& svc, const std::string& token) {
  try {
    svc.require(bearer(token));
    return 200;
  } catch (const Error& e) {
    return e.status();
  }
}

TEST(AuthService, TokensSignedWithTheServersKeyButWrongClaimsAreRefused) {
  Fixture f;
  auto good_ctx = f.context(settings());
  AuthService good(*good_ctx);
  good.load_state();
  // Other instances over the same keys, each issuing one wrong claim.
  auto s_iss = settings();
  s_iss.jwt.issuer = "https://evil.example";
  auto s_aud = settings();
  s_aud.jwt.audience = "another-service";
  auto s_exp = settings();
  s_exp.access_ttl = std::chrono::seconds(-120);  // expired beyond the leeway
  for (auto* s : {&s_iss, &s_aud, &s_exp}) {
    auto ctx = f.context(*s);
    AuthService forger(*ctx);
    forger.load_state();
    auto token = forger.issue("user-1", "admin", "session-1", "").access_token;
    EXPECT_EQ(status_of(good, token), 401) << s->jwt.issuer << " " << s->jwt.audience << " " << s->access_ttl.count();
  }
  EXPECT_EQ(status_of(good, good.issue("user-1", "user", "session-1", "").access_token), 200);
  EXPECT_EQ(status_of(good, std::string(1024UL * 1024, 'a')), 401) << "a 1 MB token";
}

TEST(AuthService, RevokedSessionsStopAtOnceAndListenersHearOnce) {
  Fixture f;
  auto ctx = f.context(settings());
  AuthService svc(*ctx);
  svc.load_state();
  int heard = 0;
  ctx->revocations.on_revoked([&heard](const RevokedSessions& r) { heard += static_cast<int>(r.session_ids.size()); });
  auto token = svc.issue("user-1", "user", "session-1", "").access_token;
  auto other = svc.issue("user-1", "user", "session-2", "").access_token;
  ctx->announce({"user-1", {"session-1"}});
  ctx->announce({"user-1", {"session-1"}});  // the bus echo of the same revocation
  EXPECT_EQ(status_of(svc, token), 401);
  EXPECT_EQ(status_of(svc, other), 200);
  EXPECT_EQ(heard, 1);
}

TEST(AuthService, RevocationMessagesRoundTrip) {
  RevokedSessions r{"u1", {"a", "b"}};
  auto back = RevocationList::from_json(RevocationList::to_json(r));
  EXPECT_EQ(back.user_id, "u1");
  EXPECT_EQ(back.session_ids, (std::vector<std::string>{"a", "b"}));
  EXPECT_ANY_THROW(RevocationList::from_json("{\"user_id\":1}"));
}

TEST(Profile, ImageTypesComeFromTheBytes) {
  EXPECT_EQ(sniff_image_type(std::string("\x89PNG\r\n\x1a\n....", 12)), "image/png");
  EXPECT_EQ(sniff_image_type("\xff\xd8\xff\xe0"), "image/jpeg");
  EXPECT_EQ(sniff_image_type("GIF89a..."), "image/gif");
  EXPECT_EQ(sniff_image_type("RIFF\x10\0\0\0WEBPVP8 "), std::nullopt) << "embedded NUL cuts the literal";
  EXPECT_EQ(sniff_image_type(std::string("RIFF\x10\0\0\0WEBPVP8 ", 16)), "image/webp");
  EXPECT_EQ(sniff_image_type("<svg xmlns='http://www.w3.org/2000/svg'/>"), std::nullopt);
  EXPECT_EQ(sniff_image_type("\x89PN"), std::nullopt);
}

TEST(Profile, TimeZonesMustExistAndStayInsideTheDatabase) {
  EXPECT_TRUE(known_timezone("UTC"));
  EXPECT_TRUE(known_timezone("Europe/London"));
  EXPECT_TRUE(known_timezone("America/New_York"));
  EXPECT_FALSE(known_timezone("Mars/Olympus"));
  EXPECT_FALSE(known_timezone("../../etc/passwd"));
  EXPECT_FALSE(known_timezone("/etc/passwd"));
  EXPECT_FALSE(known_timezone("Europe"));  // a directory, not a zone
  EXPECT_FALSE(known_timezone(""));
}

}  // namespace
}  // namespace tc::auth

namespace tc::auth {
namespace {

TEST(PiiRotation, ValuesUnderAnOldKeyAreResealedAndTheOldKeyCanGo) {
  Fixture f;
  const std::string old_key = PiiCipher::random_key();
  const std::string new_key = PiiCipher::random_key();
  PiiCipher before({{pii_key_id(old_key), old_key}}, f.index_key);
  auto insert = [&](infra::store::Connection& c) {
    c.execute(
        "INSERT INTO auth_users (id, username, email_index, email_sealed, password_hash, created_at_ms, "
        "totp_secret_sealed) VALUES ('u1', 'ann', 'idx', ?1, 'h', 0, ?2)",
        std::vector<infra::store::Value>{before.encrypt("ann@example.com", "auth_users.email:u1"),
                                         before.encrypt("secret", "auth_users.totp:u1")});
  };
  f.t.store->run_transaction(insert);
  PiiCipher both({{pii_key_id(new_key), new_key}, {pii_key_id(old_key), old_key}}, f.index_key);
  EXPECT_EQ(reseal_personal_data(*f.t.store, both), 2);
  EXPECT_EQ(reseal_personal_data(*f.t.store, both), 0) << "idempotent";
  PiiCipher after({{pii_key_id(new_key), new_key}}, f.index_key);
  auto read = [](infra::store::Connection& c) {
    return c.execute("SELECT email_sealed, totp_secret_sealed FROM auth_users WHERE id = 'u1'");
  };
  auto rows = f.t.store->run_with_connection(read);
  EXPECT_EQ(after.decrypt(rows.rows[0].text(0), "auth_users.email:u1"), "ann@example.com");
  EXPECT_EQ(after.decrypt(rows.rows[0].text(1), "auth_users.totp:u1"), "secret");
  EXPECT_NE(pii_key_id(old_key), pii_key_id(new_key));
}

}  // namespace
}  // namespace tc::auth
