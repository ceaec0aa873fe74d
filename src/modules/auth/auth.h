// The auth module's interface to other modules: who is calling. Route handlers of
// other modules call `Authenticator::require` on each request; the realtime module
// verifies connection tokens with the same keys.
#pragma once

#include "modules/auth/jwt.h"
#include "net/http.h"

#include <boost/asio/awaitable.hpp>

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace tc::auth {

struct Principal {
  std::string user_id;
  std::string session_id;
  std::string role;
};

class Authenticator {
 public:
  virtual ~Authenticator() = default;
  // The caller of a request with a valid bearer token; throws a 401 problem otherwise.
  virtual Principal require(const http::Request& req) const = 0;
  // Verifies an access token; nullopt with `expired` set when it only expired.
  virtual std::optional<Principal> verify(std::string_view token, bool* expired, std::int64_t* expires_at) const = 0;
};

// Looking accounts up for other modules (chat: invites by username, @mentions,
// direct messages to an existing user). Only enabled accounts are found.
struct UserRef {
  std::string id;
  std::string username;
};

class UserDirectory {
 public:
  virtual ~UserDirectory() = default;
  // The accounts among `ids` and `usernames` (case-insensitive) that exist; unknown
  // ones are left out. At most 100 of each are looked up.
  virtual boost::asio::awaitable<std::vector<UserRef>> find_users(std::vector<std::string> ids,
                                                                  std::vector<std::string> usernames) = 0;
};

// Where to reach a user outside the app (alerts' email channel). Offered by the
// auth module as `tc::auth::ContactDirectory`; the address stays encrypted at rest.
class ContactDirectory {
 public:
  virtual ~ContactDirectory() = default;
  // The account's email address; nullopt for an unknown or disabled account.
  virtual boost::asio::awaitable<std::optional<std::string>> email_of(std::string user_id) = 0;
};

// Session ends (logout, revocation, password change, role change, account disabled),
// for modules holding live connections: realtime closes those sessions' WebSockets.
class SessionEvents {
 public:
  virtual ~SessionEvents() = default;
  // `listener` runs once per newly revoked batch, on the thread that learned of it.
  virtual void on_sessions_revoked(
      std::function<void(const std::string& user_id, const std::vector<std::string>& session_ids)> listener) = 0;
};

}  // namespace tc::auth
