#include "modules/auth/auth_service.h"

#include "core/errors.h"
#include "core/ids.h"
#include "core/log.h"
#include "modules/auth/base64url.h"
#include "modules/auth/password.h"

#include <fmt/format.h>
#include <sodium.h>

#include <algorithm>
#include <cctype>

namespace tc::auth {
namespace {

using infra::store::Blob;
using infra::store::Connection;
using infra::store::Value;

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string sha256_hex(std::string_view s) {
  unsigned char d[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(d, reinterpret_cast<const unsigned char*>(s.data()), s.size());
  return fmt::format("{:02x}", fmt::join(d, d + sizeof d, ""));
}

Error invalid_credentials() { return errors::unauthorized("invalid username or password"); }

std::string normalize_username(const std::string& raw) {
  std::string u = raw;
  std::transform(u.begin(), u.end(), u.begin(), [](unsigned char c) { return std::tolower(c); });
  if (u.size() < 3 || u.size() > 32 || !std::all_of(u.begin(), u.end(), [](unsigned char c) {
        return std::isalnum(c) || c == '_' || c == '.' || c == '-';
      })) {
    throw errors::validation("field \"username\" must be 3 to 32 characters of letters, digits, _ . -");
  }
  return u;
}

std::string normalize_email(const std::string& raw) {
  std::string e = raw;
  std::transform(e.begin(), e.end(), e.begin(), [](unsigned char c) { return std::tolower(c); });
  auto at = e.find('@');
  if (at == std::string::npos || at == 0 || at + 1 >= e.size() || e.find('@', at + 1) != std::string::npos ||
      e.find('.', at) == std::string::npos ||
      std::any_of(e.begin(), e.end(), [](unsigned char c) { return std::isspace(c) || std::iscntrl(c); })) {
    throw errors::validation("field \"email\" must be an email address");
  }
  return e;
}

}  // namespace

boost::json::object TokenPair::to_json() const {
  return {{"access_token", access_token},
          {"refresh_token", refresh_token},
          {"expires_in", expires_in},
          {"token_type", "Bearer"}};
}

AuthService::AuthService(infra::store::Store& store, infra::cache::Cache& cache, BlockingPool& pool,
                         AuthSettings settings, PiiCipher pii)
    : store_(store), cache_(cache), pool_(pool), settings_(std::move(settings)), pii_(std::move(pii)) {
  dummy_hash_ = hash_password("not a real password, only for timing");
}

void AuthService::load_keys() {
  auto load = [this](Connection& c) {
    auto rows = c.execute("SELECT kid, secret, created_at_ms FROM auth_signing_keys ORDER BY created_at_ms DESC");
    std::vector<SigningKey> keys;
    for (const auto& row : rows.rows) {
      auto secret = pii_.decrypt(row.blob(1), "auth_signing_keys:" + row.text(0));
      if (!secret) throw errors::internal("auth: a signing key cannot be decrypted with the configured PII keys");
      keys.push_back(SigningKey::from_secret(*secret, row.integer(2)));
    }
    if (keys.empty()) {
      auto key = SigningKey::generate(now_ms());
      c.execute("INSERT INTO auth_signing_keys (kid, secret, created_at_ms) VALUES (?1, ?2, ?3)",
                std::vector<Value>{key.kid, Blob{pii_.encrypt(key.secret_key, "auth_signing_keys:" + key.kid)},
                                   key.created_ms});
      keys.push_back(key);
    }
    return keys;
  };
  auto keys = store_.run_transaction(load);
  std::lock_guard lock(keys_mutex_);
  keys_ = std::move(keys);
}

std::vector<SigningKey> AuthService::keys() const {
  std::lock_guard lock(keys_mutex_);
  return keys_;
}

boost::json::object AuthService::jwks() const {
  boost::json::array list;
  for (const auto& k : keys()) list.push_back(k.public_jwk());
  return {{"keys", std::move(list)}};
}

std::optional<Principal> AuthService::verify(std::string_view token, bool* expired, std::int64_t* expires_at) const {
  const auto now = now_ms() / 1000;
  auto r = verify_access_token(token, keys(), settings_.jwt, now);
  if (expired) *expired = r.error == "expired";
  if (!r.claims) return std::nullopt;
  if (expires_at) *expires_at = r.claims->expires_at;
  return Principal{r.claims->subject, r.claims->session_id, r.claims->role};
}

Principal AuthService::require(const http::Request& req) const {
  auto header = req.header("Authorization");
  if (!header || !header->starts_with("Bearer ")) {
    throw errors::unauthorized("sign in: this needs Authorization: Bearer <access token>");
  }
  bool expired = false;
  auto who = verify(header->substr(7), &expired, nullptr);
  if (!who) {
    throw errors::unauthorized(expired ? "the access token expired; refresh it" : "the access token is not valid");
  }
  return *who;
}

TokenPair AuthService::issue(const std::string& user_id, const std::string& role, const std::string& session_id,
                             const std::string& refresh_token) const {
  const auto now = now_ms() / 1000;
  AccessClaims claims{user_id, session_id, role, ids::random_hex(12), now, now, now + settings_.access_ttl.count()};
  auto ks = keys();
  return {sign_access_token(claims, ks.front(), settings_.jwt), refresh_token, settings_.access_ttl.count()};
}

boost::asio::awaitable<boost::json::object> AuthService::register_user(std::string username, std::string email,
                                                                       std::string password) {
  username = normalize_username(username);
  email = normalize_email(email);
  if (auto why = password_policy_violation(password, username)) throw errors::validation(*why);
  auto hash_it = [password] { return hash_password(password); };
  std::string hash = co_await pool_.run(std::move(hash_it));
  const std::string id = ids::random_hex(16);
  const std::string index = pii_.blind_index(email);
  const std::string sealed = pii_.encrypt(email, "auth_users.email:" + id);
  auto insert = [&](Connection& c) {
    auto taken = c.execute("SELECT username = ?1 FROM auth_users WHERE username = ?1 OR email_index = ?2",
                           std::vector<Value>{username, index});
    if (!taken.rows.empty()) {
      throw errors::conflict(taken.rows[0].boolean(0) ? "that username is taken"
                                                      : "an account with that email already exists");
    }
    c.execute(
        "INSERT INTO auth_users (id, username, email_index, email_sealed, password_hash, role, created_at_ms) "
        "VALUES (?1, ?2, ?3, ?4, ?5, 'user', ?6)",
        std::vector<Value>{id, username, index, sealed, hash, now_ms()});
  };
  co_await store_.transaction(std::move(insert));
  co_return boost::json::object{{"id", id}, {"username", username}, {"role", "user"}};
}

boost::asio::awaitable<TokenPair> AuthService::login(std::string username, std::string password, std::string ip,
                                                     std::string user_agent) {
  std::string key_user = username;
  std::transform(key_user.begin(), key_user.end(), key_user.begin(), [](unsigned char c) { return std::tolower(c); });
  key_user = key_user.substr(0, 64);
  for (const auto& [key, limit] : {std::pair{"login:user:" + key_user, settings_.login_attempts},
                                   std::pair{"login:ip:" + ip, settings_.login_attempts_per_ip}}) {
    auto d = co_await cache_.rate_limit(key, limit, settings_.login_window);
    if (!d.allowed) {
      auto seconds = std::max<std::int64_t>(1, (d.retry_after.count() + 999) / 1000);
      throw errors::too_many_requests("too many sign-in attempts; try again later").with("retry_after", seconds);
    }
  }
  auto find = [key_user](Connection& c) {
    return c.execute("SELECT id, password_hash, role, disabled FROM auth_users WHERE username = ?1",
                     std::vector<Value>{key_user});
  };
  auto found = co_await store_.with_connection(std::move(find));
  // Unknown users cost the same argon2id verification as known ones.
  const bool known = !found.rows.empty();
  std::string hash = known ? found.rows[0].text(1) : dummy_hash_;
  auto check = [hash, password] { return verify_password(hash, password); };
  const bool ok = co_await pool_.run(std::move(check));
  if (!known || !ok || found.rows[0].boolean(3)) throw invalid_credentials();
  const std::string user_id = found.rows[0].text(0);
  const std::string role = found.rows[0].text(2);
  const std::string session_id = ids::random_hex(16);
  const std::string refresh = base64url_encode(ids::random_hex(32));
  const std::int64_t now = now_ms();
  auto create = [&](Connection& c) {
    c.execute(
        "INSERT INTO auth_sessions (id, user_id, created_at_ms, last_used_ms, user_agent) VALUES (?1, ?2, ?3, ?3, ?4)",
        std::vector<Value>{session_id, user_id, now, user_agent.substr(0, 256)});
    c.execute(
        "INSERT INTO auth_refresh_tokens (token_hash, session_id, expires_at_ms) VALUES (?1, ?2, ?3)",
        std::vector<Value>{sha256_hex(refresh), session_id,
                           now + std::chrono::duration_cast<std::chrono::milliseconds>(settings_.refresh_ttl).count()});
  };
  co_await store_.transaction(std::move(create));
  co_return issue(user_id, role, session_id, refresh);
}

boost::asio::awaitable<TokenPair> AuthService::refresh(std::string refresh_token) {
  const std::string hash = sha256_hex(refresh_token);
  const std::string next = base64url_encode(ids::random_hex(32));
  const std::int64_t now = now_ms();
  struct Outcome {
    std::string user_id, role, session_id;
    bool reused = false;
  };
  auto rotate = [&](Connection& c) {
    auto rows = c.execute(
        "SELECT t.session_id, t.expires_at_ms, t.spent_at_ms, s.revoked_at_ms, u.id, u.role, u.disabled "
        "FROM auth_refresh_tokens t JOIN auth_sessions s ON s.id = t.session_id JOIN auth_users u ON u.id = s.user_id "
        "WHERE t.token_hash = ?1",
        std::vector<Value>{hash});
    if (rows.rows.empty()) throw errors::unauthorized("the refresh token is not valid");
    const auto& r = rows.rows[0];
    Outcome o{r.text(4), r.text(5), r.text(0)};
    if (!r.is_null(2)) {
      // A spent token came back: someone holds a copy. End the whole session.
      c.execute("UPDATE auth_sessions SET revoked_at_ms = ?1 WHERE id = ?2 AND revoked_at_ms IS NULL",
                std::vector<Value>{now, o.session_id});
      o.reused = true;
      return o;
    }
    if (!r.is_null(3) || r.integer(1) <= now || r.boolean(6)) throw errors::unauthorized("the session has ended");
    c.execute("UPDATE auth_refresh_tokens SET spent_at_ms = ?1 WHERE token_hash = ?2", std::vector<Value>{now, hash});
    c.execute(
        "INSERT INTO auth_refresh_tokens (token_hash, session_id, expires_at_ms) VALUES (?1, ?2, ?3)",
        std::vector<Value>{sha256_hex(next), o.session_id,
                           now + std::chrono::duration_cast<std::chrono::milliseconds>(settings_.refresh_ttl).count()});
    c.execute("UPDATE auth_sessions SET last_used_ms = ?1 WHERE id = ?2", std::vector<Value>{now, o.session_id});
    return o;
  };
  Outcome o = co_await store_.transaction(std::move(rotate));
  if (o.reused) {
    log::warn("refresh token reuse: session revoked", {{"session_id", o.session_id}});
    throw errors::unauthorized("this refresh token was already used; the session has been revoked");
  }
  co_return issue(o.user_id, o.role, o.session_id, next);
}

boost::asio::awaitable<void> AuthService::logout(Principal who) {
  auto revoke = [who, now = now_ms()](Connection& c) {
    c.execute("UPDATE auth_sessions SET revoked_at_ms = ?1 WHERE id = ?2 AND user_id = ?3 AND revoked_at_ms IS NULL",
              std::vector<Value>{now, who.session_id, who.user_id});
  };
  co_await store_.transaction(std::move(revoke));
}

boost::asio::awaitable<boost::json::object> AuthService::sessions(Principal who) {
  auto load = [who](Connection& c) {
    return c.execute(
        "SELECT id, created_at_ms, last_used_ms, user_agent FROM auth_sessions "
        "WHERE user_id = ?1 AND revoked_at_ms IS NULL ORDER BY created_at_ms DESC LIMIT 100",
        std::vector<Value>{who.user_id});
  };
  auto rows = co_await store_.with_connection(std::move(load));
  boost::json::array items;
  for (const auto& r : rows.rows) {
    items.push_back({{"id", r.text(0)},
                     {"created_at_ms", r.integer(1)},
                     {"last_used_ms", r.integer(2)},
                     {"user_agent", r.text(3)},
                     {"current", r.text(0) == who.session_id}});
  }
  co_return boost::json::object{{"items", std::move(items)}, {"next_cursor", nullptr}};
}

boost::asio::awaitable<void> AuthService::revoke_session(Principal who, std::string session_id) {
  auto revoke = [who, session_id, now = now_ms()](Connection& c) {
    // The owner check is part of the statement: another user's id matches nothing.
    return c.execute(
        "UPDATE auth_sessions SET revoked_at_ms = ?1 WHERE id = ?2 AND user_id = ?3 AND revoked_at_ms IS NULL",
        std::vector<Value>{now, session_id, who.user_id});
  };
  auto result = co_await store_.transaction(std::move(revoke));
  if (result.affected == 0) throw errors::not_found("no such active session");
}

boost::asio::awaitable<boost::json::object> AuthService::me(Principal who) {
  auto load = [who](Connection& c) {
    return c.execute("SELECT id, username, email_sealed, role, created_at_ms FROM auth_users WHERE id = ?1",
                     std::vector<Value>{who.user_id});
  };
  auto rows = co_await store_.with_connection(std::move(load));
  if (rows.rows.empty()) throw errors::unauthorized("the account no longer exists");
  const auto& r = rows.rows[0];
  auto email = pii_.decrypt(r.text(2), "auth_users.email:" + r.text(0));
  co_return boost::json::object{{"id", r.text(0)},
                                {"username", r.text(1)},
                                {"email", email ? *email : std::string()},
                                {"role", r.text(3)},
                                {"created_at_ms", r.integer(4)}};
}

boost::asio::awaitable<std::vector<UserRef>> AuthService::find_users(std::vector<std::string> ids,
                                                                     std::vector<std::string> usernames) {
  if (ids.size() > 100) ids.resize(100);
  if (usernames.size() > 100) usernames.resize(100);
  for (auto& u : usernames) {
    std::transform(u.begin(), u.end(), u.begin(), [](unsigned char c) { return std::tolower(c); });
  }
  auto lookup = [ids = std::move(ids), usernames = std::move(usernames)](Connection& c) {
    std::vector<UserRef> found;
    auto add = [&](const infra::store::Result& r) {
      for (const auto& row : r.rows) {
        const bool seen =
            std::any_of(found.begin(), found.end(), [&](const UserRef& u) { return u.id == row.text(0); });
        if (!seen) found.push_back({row.text(0), row.text(1)});
      }
    };
    for (const auto& id : ids) {
      add(c.execute("SELECT id, username FROM auth_users WHERE id = ?1 AND disabled = ?2",
                    std::vector<Value>{id, false}));
    }
    for (const auto& name : usernames) {
      add(c.execute("SELECT id, username FROM auth_users WHERE username = ?1 AND disabled = ?2",
                    std::vector<Value>{name, false}));
    }
    return found;
  };
  co_return co_await store_.with_connection(std::move(lookup));
}

}  // namespace tc::auth
