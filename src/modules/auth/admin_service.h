// Account administration (admins only, checked here through the permission matrix):
// list accounts, change a role, disable or re-enable an account. A role change or a
// disable ends every session of that account at once (the role is inside its tokens).
// An admin cannot change or disable their own account, so the last admin cannot lock
// everyone out; `tradechat users set-role` on the server grants the first admin.
#pragma once

#include "modules/auth/auth.h"
#include "modules/auth/auth_context.h"

#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>

#include <optional>

namespace tc::auth {

struct AccountChange {
  std::optional<std::string> role;
  std::optional<bool> disabled;
};

class AdminService {
 public:
  explicit AdminService(AuthContext& ctx) : ctx_(ctx) {}

  // `query` filters by username prefix; `cursor` is the last username of the previous page.
  boost::asio::awaitable<boost::json::object> list_users(Principal who, std::string query, std::string cursor,
                                                         std::int64_t limit);
  boost::asio::awaitable<boost::json::object> change_account(Principal who, std::string user_id, AccountChange change,
                                                             std::string ip);

 private:
  AuthContext& ctx_;
};

// For `tradechat users set-role USERNAME ROLE` (operators on the server). Blocking.
// Returns the user id; throws tc::Error for an unknown user or role.
std::string set_role_offline(infra::store::Store& store, audit::AuditLog& audit, const std::string& username,
                             const std::string& role);

}  // namespace tc::auth
