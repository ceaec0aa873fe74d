// The platform-wide permission matrix: which global role may do what. Every module
// asks here (one place), never compares role strings itself. Room-level roles
// (owner, moderator, member) are chat's own and live in the chat module.
#pragma once

#include "modules/auth/auth.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tc::auth {

enum class Role { user, moderator, admin };

enum class Permission {
  moderate_any_room,     // delete any message, kick/ban/mute in any room (site moderation)
  moderate_discussions,  // lock, pin, remove threads and posts
  list_users,            // admin: list accounts
  change_roles,          // admin: grant and take away roles
  disable_accounts,      // admin: disable and re-enable accounts
  read_audit_log,        // admin: read and verify the audit trail
  import_market_data,    // admin: load candle history into the market store
};

std::optional<Role> parse_role(std::string_view name);
std::string_view role_name(Role role);
// True when `role` (a role name from the access token) grants `permission`;
// unknown role names grant nothing.
bool role_allows(std::string_view role, Permission permission);
// Throws a 403 problem naming the permission when the caller lacks it.
void require_permission(const Principal& who, Permission permission);

// For docs and the /api/v1/admin/roles listing: every (role, permission) pair granted.
struct PermissionGrant {
  std::string_view role;
  std::string_view permission;
};
std::vector<PermissionGrant> permission_matrix();

}  // namespace tc::auth
