#include "modules/auth/pii_rotation.h"

#include "core/base64url.h"
#include "core/key_file.h"
#include "core/log.h"
#include "modules/auth/auth_context.h"
#include "modules/auth/second_factor.h"

#include <fmt/format.h>

namespace tc::auth {
namespace {

using infra::store::Blob;
using infra::store::Connection;
using infra::store::Value;

}  // namespace

// (fmt rather than string +: g++ 12 -O3 reports a false stringop-overflow on the latter.)
std::string pii_key_id(const std::string& key) { return fmt::format("k{}", sha256_hex(key).substr(0, 8)); }

PiiCipher pii_cipher_from(const Config& config) {
  // 64 bytes: 32 encrypt, 32 key the blind index (which does not rotate).
  auto material = load_or_create_key(config, "auth.pii_key", "pii.key", 64);
  std::vector<PiiKey> keys{{pii_key_id(material.substr(0, 32)), material.substr(0, 32)}};
  for (const auto& text : config.list("auth.pii_old_keys")) {
    auto raw = base64url_decode(text);
    if (!raw || (raw->size() != 64 && raw->size() != 32)) {
      throw ConfigError(
          "config: auth.pii_old_keys = (secret) is invalid: each entry must be an earlier auth.pii_key (64 bytes "
          "in base64url)");
    }
    auto old = raw->substr(0, 32);
    keys.push_back({pii_key_id(old), old});
  }
  return PiiCipher(std::move(keys), material.substr(32, 32));
}

std::int64_t reseal_personal_data(infra::store::Store& store, const PiiCipher& pii) {
  std::int64_t resealed = 0;
  auto reseal_text = [&](const std::string& value, const std::string& context) -> std::optional<std::string> {
    if (!pii.needs_reencrypt(value)) return std::nullopt;
    auto plain = pii.decrypt(value, context);
    if (!plain) throw errors::internal("auth: a sealed value cannot be decrypted with any configured PII key");
    ++resealed;
    return pii.encrypt(*plain, context);
  };
  auto users = [&](Connection& c) {
    auto rows = c.execute("SELECT id, email_sealed, totp_secret_sealed, totp_pending_sealed FROM auth_users");
    for (const auto& r : rows.rows) {
      const std::string id = r.text(0);
      if (auto v = reseal_text(r.text(1), "auth_users.email:" + id)) {
        c.execute("UPDATE auth_users SET email_sealed = ?1 WHERE id = ?2", std::vector<Value>{*v, id});
      }
      for (auto [col, column] : {std::pair{2, "totp_secret_sealed"}, std::pair{3, "totp_pending_sealed"}}) {
        if (r.is_null(static_cast<std::size_t>(col))) continue;
        if (auto v = reseal_text(r.text(static_cast<std::size_t>(col)), totp_secret_context(id))) {
          c.execute(fmt::format("UPDATE auth_users SET {} = ?1 WHERE id = ?2", column), std::vector<Value>{*v, id});
        }
      }
    }
    auto keys = c.execute("SELECT kid, secret FROM auth_signing_keys");
    for (const auto& r : keys.rows) {
      if (auto v = reseal_text(r.blob(1), "auth_signing_keys:" + r.text(0))) {
        c.execute("UPDATE auth_signing_keys SET secret = ?1 WHERE kid = ?2", std::vector<Value>{Blob{*v}, r.text(0)});
      }
    }
  };
  store.run_transaction(users);
  if (resealed > 0) log::info("re-sealed personal data under the current PII key", {{"values", resealed}});
  return resealed;
}

}  // namespace tc::auth
