#include "modules/realtime/jwt_token_verifier.h"

#include <chrono>

namespace tc::realtime {

TokenVerifier::Result JwtTokenVerifier::verify(std::string_view token) const {
  const auto now =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  auto r = auth::verify_access_token(token, keys_(), settings_, now);
  Result out;
  if (r.claims) {
    out.principal = Principal{r.claims->subject, r.claims->session_id, r.claims->role};
    out.expires_at_s = r.claims->expires_at;
  } else {
    out.expired = r.error == "expired";
  }
  return out;
}

}  // namespace tc::realtime
