#include "modules/auth/mfa_service.h"

#include "core/errors.h"
#include "modules/auth/password.h"
#include "modules/auth/second_factor.h"
#include "modules/auth/totp.h"

namespace tc::auth {
namespace {

using infra::store::Connection;
using infra::store::Value;

boost::json::array to_array(const std::vector<std::string>& v) {
  boost::json::array a;
  for (const auto& s : v) a.push_back(boost::json::string(s));
  return a;
}

}  // namespace

boost::asio::awaitable<void> MfaService::check_password(const Principal& who, const std::string& password) {
  co_await ctx_.throttle("reauth:" + who.user_id, ctx_.settings.login_attempts, ctx_.settings.login_window,
                         "too many password attempts; try again later");
  auto load = [who](Connection& c) {
    return c.execute("SELECT password_hash FROM auth_users WHERE id = ?1", std::vector<Value>{who.user_id});
  };
  auto rows = co_await ctx_.store.with_connection(std::move(load));
  if (rows.rows.empty()) throw errors::unauthorized("the account no longer exists");
  auto check = [hash = rows.rows[0].text(0), password] { return verify_password(hash, password); };
  if (!co_await ctx_.pool.run(std::move(check))) {
    throw Error(403, "reauthentication-failed", "Password required", "the password is not correct");
  }
}

boost::asio::awaitable<boost::json::object> MfaService::start_enrolment(Principal who, std::string ip) {
  const std::string secret = new_totp_secret();
  std::string username;
  auto store_pending = [&](Connection& c) {
    auto rows =
        c.execute("SELECT username, mfa_enabled FROM auth_users WHERE id = ?1", std::vector<Value>{who.user_id});
    if (rows.rows.empty()) throw errors::unauthorized("the account no longer exists");
    if (rows.rows[0].boolean(1)) throw errors::conflict("two-factor sign-in is already on; turn it off first");
    username = rows.rows[0].text(0);
    c.execute("UPDATE auth_users SET totp_pending_sealed = ?1 WHERE id = ?2",
              std::vector<Value>{ctx_.pii.encrypt(secret, totp_secret_context(who.user_id)), who.user_id});
    ctx_.audit.append(
        c, {.action = "auth.mfa.enrolment_started", .actor_id = who.user_id, .target_id = who.user_id, .ip = ip});
  };
  co_await ctx_.store.transaction(std::move(store_pending));
  const std::string uri = otpauth_uri(ctx_.settings.totp_issuer, username, secret);
  co_return boost::json::object{{"secret", base32_encode(secret)}, {"otpauth_uri", uri}, {"qr_svg", qr_svg(uri)}};
}

boost::asio::awaitable<boost::json::object> MfaService::confirm(Principal who, std::string code, std::string ip) {
  co_await ctx_.throttle("mfa-confirm:" + who.user_id, ctx_.settings.login_attempts, ctx_.settings.login_window,
                         "too many code attempts; try again later");
  const std::int64_t now_s = now_ms() / 1000;
  auto enable = [&](Connection& c) {
    auto rows = c.execute("SELECT totp_pending_sealed, mfa_enabled FROM auth_users WHERE id = ?1",
                          std::vector<Value>{who.user_id});
    if (rows.rows.empty()) throw errors::unauthorized("the account no longer exists");
    if (rows.rows[0].boolean(1)) throw errors::conflict("two-factor sign-in is already on");
    if (rows.rows[0].is_null(0)) throw errors::conflict("start enrolment first: POST /api/v1/auth/mfa/totp");
    const std::string sealed = rows.rows[0].text(0);
    auto secret = ctx_.pii.decrypt(sealed, totp_secret_context(who.user_id));
    if (!secret) throw errors::internal("auth: a TOTP secret cannot be decrypted with the configured keys");
    auto step = match_totp(*secret, code, now_s);
    if (!step) throw Error(422, "mfa-invalid", "Invalid one-time code", "the code does not match the new secret");
    c.execute(
        "UPDATE auth_users SET totp_secret_sealed = ?1, totp_pending_sealed = NULL, mfa_enabled = ?2, "
        "totp_last_step = ?3 WHERE id = ?4",
        std::vector<Value>{sealed, true, *step, who.user_id});
    auto codes = replace_recovery_codes(c, who.user_id);
    ctx_.audit.append(c, {.action = "auth.mfa.enabled", .actor_id = who.user_id, .target_id = who.user_id, .ip = ip});
    return codes;
  };
  auto codes = co_await ctx_.store.transaction(std::move(enable));
  co_return boost::json::object{{"recovery_codes", to_array(codes)}};
}

boost::asio::awaitable<void> MfaService::disable(Principal who, std::string password, std::string code,
                                                 std::string ip) {
  co_await check_password(who, password);
  auto turn_off = [&](Connection& c) {
    const std::string used = spend_second_factor(c, ctx_.pii, who.user_id, code, now_ms() / 1000);
    c.execute(
        "UPDATE auth_users SET mfa_enabled = ?1, totp_secret_sealed = NULL, totp_pending_sealed = NULL WHERE id = ?2",
        std::vector<Value>{false, who.user_id});
    c.execute("DELETE FROM auth_recovery_codes WHERE user_id = ?1", std::vector<Value>{who.user_id});
    ctx_.audit.append(c, {.action = "auth.mfa.disabled",
                          .actor_id = who.user_id,
                          .target_id = who.user_id,
                          .ip = ip,
                          .details = {{"confirmed_with", used}}});
  };
  co_await ctx_.store.transaction(std::move(turn_off));
}

boost::asio::awaitable<boost::json::object> MfaService::new_recovery_codes(Principal who, std::string password,
                                                                           std::string ip) {
  co_await check_password(who, password);
  auto replace = [&](Connection& c) {
    auto rows = c.execute("SELECT mfa_enabled FROM auth_users WHERE id = ?1", std::vector<Value>{who.user_id});
    if (rows.rows.empty() || !rows.rows[0].boolean(0)) throw errors::conflict("two-factor sign-in is off");
    auto codes = replace_recovery_codes(c, who.user_id);
    ctx_.audit.append(
        c, {.action = "auth.mfa.recovery_codes_replaced", .actor_id = who.user_id, .target_id = who.user_id, .ip = ip});
    return codes;
  };
  auto codes = co_await ctx_.store.transaction(std::move(replace));
  co_return boost::json::object{{"recovery_codes", to_array(codes)}};
}

}  // namespace tc::auth
