// The auth module's REST routes, one function per area. Each handler reads a strict
// body (unknown fields are refused), checks the caller, and calls one service.
#pragma once

#include "modules/auth/admin_service.h"
#include "modules/auth/auth_service.h"
#include "modules/auth/mfa_service.h"
#include "modules/auth/password_service.h"
#include "modules/auth/profile_service.h"
#include "net/router.h"

#include <boost/json/object.hpp>

namespace tc::auth {

struct AuthServices {
  AuthService& accounts;
  MfaService& mfa;
  PasswordService& passwords;
  ProfileService& profiles;
  AdminService& admin;
};

void add_account_routes(http::Router& router, AuthServices s);
void add_mfa_routes(http::Router& router, AuthServices s);
void add_password_routes(http::Router& router, AuthServices s);
void add_profile_routes(http::Router& router, AuthServices s);
void add_admin_routes(http::Router& router, AuthServices s);

// Shared by the route files.
boost::json::object json_schema(const char* text);
inline const http::RouteOptions kSmallBody{.max_body_bytes = 16 * 1024};
std::string user_agent_of(const http::Request& req);

}  // namespace tc::auth
