// Verifies connection tokens as access JWTs with the auth module's keys.
#pragma once

#include "modules/auth/jwt.h"
#include "modules/realtime/client_session.h"

#include <functional>
#include <vector>

namespace tc::realtime {

class JwtTokenVerifier final : public TokenVerifier {
 public:
  // `keys` returns the current verification keys (they rotate).
  JwtTokenVerifier(std::function<std::vector<auth::SigningKey>()> keys, auth::JwtSettings settings)
      : keys_(std::move(keys)), settings_(std::move(settings)) {}

  Result verify(std::string_view token) const override;

 private:
  std::function<std::vector<auth::SigningKey>()> keys_;
  auth::JwtSettings settings_;
};

}  // namespace tc::realtime
