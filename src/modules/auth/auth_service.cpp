#include "modules/auth/auth_service.h"

#include "core/errors.h"
#include "core/ids.h"
#include "core/log.h"
#include "modules/auth/password.h"
#include "modules/auth/second_factor.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

namespace tc::auth {
namespace {

using infra::store::Blob;
using infra::store::Connection;
using infra::store::Value;

// One answer for unknown users, wrong passwords and disabled accounts alike.
Error invalid_credentials() { return errors::unauthorized("invalid username or password"); }

Error mfa_required() {
  return Error(401, "mfa-required", "Second factor required",
               "this account uses two-factor sign-in: send the same request with \"totp\" (a one-time code or a "
               "recovery code)")
      .with("mfa_required", true);
}

std::int64_t ms(std::chrono::seconds s) { return std::chrono::duration_cast<std::chrono::milliseconds>(s).count(); }

}  // namespace

std::string normalize_username(const std::string& raw) {
  std::string u = lower(raw);
  if (u.size() < 3 || u.size() > 32 || !std::all_of(u.begin(), u.end(), [](unsigned char c) {
        return std::isalnum(c) || c == '_' || c == '.' || c == '-';
      })) {
    throw errors::validation("field \"username\" must be 3 to 32 characters of letters, digits, _ . -");
  }
  return u;
}

std::string normalize_email(const std::string& raw) {
  std::string e = lower(raw);
  auto at = e.find('@');
  if (at == std::string::npos || at == 0 || at + 1 >= e.size() || e.find('@', at + 1) != std::string::npos ||
      e.find('.', at) == std::string::npos ||
      std::any_of(e.begin(), e.end(), [](unsigned char c) { return std::isspace(c) || std::iscntrl(c); })) {
    throw errors::validation("field \"email\" must be an email address");
  }
  return e;
}

boost::json::object TokenPair::to_json() const {
  return {{"access_token", access_token},
          {"refresh_token", refresh_token},
          {"expires_in", expires_in},
          {"token_type", "Bearer"}};
}

AuthService::AuthService(AuthContext& ctx) : ctx_(ctx) {
  dummy_hash_ = hash_password("not a real password, only for timing");
}

void AuthService::load_state() {
  auto load = [this](Connection& c) {
    auto rows = c.execute("SELECT kid, secret, created_at_ms FROM auth_signing_keys ORDER BY created_at_ms DESC");
    std::vector<SigningKey> keys;
    for (const auto& row : rows.rows) {
      auto secret = ctx_.pii.decrypt(row.blob(1), "auth_signing_keys:" + row.text(0));
      if (!secret) throw errors::internal("auth: a signing key cannot be decrypted with the configured PII keys");
      keys.push_back(SigningKey::from_secret(*secret, row.integer(2)));
    }
    if (keys.empty()) {
      auto key = SigningKey::generate(now_ms());
      c.execute("INSERT INTO auth_signing_keys (kid, secret, created_at_ms) VALUES (?1, ?2, ?3)",
                std::vector<Value>{key.kid, Blob{ctx_.pii.encrypt(key.secret_key, "auth_signing_keys:" + key.kid)},
                                   key.created_ms});
      keys.push_back(key);
    }
    return keys;
  };
  auto keys = ctx_.store.run_transaction(load);
  {
    std::lock_guard lock(keys_mutex_);
    keys_ = std::move(keys);
  }
  // Tokens of sessions revoked before this process started are still unexpired.
  const std::int64_t since = now_ms() - ms(ctx_.settings.access_ttl) - 120'000;
  auto revoked = [since](Connection& c) {
    return c.execute("SELECT id, user_id FROM auth_sessions WHERE revoked_at_ms >= ?1", std::vector<Value>{since});
  };
  auto rows = ctx_.store.run_with_connection(revoked);
  for (const auto& r : rows.rows) ctx_.revocations.add({r.text(1), {r.text(0)}}, now_ms());
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
  auto r = verify_access_token(token, keys(), ctx_.settings.jwt, now);
  if (expired) *expired = r.error == "expired";
  if (!r.claims) return std::nullopt;
  if (ctx_.revocations.is_revoked(r.claims->session_id)) {
    if (expired) *expired = false;
    return std::nullopt;
  }
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
  AccessClaims claims{user_id, session_id, role, ids::random_hex(12), now, now, now + ctx_.settings.access_ttl.count()};
  auto ks = keys();
  return {sign_access_token(claims, ks.front(), ctx_.settings.jwt), refresh_token, ctx_.settings.access_ttl.count()};
}

TokenPair AuthService::open_session(Connection& tx, const std::string& user_id, const std::string& role,
                                    const std::string& user_agent) const {
  const std::string session_id = ids::random_hex(16);
  const std::string refresh = random_token();
  const std::int64_t now = now_ms();
  tx.execute(
      "INSERT INTO auth_sessions (id, user_id, created_at_ms, last_used_ms, user_agent) VALUES (?1, ?2, ?3, ?3, ?4)",
      std::vector<Value>{session_id, user_id, now, user_agent.substr(0, 256)});
  tx.execute("INSERT INTO auth_refresh_tokens (token_hash, session_id, expires_at_ms) VALUES (?1, ?2, ?3)",
             std::vector<Value>{sha256_hex(refresh), session_id, now + ms(ctx_.settings.refresh_ttl)});
  return issue(user_id, role, session_id, refresh);
}

boost::asio::awaitable<boost::json::object> AuthService::register_user(std::string username, std::string email,
                                                                       std::string password, std::string ip) {
  username = normalize_username(username);
  email = normalize_email(email);
  if (auto why = password_policy_violation(password, username)) throw errors::validation(*why);
  auto hash_it = [password] { return hash_password(password); };
  std::string hash = co_await ctx_.pool.run(std::move(hash_it));
  const std::string id = ids::random_hex(16);
  const std::string index = ctx_.pii.blind_index(email);
  const std::string sealed = ctx_.pii.encrypt(email, "auth_users.email:" + id);
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
    ctx_.audit.append(c, {.action = "auth.user.registered", .actor_id = id, .target_id = id, .ip = ip});
  };
  co_await ctx_.store.transaction(std::move(insert));
  co_return boost::json::object{{"id", id}, {"username", username}, {"role", "user"}};
}

