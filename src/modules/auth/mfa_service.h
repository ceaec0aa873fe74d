// Two-factor sign-in with TOTP: enrolment (a pending secret shown as an otpauth URI
// and a QR code), confirmation with a first code (which turns MFA on and returns
// recovery codes once), new recovery codes, and turning it off (which needs the
// password and a current code).
#pragma once

#include "modules/auth/auth.h"
#include "modules/auth/auth_context.h"

#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>

namespace tc::auth {

class MfaService {
 public:
  explicit MfaService(AuthContext& ctx) : ctx_(ctx) {}

  // {"secret","otpauth_uri","qr_svg"}; 409 when MFA is already on.
  boost::asio::awaitable<boost::json::object> start_enrolment(Principal who, std::string ip);
  // Turns MFA on with a first code from the pending secret; {"recovery_codes":[...]}.
  boost::asio::awaitable<boost::json::object> confirm(Principal who, std::string code, std::string ip);
  // Needs the password and a current TOTP or recovery code.
  boost::asio::awaitable<void> disable(Principal who, std::string password, std::string code, std::string ip);
  boost::asio::awaitable<boost::json::object> new_recovery_codes(Principal who, std::string password, std::string ip);

 private:
  // Re-authentication for sensitive changes; throttled like sign-in.
  boost::asio::awaitable<void> check_password(const Principal& who, const std::string& password);

  AuthContext& ctx_;
};

}  // namespace tc::auth
