// Accounts and tokens: registration, sign-in with throttling and the second factor,
// refresh-token rotation with reuse detection (RFC 9700 §4.14.2: a spent token coming
// back revokes its whole session), logout, sessions, and access-token verification
// (signature and claims, then the revocation list).
#pragma once

#include "modules/auth/auth.h"
#include "modules/auth/auth_context.h"

#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>

#include <memory>
#include <mutex>
#include <optional>

namespace tc::auth {

struct TokenPair {
  std::string access_token;
  std::string refresh_token;
  std::int64_t expires_in = 0;
  boost::json::object to_json() const;
};

struct LoginRequest {
  std::string username;
  std::string password;
  std::optional<std::string> second_factor;  // TOTP or recovery code
  std::string ip;
  std::string user_agent;
};

class AuthService final : public Authenticator {
 public:
  explicit AuthService(AuthContext& ctx);

  // Loads the signing keys, creating the first one when there is none, and the
  // sessions revoked within one access-token lifetime. Blocking.
  void load_state();

  Principal require(const http::Request& req) const override;
  std::optional<Principal> verify(std::string_view token, bool* expired, std::int64_t* expires_at) const override;

  boost::asio::awaitable<boost::json::object> register_user(std::string username, std::string email,
                                                            std::string password, std::string ip);
  boost::asio::awaitable<TokenPair> login(LoginRequest request);
  boost::asio::awaitable<TokenPair> refresh(std::string refresh_token, std::string ip);
  boost::asio::awaitable<void> logout(Principal who, std::string ip);
  // The caller's sessions (devices), newest first; `current` marks this one.
  boost::asio::awaitable<boost::json::object> sessions(Principal who);
  // Ends one of the caller's sessions; 404 for unknown ids and other users' sessions alike.
  boost::asio::awaitable<void> revoke_session(Principal who, std::string session_id, std::string ip);
  // Ends every session of the caller but the current one; returns how many.
  boost::asio::awaitable<std::int64_t> revoke_other_sessions(Principal who, std::string ip);
  boost::json::object jwks() const;

  // A new session for a user already authenticated inside `tx` (sign-in, password reset).
  TokenPair open_session(infra::store::Connection& tx, const std::string& user_id, const std::string& role,
                         const std::string& user_agent) const;
  // A fresh access token for an existing session (after the role in it changed).
  TokenPair issue(const std::string& user_id, const std::string& role, const std::string& session_id,
                  const std::string& refresh_token) const;

 private:
  std::vector<SigningKey> keys() const;

  AuthContext& ctx_;
  std::string dummy_hash_;  // verified against for unknown users, so timing matches
  mutable std::mutex keys_mutex_;
  std::vector<SigningKey> keys_;  // newest first
};

// Normalisation and validation shared by registration and profile changes.
std::string normalize_username(const std::string& raw);
std::string normalize_email(const std::string& raw);

}  // namespace tc::auth
