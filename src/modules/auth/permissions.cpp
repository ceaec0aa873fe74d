#include "modules/auth/permissions.h"

#include "core/errors.h"

#include <array>

namespace tc::auth {
namespace {

struct PermissionInfo {
  Permission permission;
  std::string_view name;
  Role least_role;  // the lowest role that holds it; higher roles inherit
};

constexpr std::array kPermissions{
    PermissionInfo{Permission::moderate_any_room, "moderate_any_room", Role::moderator},
    PermissionInfo{Permission::moderate_discussions, "moderate_discussions", Role::moderator},
    PermissionInfo{Permission::list_users, "list_users", Role::admin},
    PermissionInfo{Permission::change_roles, "change_roles", Role::admin},
    PermissionInfo{Permission::disable_accounts, "disable_accounts", Role::admin},
    PermissionInfo{Permission::read_audit_log, "read_audit_log", Role::admin},
    PermissionInfo{Permission::import_market_data, "import_market_data", Role::admin},
};

constexpr std::array kRoles{Role::user, Role::moderator, Role::admin};

const PermissionInfo& info(Permission p) {
  for (const auto& i : kPermissions) {
    if (i.permission == p) return i;
  }
  throw errors::internal("permission without an entry in the matrix");
}

}  // namespace

std::optional<Role> parse_role(std::string_view name) {
  for (auto r : kRoles) {
    if (role_name(r) == name) return r;
  }
  return std::nullopt;
}

std::string_view role_name(Role role) {
  switch (role) {
    case Role::user: return "user";
    case Role::moderator: return "moderator";
    case Role::admin: return "admin";
  }
  return "user";
}

bool role_allows(std::string_view role, Permission permission) {
  auto r = parse_role(role);
  return r && static_cast<int>(*r) >= static_cast<int>(info(permission).least_role);
}

void require_permission(const Principal& who, Permission permission) {
  if (!role_allows(who.role, permission)) {
    throw errors::forbidden("this needs the " + std::string(info(permission).name) + " permission");
  }
}

std::vector<PermissionGrant> permission_matrix() {
  std::vector<PermissionGrant> out;
  for (auto r : kRoles) {
    for (const auto& p : kPermissions) {
      if (role_allows(role_name(r), p.permission)) out.push_back({role_name(r), p.name});
    }
  }
  return out;
}

}  // namespace tc::auth
