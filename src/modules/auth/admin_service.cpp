#include "modules/auth/admin_service.h"

#include "core/errors.h"
#include "modules/auth/permissions.h"

namespace tc::auth {
namespace {

using infra::store::Connection;
using infra::store::Value;

boost::json::object account_json(const infra::store::Row& r) {
  return {{"id", r.text(0)},          {"username", r.text(1)},       {"role", r.text(2)},
          {"disabled", r.boolean(3)}, {"mfa_enabled", r.boolean(4)}, {"created_at_ms", r.integer(5)}};
}

constexpr const char* kAccountColumns = "id, username, role, disabled, mfa_enabled, created_at_ms";

}  // namespace

boost::asio::awaitable<boost::json::object> AdminService::list_users(Principal who, std::string query,
                                                                     std::string cursor, std::int64_t limit) {
  require_permission(who, Permission::list_users);
  // Prefix match without LIKE, so % and _ in the query are plain characters.
  const std::string q = lower(query);
  auto load = [q, cursor, limit](Connection& c) {
    return c.execute(std::string("SELECT ") + kAccountColumns +
                         " FROM auth_users WHERE substr(username, 1, length(?1)) = ?1 AND username > ?2 "
                         "ORDER BY username LIMIT ?3",
                     std::vector<Value>{q, cursor, limit + 1});
  };
  auto rows = co_await ctx_.store.with_connection(std::move(load));
  boost::json::array items;
  boost::json::value next = nullptr;
  for (const auto& r : rows.rows) {
    if (static_cast<std::int64_t>(items.size()) == limit) {
      next = items.back().as_object().at("username");
      break;
    }
    items.push_back(account_json(r));
  }
  co_return boost::json::object{{"items", std::move(items)}, {"next_cursor", next}};
}

boost::asio::awaitable<boost::json::object> AdminService::change_account(Principal who, std::string user_id,
                                                                         AccountChange change, std::string ip) {
  if (change.role) require_permission(who, Permission::change_roles);
  if (change.disabled) require_permission(who, Permission::disable_accounts);
  if (!change.role && !change.disabled) throw errors::validation("send \"role\", \"disabled\" or both");
  if (change.role && !parse_role(*change.role)) {
    throw errors::validation("field \"role\" must be one of user, moderator, admin");
  }
  if (user_id == who.user_id) {
    throw errors::conflict("administrators cannot change or disable their own account; ask another admin");
  }
  auto apply = [&](Connection& c) {
    auto before = c.execute(std::string("SELECT ") + kAccountColumns + " FROM auth_users WHERE id = ?1",
                            std::vector<Value>{user_id});
    if (before.rows.empty()) throw errors::not_found("no such account");
    boost::json::object details;
    if (change.role && *change.role != before.rows[0].text(2)) {
      c.execute("UPDATE auth_users SET role = ?1 WHERE id = ?2", std::vector<Value>{*change.role, user_id});
      details["role"] = {{"from", before.rows[0].text(2)}, {"to", *change.role}};
    }
    if (change.disabled && *change.disabled != before.rows[0].boolean(3)) {
      c.execute("UPDATE auth_users SET disabled = ?1 WHERE id = ?2", std::vector<Value>{*change.disabled, user_id});
      details["disabled"] = *change.disabled;
    }
    RevokedSessions ended{user_id, {}};
    if (!details.empty()) {
      ended = ctx_.revoke_sessions(c, user_id);
      details["sessions_ended"] = ended.session_ids.size();
      const char* action = details.contains("role")          ? "admin.role.changed"
                           : change.disabled.value_or(false) ? "admin.account.disabled"
                                                             : "admin.account.enabled";
      if (details.contains("role") && details.contains("disabled")) action = "admin.account.changed";
      ctx_.audit.append(
          c, {.action = action, .actor_id = who.user_id, .target_id = user_id, .ip = ip, .details = details});
    }
    auto after = c.execute(std::string("SELECT ") + kAccountColumns + " FROM auth_users WHERE id = ?1",
                           std::vector<Value>{user_id});
    return std::pair{account_json(after.rows[0]), ended};
  };
  auto [account, ended] = co_await ctx_.store.transaction(std::move(apply));
  ctx_.announce(ended);
  co_return account;
}

std::string set_role_offline(infra::store::Store& store, audit::AuditLog& audit, const std::string& username,
                             const std::string& role) {
  if (!parse_role(role)) throw errors::validation("role must be one of user, moderator, admin");
  auto apply = [&](Connection& c) {
    auto rows = c.execute("SELECT id, role FROM auth_users WHERE username = ?1", std::vector<Value>{lower(username)});
    if (rows.rows.empty()) throw errors::not_found("no account named " + username);
    std::string id = rows.rows[0].text(0);
    c.execute("UPDATE auth_users SET role = ?1 WHERE id = ?2", std::vector<Value>{role, id});
    // The old role lives in unexpired tokens until they expire; the user signs in again.
    c.execute("UPDATE auth_sessions SET revoked_at_ms = ?1 WHERE user_id = ?2 AND revoked_at_ms IS NULL",
              std::vector<Value>{now_ms(), id});
    audit.append(c, {.action = "admin.role.changed",
                     .actor_id = "operator (tradechat users set-role)",
                     .target_id = id,
                     .details = {{"role", {{"from", rows.rows[0].text(1)}, {"to", role}}}}});
    return id;
  };
  return store.run_transaction(apply);
}

}  // namespace tc::auth
