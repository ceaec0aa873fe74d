#include "modules/auth/password.h"

#include "modules/auth/common_passwords.h"

#include <argon2.h>
#include <fmt/format.h>
#include <sodium.h>

#include <stdexcept>
#include <vector>

namespace tc::auth {
namespace {

constexpr std::size_t kMinChars = 8;
constexpr std::size_t kMaxChars = 1024;
constexpr std::size_t kSaltBytes = 16;
constexpr std::size_t kHashBytes = 32;

// Counts code points; nullopt when the bytes are not valid UTF-8.
std::optional<std::size_t> utf8_length(std::string_view s) {
  std::size_t count = 0;
  for (std::size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    std::size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (len == 0 || i + len > s.size()) return std::nullopt;
    for (std::size_t k = 1; k < len; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) >> 6) != 0x2) return std::nullopt;
    }
    i += len;
    ++count;
  }
  return count;
}

}  // namespace

std::optional<std::string> password_policy_violation(std::string_view password, std::string_view username) {
  auto chars = utf8_length(password);
  if (!chars) return "the password is not valid UTF-8";
  if (*chars < kMinChars) return fmt::format("the password must have at least {} characters", kMinChars);
  if (*chars > kMaxChars) return fmt::format("the password may have at most {} characters", kMaxChars);
  if (is_common_password(password)) return "the password is on the list of commonly used passwords";
  if (!username.empty() && password == username) return "the password must differ from the username";
  return std::nullopt;
}

std::string hash_password(std::string_view password, const Argon2Params& p) {
  unsigned char salt[kSaltBytes];
  randombytes_buf(salt, sizeof salt);
  std::size_t len = argon2_encodedlen(p.t_cost, p.m_cost_kib, p.parallelism, kSaltBytes, kHashBytes, Argon2_id);
  std::vector<char> encoded(len);
  int rc = argon2id_hash_encoded(p.t_cost, p.m_cost_kib, p.parallelism, password.data(), password.size(), salt,
                                 sizeof salt, kHashBytes, encoded.data(), encoded.size());
  if (rc != ARGON2_OK) throw std::runtime_error(std::string("argon2id failed: ") + argon2_error_message(rc));
  return std::string(encoded.data());
}

bool verify_password(std::string_view encoded, std::string_view password) {
  std::string e(encoded);  // argon2 wants a NUL-terminated string
  return argon2id_verify(e.c_str(), password.data(), password.size()) == ARGON2_OK;
}

bool needs_rehash(std::string_view encoded, const Argon2Params& p) {
  unsigned m = 0, t = 0, par = 0;
  std::string e(encoded);
  if (std::sscanf(e.c_str(), "$argon2id$v=19$m=%u,t=%u,p=%u$", &m, &t, &par) != 3) return true;
  return m < p.m_cost_kib || t < p.t_cost;
}

}  // namespace tc::auth
