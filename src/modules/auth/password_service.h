// Passwords after registration: change (needs the current password; ends every other
// session), and reset by email (a single-use token, 30 minutes, stored hashed; the
// answer to "forgot" is the same whether or not the address has an account; a
// reset ends every session).
#pragma once

#include "modules/auth/auth.h"
#include "modules/auth/auth_context.h"

#include <boost/asio/awaitable.hpp>

namespace tc::auth {

class PasswordService {
 public:
  explicit PasswordService(AuthContext& ctx) : ctx_(ctx) {}

  boost::asio::awaitable<void> change(Principal who, std::string current, std::string next, std::string ip);
  // Always completes the same way; the email (if any) is sent in the background.
  boost::asio::awaitable<void> forgot(std::string email, std::string ip);
  boost::asio::awaitable<void> reset(std::string token, std::string next, std::string ip);

 private:
  AuthContext& ctx_;
};

}  // namespace tc::auth
