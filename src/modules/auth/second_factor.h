// The second factor at sign-in and for re-authentication: a TOTP code (accepted once:
// its time step must be later than the last accepted one) or a single-use recovery
// code. Runs inside the caller's transaction, so a code is spent only together with
// what it unlocked.
#pragma once

#include "infra/store/store.h"
#include "modules/auth/pii_cipher.h"

#include <cstdint>
#include <string>
#include <vector>

namespace tc::auth {

// "totp" or "recovery_code" on success; throws a 401 problem (type mfa-invalid) when
// the code is wrong, already used, or the user has no second factor.
std::string spend_second_factor(infra::store::Connection& tx, const PiiCipher& pii, const std::string& user_id,
                                const std::string& code, std::int64_t now_s);

// Ten fresh recovery codes (xxxx-xxxx-xxxx), replacing the user's old ones inside `tx`;
// only their hashes are stored.
std::vector<std::string> replace_recovery_codes(infra::store::Connection& tx, const std::string& user_id);

std::string totp_secret_context(const std::string& user_id);  // associated data of the sealed secret

}  // namespace tc::auth