boost::asio::awaitable<TokenPair> AuthService::login(LoginRequest rq) {
  const std::string key_user = lower(rq.username).substr(0, 64);
  co_await ctx_.throttle("login:user:" + key_user, ctx_.settings.login_attempts, ctx_.settings.login_window,
                         "too many sign-in attempts; try again later");
  co_await ctx_.throttle("login:ip:" + rq.ip, ctx_.settings.login_attempts_per_ip, ctx_.settings.login_window,
                         "too many sign-in attempts; try again later");
  auto find = [key_user](Connection& c) {
    return c.execute("SELECT id, password_hash, role, disabled, mfa_enabled FROM auth_users WHERE username = ?1",
                     std::vector<Value>{key_user});
  };
  auto found = co_await ctx_.store.with_connection(std::move(find));
  // Unknown users cost the same argon2id verification (and audit write) as known ones.
  const bool known = !found.rows.empty();
  std::string hash = known ? found.rows[0].text(1) : dummy_hash_;
  auto check = [hash, password = rq.password] { return verify_password(hash, password); };
  const bool ok = co_await ctx_.pool.run(std::move(check));
  const std::string user_id = known ? found.rows[0].text(0) : "";
  auto fail = [this, &rq, &user_id](const char* reason) {
    audit::AuditEvent e{
        .action = "auth.login.failed", .target_id = user_id, .ip = rq.ip, .details = {{"reason", reason}}};
    auto write = [this, e](Connection& c) { ctx_.audit.append(c, e); };
    return ctx_.store.transaction(std::move(write));
  };
  if (!known || !ok || found.rows[0].boolean(3)) {
    co_await fail(!known ? "unknown_user" : !ok ? "wrong_password" : "account_disabled");
    throw invalid_credentials();
  }
  const std::string role = found.rows[0].text(2);
  const bool mfa = found.rows[0].boolean(4);
  if (mfa && !rq.second_factor) throw mfa_required();
  // Hashes made with weaker parameters than today's are replaced while the password is at hand.
  std::optional<std::string> rehashed;
  if (needs_rehash(hash)) {
    auto rehash = [password = rq.password] { return hash_password(password); };
    rehashed = co_await ctx_.pool.run(std::move(rehash));
  }
  std::optional<Error> refused;
  auto create = [&](Connection& c) {
    // (fmt rather than string +: g++ 12 -O3 reports a false stringop-overflow on the latter.)
    const std::string factor =
        mfa ? fmt::format("password+{}", spend_second_factor(c, ctx_.pii, user_id, *rq.second_factor, now_ms() / 1000))
            : std::string("password");
    if (rehashed) {
      c.execute("UPDATE auth_users SET password_hash = ?1 WHERE id = ?2", std::vector<Value>{*rehashed, user_id});
    }
    auto pair = open_session(c, user_id, role, rq.user_agent);
    ctx_.audit.append(c, {.action = "auth.login.succeeded",
                          .actor_id = user_id,
                          .target_id = user_id,
                          .ip = rq.ip,
                          .details = {{"factors", factor}, {"user_agent", rq.user_agent.substr(0, 128)}}});
    return pair;
  };
  try {
    co_return co_await ctx_.store.transaction(std::move(create));
  } catch (const Error& e) {
    if (e.type() != "mfa-invalid") throw;
    refused = e;
  }
  co_await fail("wrong_second_factor");
  throw *refused;
}

