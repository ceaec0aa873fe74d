// Accounts and tokens: registration, login with throttling, refresh-token rotation
// with reuse detection (RFC 9700 §4.14.2: a spent token coming back revokes its
// whole session), logout, and access-token verification.
#pragma once

#include "infra/cache/cache.h"
#include "infra/store/store.h"
#include "modules/auth/auth.h"
#include "modules/auth/pii_cipher.h"

#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>

#include <chrono>
#include <memory>
#include <mutex>

namespace tc::auth {

struct AuthSettings {
  JwtSettings jwt;
  std::chrono::seconds access_ttl{900};
  std::chrono::seconds refresh_ttl{30 * 24 * 3600};
  std::int64_t login_attempts = 10;  // per account and window
  std::int64_t login_attempts_per_ip = 50;
  std::chrono::milliseconds login_window{15 * 60 * 1000};
};

struct TokenPair {
  std::string access_token;
  std::string refresh_token;
  std::int64_t expires_in = 0;
  boost::json::object to_json() const;
};

class AuthService final : public Authenticator, public UserDirectory {
 public:
  AuthService(infra::store::Store& store, infra::cache::Cache& cache, BlockingPool& pool, AuthSettings settings,
              PiiCipher pii);

  // Loads the signing keys, creating the first one when there is none. Blocking.
  void load_keys();

  Principal require(const http::Request& req) const override;
  std::optional<Principal> verify(std::string_view token, bool* expired, std::int64_t* expires_at) const override;

  boost::asio::awaitable<boost::json::object> register_user(std::string username, std::string email,
                                                            std::string password);
  boost::asio::awaitable<TokenPair> login(std::string username, std::string password, std::string ip,
                                          std::string user_agent);
  boost::asio::awaitable<TokenPair> refresh(std::string refresh_token);
  boost::asio::awaitable<void> logout(Principal who);
  boost::asio::awaitable<boost::json::object> me(Principal who);
  // The caller's sessions (devices), newest first; `current` marks this one.
  boost::asio::awaitable<boost::json::object> sessions(Principal who);
  // Ends one of the caller's sessions; 404 for unknown ids and other users' sessions alike.
  boost::asio::awaitable<void> revoke_session(Principal who, std::string session_id);
  boost::json::object jwks() const;
  boost::asio::awaitable<std::vector<UserRef>> find_users(std::vector<std::string> ids,
                                                          std::vector<std::string> usernames) override;

 private:
  TokenPair issue(const std::string& user_id, const std::string& role, const std::string& session_id,
                  const std::string& refresh_token) const;
  std::vector<SigningKey> keys() const;

  infra::store::Store& store_;
  infra::cache::Cache& cache_;
  BlockingPool& pool_;
  AuthSettings settings_;
  PiiCipher pii_;
  std::string dummy_hash_;  // verified against for unknown users, so timing matches
  mutable std::mutex keys_mutex_;
  std::vector<SigningKey> keys_;  // newest first
};

}  // namespace tc::auth
