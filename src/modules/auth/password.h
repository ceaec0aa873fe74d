// Password policy and hashing: argon2id (t=2, m=19 MiB, p=1, the OWASP minimum),
// 8 to 1024 characters counted as Unicode code points, never trimmed or truncated,
// not on the common-password list.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace tc::auth {

struct Argon2Params {
  unsigned t_cost = 2;
  unsigned m_cost_kib = 19 * 1024;
  unsigned parallelism = 1;
};

// Why the password is not acceptable, or nullopt.
std::optional<std::string> password_policy_violation(std::string_view password, std::string_view username);

// A PHC string: $argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>. Blocking (~50 ms):
// call it on the blocking pool.
std::string hash_password(std::string_view password, const Argon2Params& params = {});
bool verify_password(std::string_view encoded, std::string_view password);
// True when `encoded` was made with weaker parameters than `params` (rehash on login).
bool needs_rehash(std::string_view encoded, const Argon2Params& params = {});

}  // namespace tc::auth