boost::asio::awaitable<TokenPair> AuthService::refresh(std::string refresh_token, std::string ip) {
  const std::string hash = sha256_hex(refresh_token);
  const std::string next = random_token();
  const std::int64_t now = now_ms();
  struct Outcome {
    std::string user_id, role, session_id;
    RevokedSessions revoked;
  };
  auto rotate = [&](Connection& c) {
    // Spending comes first: of two concurrent uses only one can move spent_at_ms from
    // NULL (PostgreSQL's row lock makes the other re-read it); the other is a reuse.
    auto spent =
        c.execute("UPDATE auth_refresh_tokens SET spent_at_ms = ?1 WHERE token_hash = ?2 AND spent_at_ms IS NULL",
                  std::vector<Value>{now, hash});
    auto rows = c.execute(
        "SELECT t.session_id, t.expires_at_ms, s.revoked_at_ms, u.id, u.role, u.disabled "
        "FROM auth_refresh_tokens t JOIN auth_sessions s ON s.id = t.session_id JOIN auth_users u ON u.id = s.user_id "
        "WHERE t.token_hash = ?1",
        std::vector<Value>{hash});
    if (rows.rows.empty()) throw errors::unauthorized("the refresh token is not valid");
    const auto& r = rows.rows[0];
    Outcome o{r.text(3), r.text(4), r.text(0), {}};
    if (spent.affected == 0) {
      // A spent token came back: someone holds a copy. End the whole session.
      auto ended =
          c.execute("UPDATE auth_sessions SET revoked_at_ms = ?1 WHERE id = ?2 AND revoked_at_ms IS NULL RETURNING id",
                    std::vector<Value>{now, o.session_id});
      o.revoked = {o.user_id, {o.session_id}};
      ctx_.audit.append(c, {.action = "auth.refresh.reused",
                            .target_id = o.user_id,
                            .ip = ip,
                            .details = {{"session_id", o.session_id}, {"session_was_active", !ended.rows.empty()}}});
      return o;
    }
    if (!r.is_null(2) || r.integer(1) <= now || r.boolean(5)) throw errors::unauthorized("the session has ended");
    c.execute("INSERT INTO auth_refresh_tokens (token_hash, session_id, expires_at_ms) VALUES (?1, ?2, ?3)",
              std::vector<Value>{sha256_hex(next), o.session_id, now + ms(ctx_.settings.refresh_ttl)});
    c.execute("UPDATE auth_sessions SET last_used_ms = ?1 WHERE id = ?2", std::vector<Value>{now, o.session_id});
    return o;
  };
  Outcome o = co_await ctx_.store.transaction(std::move(rotate));
  if (!o.revoked.session_ids.empty()) {
    ctx_.announce(o.revoked);
    log::warn("refresh token reuse: session revoked", {{"session_id", o.session_id}});
    throw errors::unauthorized("this refresh token was already used; the session has been revoked");
  }
  co_return issue(o.user_id, o.role, o.session_id, next);
}

