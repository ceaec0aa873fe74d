#include "modules/auth/auth_context.h"

#include "core/base64url.h"
#include "core/errors.h"
#include "core/log.h"

#include <fmt/format.h>
#include <sodium.h>

#include <algorithm>
#include <cctype>

namespace tc::auth {

using infra::store::Value;

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string sha256_hex(std::string_view s) {
  unsigned char d[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(d, reinterpret_cast<const unsigned char*>(s.data()), s.size());
  return fmt::format("{:02x}", fmt::join(d, d + sizeof d, ""));
}

std::string random_token() {
  std::string bytes(32, '\0');
  randombytes_buf(bytes.data(), bytes.size());
  return base64url_encode(bytes);
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

RevokedSessions AuthContext::revoke_sessions(infra::store::Connection& tx, const std::string& user_id,
                                             const std::string& keep) const {
  auto rows = tx.execute(
      "UPDATE auth_sessions SET revoked_at_ms = ?1 WHERE user_id = ?2 AND id <> ?3 AND revoked_at_ms IS NULL "
      "RETURNING id",
      std::vector<Value>{now_ms(), user_id, keep});
  RevokedSessions out{user_id, {}};
  for (const auto& r : rows.rows) out.session_ids.push_back(r.text(0));
  return out;
}

void AuthContext::announce(const RevokedSessions& revoked) {
  if (revoked.session_ids.empty()) return;
  revocations.add(revoked, now_ms());
  try {
    bus.publish(kRevocationSubject, RevocationList::to_json(revoked));
  } catch (const std::exception& e) {
    // The sessions are revoked in the database (refresh fails everywhere); other
    // instances learn of the access tokens when the bus returns or they restart.
    log::error("could not announce revoked sessions", {{"user_id", revoked.user_id}, {"error", e.what()}});
  }
}

boost::asio::awaitable<void> AuthContext::throttle(std::string key, std::int64_t limit,
                                                   std::chrono::milliseconds window, std::string message) {
  auto d = co_await cache.rate_limit(key, limit, window);
  if (!d.allowed) {
    auto seconds = std::max<std::int64_t>(1, (d.retry_after.count() + 999) / 1000);
    throw errors::too_many_requests(std::move(message)).with("retry_after", seconds);
  }
}

}  // namespace tc::auth
