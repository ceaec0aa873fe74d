#include "modules/auth/auth_routes.h"
#include "net/json_fields.h"

namespace tc::auth {
namespace {
using Awaitable = boost::asio::awaitable<http::Response>;
}  // namespace

void add_password_routes(http::Router& router, AuthServices s) {
  auto change = [s](http::Request req) -> Awaitable {
    auto who = s.accounts.require(req);
    http::JsonFields f(req.json(), {"current_password", "new_password"});
    co_await s.passwords.change(who, f.required_string("current_password", 0, 4096),
                                f.required_string("new_password", 0, 4096), req.remote_addr);
    co_return http::Response::empty(204);
  };
  router.add("POST", "/api/v1/auth/password", change,
             {.summary = "Change the password (needs the current one); every other session ends",
              .tag = "auth",
              .auth = true,
              .request_schema = json_schema(R"({"type":"object","additionalProperties":false,
                "required":["current_password","new_password"],"properties":{"current_password":{"type":"string"},
                "new_password":{"type":"string","minLength":8}}})"),
              .responses = {{204, "Changed"},
                            {401, "Not signed in"},
                            {403, "The current password is wrong"},
                            {422, "The new password is refused (policy)"},
                            {429, "Too many attempts"}}},
             kSmallBody);

  auto forgot = [s](http::Request req) -> Awaitable {
    http::JsonFields f(req.json(), {"email"});
    co_await s.passwords.forgot(f.required_string("email", 1, 254), req.remote_addr);
    co_return http::Response::empty(202);
  };
  router.add("POST", "/api/v1/auth/password/forgot", forgot,
             {.summary = "Email a single-use reset link; the same 202 whether or not the address has an account",
              .tag = "auth",
              .request_schema = json_schema(R"({"type":"object","additionalProperties":false,"required":["email"],
                "properties":{"email":{"type":"string","maxLength":254}}})"),
              .responses = {{202, "Accepted"}, {429, "Too many requests"}}},
             kSmallBody);

  auto reset = [s](http::Request req) -> Awaitable {
    http::JsonFields f(req.json(), {"token", "new_password"});
    co_await s.passwords.reset(f.required_string("token", 1, 128), f.required_string("new_password", 0, 4096),
                               req.remote_addr);
    co_return http::Response::empty(204);
  };
  router.add("POST", "/api/v1/auth/password/reset", reset,
             {.summary = "Set a new password with the emailed token; every session of the account ends",
              .tag = "auth",
              .request_schema = json_schema(R"({"type":"object","additionalProperties":false,
                "required":["token","new_password"],"properties":{"token":{"type":"string"},
                "new_password":{"type":"string","minLength":8}}})"),
              .responses = {{204, "Password set"},
                            {401, "The token is not valid, used or expired"},
                            {422, "The new password is refused (policy)"},
                            {429, "Too many attempts"}}},
             kSmallBody);
}

}  // namespace tc::auth
