#include "modules/auth/second_factor.h"

#include "core/errors.h"
#include "modules/auth/auth_context.h"
#include "modules/auth/totp.h"

#include <sodium.h>

#include <algorithm>
#include <cctype>

namespace tc::auth {
namespace {

using infra::store::Value;

constexpr int kRecoveryCodes = 10;

Error invalid_code() {
  return Error(401, "mfa-invalid", "Invalid one-time code", "the one-time code is wrong or was already used");
}

// Recovery codes are compared without dashes, spaces or case.
std::string normalize_recovery(const std::string& code) {
  std::string out;
  for (unsigned char c : code) {
    if (std::isalnum(c)) out += static_cast<char>(std::tolower(c));
  }
  return out;
}

}  // namespace

std::string totp_secret_context(const std::string& user_id) { return "auth_users.totp:" + user_id; }

std::string spend_second_factor(infra::store::Connection& tx, const PiiCipher& pii, const std::string& user_id,
                                const std::string& code, std::int64_t now_s) {
  if (code.empty() || code.size() > 32) throw invalid_code();
  const bool digits = code.size() == kTotpDigits && std::all_of(code.begin(), code.end(), ::isdigit);
  if (digits) {
    auto rows = tx.execute("SELECT totp_secret_sealed FROM auth_users WHERE id = ?1 AND mfa_enabled = ?2",
                           std::vector<Value>{user_id, true});
    if (rows.rows.empty() || rows.rows[0].is_null(0)) throw invalid_code();
    auto secret = pii.decrypt(rows.rows[0].text(0), totp_secret_context(user_id));
    if (!secret) throw errors::internal("auth: a TOTP secret cannot be decrypted with the configured keys");
    auto step = match_totp(*secret, code, now_s);
    if (!step) throw invalid_code();
    // Each code once: only a later step than the last accepted one moves the mark.
    auto spent = tx.execute("UPDATE auth_users SET totp_last_step = ?1 WHERE id = ?2 AND totp_last_step < ?1",
                            std::vector<Value>{*step, user_id});
    if (spent.affected != 1) throw invalid_code();
    return "totp";
  }
  auto spent = tx.execute(
      "UPDATE auth_recovery_codes SET used_at_ms = ?1 WHERE user_id = ?2 AND code_hash = ?3 AND used_at_ms IS NULL",
      std::vector<Value>{now_s * 1000, user_id, sha256_hex(normalize_recovery(code))});
  if (spent.affected != 1) throw invalid_code();
  return "recovery_code";
}

std::vector<std::string> replace_recovery_codes(infra::store::Connection& tx, const std::string& user_id) {
  static constexpr char kAlphabet[] = "abcdefghjkmnpqrstuvwxyz23456789";  // no 0/o, 1/l/i
  tx.execute("DELETE FROM auth_recovery_codes WHERE user_id = ?1", std::vector<Value>{user_id});
  std::vector<std::string> codes;
  for (int i = 0; i < kRecoveryCodes; ++i) {
    std::string code;
    for (int c = 0; c < 12; ++c) {
      if (c == 4 || c == 8) code += '-';
      code += kAlphabet[randombytes_uniform(sizeof kAlphabet - 1)];
    }
    tx.execute("INSERT INTO auth_recovery_codes (user_id, code_hash) VALUES (?1, ?2)",
               std::vector<Value>{user_id, sha256_hex(normalize_recovery(code))});
    codes.push_back(code);
  }
  return codes;
}

}  // namespace tc::auth
