// What the auth module's services share: the stores, the settings, the personal-data
// cipher, the audit log and session revocation. Each service (accounts, MFA,
// passwords, profiles, administration) holds a reference to one AuthContext.
#pragma once

#include "core/blocking_pool.h"
#include "infra/bus/bus.h"
#include "infra/cache/cache.h"
#include "infra/mail/mailer.h"
#include "infra/store/store.h"
#include "modules/audit/audit.h"
#include "modules/auth/jwt.h"
#include "modules/auth/pii_cipher.h"
#include "modules/auth/revocation_list.h"

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace tc::auth {

struct AuthSettings {
  JwtSettings jwt;
  std::chrono::seconds access_ttl{900};
  std::chrono::seconds refresh_ttl{30 * 24 * 3600};
  std::int64_t login_attempts = 10;  // per account and window
  std::int64_t login_attempts_per_ip = 50;
  std::chrono::milliseconds login_window{15 * 60 * 1000};
  std::chrono::milliseconds reset_ttl{30 * 60 * 1000};
  std::int64_t reset_requests_per_hour = 3;  // per account
  std::string public_url = "http://127.0.0.1:8080";
  std::string totp_issuer = "tradechat";
};

inline constexpr const char* kRevocationSubject = "auth.sessions.revoked";

struct AuthContext {
  infra::store::Store& store;
  infra::cache::Cache& cache;
  BlockingPool& pool;
  infra::bus::Bus& bus;
  audit::AuditLog& audit;
  infra::mail::Mailer* mailer;  // null: email is not configured
  AuthSettings settings;
  PiiCipher pii;
  RevocationList revocations{std::chrono::duration_cast<std::chrono::milliseconds>(settings.access_ttl)};

  // Ends the user's active sessions (all, or all but `keep`) inside `tx` and returns
  // their ids; call announce() with them after the transaction commits.
  RevokedSessions revoke_sessions(infra::store::Connection& tx, const std::string& user_id,
                                  const std::string& keep = {}) const;
  // Makes the revocation take effect at once here and on every other instance.
  void announce(const RevokedSessions& revoked);
  // A throttle step: 429 with Retry-After when `key` used up `limit` in `window`.
  boost::asio::awaitable<void> throttle(std::string key, std::int64_t limit, std::chrono::milliseconds window,
                                        std::string message);
};

std::int64_t now_ms();
std::string sha256_hex(std::string_view s);
std::string random_token();  // 256 bits, base64url
std::string lower(std::string s);

}  // namespace tc::auth
