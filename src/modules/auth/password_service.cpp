#include "modules/auth/password_service.h"

#include "core/errors.h"
#include "core/log.h"
#include "modules/auth/auth_service.h"
#include "modules/auth/password.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/this_coro.hpp>

namespace tc::auth {
namespace {

using infra::store::Connection;
using infra::store::Value;

// A free coroutine owning its arguments: it outlives the request that started it.
boost::asio::awaitable<void> send_reset_email(infra::mail::Mailer* mailer, infra::mail::Email mail) {
  co_await mailer->send(std::move(mail));
}

}  // namespace

boost::asio::awaitable<void> PasswordService::change(Principal who, std::string current, std::string next,
                                                     std::string ip) {
  co_await ctx_.throttle("reauth:" + who.user_id, ctx_.settings.login_attempts, ctx_.settings.login_window,
                         "too many password attempts; try again later");
  auto load = [who](Connection& c) {
    return c.execute("SELECT password_hash, username FROM auth_users WHERE id = ?1", std::vector<Value>{who.user_id});
  };
  auto rows = co_await ctx_.store.with_connection(std::move(load));
  if (rows.rows.empty()) throw errors::unauthorized("the account no longer exists");
  auto check = [hash = rows.rows[0].text(0), current] { return verify_password(hash, current); };
  if (!co_await ctx_.pool.run(std::move(check))) {
    throw Error(403, "reauthentication-failed", "Password required", "the current password is not correct");
  }
  if (auto why = password_policy_violation(next, rows.rows[0].text(1))) throw errors::validation(*why);
  if (next == current) throw errors::validation("the new password must differ from the current one");
  auto hash_it = [next] { return hash_password(next); };
  std::string hash = co_await ctx_.pool.run(std::move(hash_it));
  auto update = [&](Connection& c) {
    c.execute("UPDATE auth_users SET password_hash = ?1 WHERE id = ?2", std::vector<Value>{hash, who.user_id});
    auto ended = ctx_.revoke_sessions(c, who.user_id, who.session_id);
    ctx_.audit.append(c, {.action = "auth.password.changed",
                          .actor_id = who.user_id,
                          .target_id = who.user_id,
                          .ip = ip,
                          .details = {{"other_sessions_ended", ended.session_ids.size()}}});
    return ended;
  };
  ctx_.announce(co_await ctx_.store.transaction(std::move(update)));
}

boost::asio::awaitable<void> PasswordService::forgot(std::string email, std::string ip) {
  std::string normalized;
  try {
    normalized = normalize_email(email);
  } catch (const Error&) {
    co_return;  // not an address: nothing to send, and the same answer
  }
  co_await ctx_.throttle("forgot:ip:" + ip, ctx_.settings.login_attempts_per_ip, ctx_.settings.login_window,
                         "too many reset requests; try again later");
  const std::string index = ctx_.pii.blind_index(normalized);
  const std::string token = random_token();
  const std::int64_t now = now_ms();
  auto create = [&](Connection& c) -> bool {
    auto rows = c.execute("SELECT id FROM auth_users WHERE email_index = ?1 AND disabled = ?2",
                          std::vector<Value>{index, false});
    if (rows.rows.empty()) return false;
    const std::string user_id = rows.rows[0].text(0);
    // At most a few live requests per account: no mail bombing through this form.
    auto live = c.execute("SELECT COUNT(*) FROM auth_password_resets WHERE user_id = ?1 AND expires_at_ms > ?2",
                          std::vector<Value>{user_id, now - 3'600'000 + ctx_.settings.reset_ttl.count()});
    if (live.rows[0].integer(0) >= ctx_.settings.reset_requests_per_hour) return false;
    c.execute("INSERT INTO auth_password_resets (token_hash, user_id, expires_at_ms) VALUES (?1, ?2, ?3)",
              std::vector<Value>{sha256_hex(token), user_id, now + ctx_.settings.reset_ttl.count()});
    ctx_.audit.append(c, {.action = "auth.password.reset_requested", .target_id = user_id, .ip = ip});
    return true;
  };
  const bool send = co_await ctx_.store.transaction(std::move(create));
  if (!send || !ctx_.mailer) {
    if (send) log::warn("password reset requested but mail.smtp_url is not set: no email sent");
    co_return;
  }
  infra::mail::Email mail{normalized, "Reset your tradechat password",
                          "Someone (hopefully you) asked to reset the password of your tradechat account.\n\n"
                          "Open this link within 30 minutes to choose a new password:\n\n" +
                              ctx_.settings.public_url + "/#/reset-password?token=" + token +
                              "\n\nIf it was not you, ignore this email: your password stays as it is.\n"};
  // Sent in the background, so the answer takes as long for unknown addresses.
  auto executor = co_await boost::asio::this_coro::executor;
  auto on_done = [](const std::exception_ptr& e) {
    if (!e) return;
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& ex) {
      log::error("password reset email failed", {{"error", ex.what()}});
    }
  };
  boost::asio::co_spawn(executor, send_reset_email(ctx_.mailer, std::move(mail)), on_done);
}

boost::asio::awaitable<void> PasswordService::reset(std::string token, std::string next, std::string ip) {
  co_await ctx_.throttle("reset:ip:" + ip, ctx_.settings.login_attempts_per_ip, ctx_.settings.login_window,
                         "too many reset attempts; try again later");
  const std::string token_hash = sha256_hex(token);
  auto find = [token_hash](Connection& c) {
    return c.execute(
        "SELECT r.user_id, u.username FROM auth_password_resets r JOIN auth_users u ON u.id = r.user_id "
        "WHERE r.token_hash = ?1 AND r.used_at_ms IS NULL AND r.expires_at_ms > ?2",
        std::vector<Value>{token_hash, now_ms()});
  };
  auto rows = co_await ctx_.store.with_connection(std::move(find));
  if (rows.rows.empty()) throw errors::unauthorized("the reset link is not valid, was already used or expired");
  const std::string user_id = rows.rows[0].text(0);
  if (auto why = password_policy_violation(next, rows.rows[0].text(1))) throw errors::validation(*why);
  auto hash_it = [next] { return hash_password(next); };
  std::string hash = co_await ctx_.pool.run(std::move(hash_it));
  auto apply = [&](Connection& c) {
    // Spending the token and changing the password are one step; a second use finds it spent.
    auto spent = c.execute(
        "UPDATE auth_password_resets SET used_at_ms = ?1 WHERE token_hash = ?2 AND used_at_ms IS NULL AND "
        "expires_at_ms > ?1",
        std::vector<Value>{now_ms(), token_hash});
    if (spent.affected != 1) throw errors::unauthorized("the reset link is not valid, was already used or expired");
    c.execute("UPDATE auth_password_resets SET used_at_ms = ?1 WHERE user_id = ?2 AND used_at_ms IS NULL",
              std::vector<Value>{now_ms(), user_id});
    c.execute("UPDATE auth_users SET password_hash = ?1 WHERE id = ?2", std::vector<Value>{hash, user_id});
    auto ended = ctx_.revoke_sessions(c, user_id);
    ctx_.audit.append(c, {.action = "auth.password.reset",
                          .target_id = user_id,
                          .ip = ip,
                          .details = {{"sessions_ended", ended.session_ids.size()}}});
    return ended;
  };
  ctx_.announce(co_await ctx_.store.transaction(std::move(apply)));
}

}  // namespace tc::auth