boost::asio::awaitable<void> AuthService::logout(Principal who, std::string ip) {
  auto revoke = [this, who, ip](Connection& c) {
    c.execute("UPDATE auth_sessions SET revoked_at_ms = ?1 WHERE id = ?2 AND user_id = ?3 AND revoked_at_ms IS NULL",
              std::vector<Value>{now_ms(), who.session_id, who.user_id});
    ctx_.audit.append(c, {.action = "auth.logout",
                          .actor_id = who.user_id,
                          .target_id = who.user_id,
                          .ip = ip,
                          .details = {{"session_id", who.session_id}}});
  };
  co_await ctx_.store.transaction(std::move(revoke));
  ctx_.announce({who.user_id, {who.session_id}});
}

boost::asio::awaitable<boost::json::object> AuthService::sessions(Principal who) {
  auto load = [who](Connection& c) {
    return c.execute(
        "SELECT id, created_at_ms, last_used_ms, user_agent FROM auth_sessions "
        "WHERE user_id = ?1 AND revoked_at_ms IS NULL ORDER BY created_at_ms DESC LIMIT 100",
        std::vector<Value>{who.user_id});
  };
  auto rows = co_await ctx_.store.with_connection(std::move(load));
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

boost::asio::awaitable<void> AuthService::revoke_session(Principal who, std::string session_id, std::string ip) {
  auto revoke = [this, who, session_id, ip](Connection& c) {
    // The owner check is part of the statement: another user's id matches nothing.
    auto result = c.execute(
        "UPDATE auth_sessions SET revoked_at_ms = ?1 WHERE id = ?2 AND user_id = ?3 AND revoked_at_ms IS NULL",
        std::vector<Value>{now_ms(), session_id, who.user_id});
    if (result.affected == 0) throw errors::not_found("no such active session");
    ctx_.audit.append(c, {.action = "auth.session.revoked",
                          .actor_id = who.user_id,
                          .target_id = who.user_id,
                          .ip = ip,
                          .details = {{"session_id", session_id}}});
  };
  co_await ctx_.store.transaction(std::move(revoke));
  ctx_.announce({who.user_id, {session_id}});
}

boost::asio::awaitable<std::int64_t> AuthService::revoke_other_sessions(Principal who, std::string ip) {
  auto revoke = [this, who, ip](Connection& c) {
    auto ended = ctx_.revoke_sessions(c, who.user_id, who.session_id);
    ctx_.audit.append(c, {.action = "auth.session.revoked_others",
                          .actor_id = who.user_id,
                          .target_id = who.user_id,
                          .ip = ip,
                          .details = {{"count", ended.session_ids.size()}}});
    return ended;
  };
  auto ended = co_await ctx_.store.transaction(std::move(revoke));
  ctx_.announce(ended);
  co_return static_cast<std::int64_t>(ended.session_ids.size());
}

}  // namespace tc::auth
