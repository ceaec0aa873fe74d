#include "modules/auth/auth_routes.h"

#include "core/errors.h"
#include "net/json_fields.h"

#include <boost/json/parse.hpp>

namespace tc::auth {

namespace json = boost::json;
using Awaitable = boost::asio::awaitable<http::Response>;

json::object json_schema(const char* text) { return json::parse(text).as_object(); }

std::string user_agent_of(const http::Request& req) {
  return std::string(req.header("User-Agent").value_or("")).substr(0, 256);
}

void add_account_routes(http::Router& router, AuthServices s) {
  const auto credentials = json_schema(R"({"type":"object","additionalProperties":false,
      "required":["username","password"],"properties":{"username":{"type":"string"},"password":{"type":"string"},
      "totp":{"type":"string"}}})");
  const auto tokens = json_schema(R"({"type":"object","properties":{"access_token":{"type":"string"},
      "refresh_token":{"type":"string"},"expires_in":{"type":"integer"},"token_type":{"const":"Bearer"}}})");

  auto register_user = [svc = &s.accounts](http::Request req) -> Awaitable {
    http::JsonFields f(req.json(), {"username", "email", "password"});
    auto created = co_await svc->register_user(f.required_string("username", 1, 64), f.required_string("email", 3, 254),
                                               f.required_string("password", 0, 4096), req.remote_addr);
    co_return http::Response::json(created, 201);
  };
  router.add("POST", "/api/v1/auth/register", register_user,
             {.summary = "Create an account",
              .tag = "auth",
              .request_schema = json_schema(R"({"type":"object","additionalProperties":false,
                  "required":["username","email","password"],"properties":{
                  "username":{"type":"string","pattern":"^[A-Za-z0-9_.-]{3,32}$"},
                  "email":{"type":"string","format":"email","maxLength":254},
                  "password":{"type":"string","minLength":8,"description":"8 to 1024 characters; common passwords are refused"}}})"),
              .responses = {{201, "Created"}, {409, "Username or email taken"}, {422, "Invalid fields"}},
              .response_schema = json_schema(R"({"type":"object","properties":{"id":{"type":"string"},
                  "username":{"type":"string"},"role":{"type":"string"}}})")},
             kSmallBody);

  auto login = [svc = &s.accounts](http::Request req) -> Awaitable {
    http::JsonFields f(req.json(), {"username", "password", "totp"});
    LoginRequest rq{f.required_string("username", 1, 64), f.required_string("password", 0, 4096),
                    f.optional_string("totp", 1, 32), req.remote_addr, user_agent_of(req)};
    auto pair = co_await svc->login(std::move(rq));
    co_return http::Response::json(pair.to_json());
  };
  router.add("POST", "/api/v1/auth/login", login,
             {.summary = "Sign in; returns an access token and a refresh token",
              .tag = "auth",
              .request_schema = credentials,
              .responses = {{200, "Signed in"},
                            {401, "Invalid username or password; or type mfa-required (send totp) / mfa-invalid"},
                            {429, "Too many attempts"}},
              .response_schema = tokens},
             kSmallBody);

  auto refresh = [svc = &s.accounts](http::Request req) -> Awaitable {
    http::JsonFields f(req.json(), {"refresh_token"});
    auto pair = co_await svc->refresh(f.required_string("refresh_token", 1, 512), req.remote_addr);
    co_return http::Response::json(pair.to_json());
  };
  router.add("POST", "/api/v1/auth/refresh", refresh,
             {.summary = "Exchange a refresh token for a new pair; the old one is spent",
              .tag = "auth",
              .request_schema = json_schema(R"({"type":"object","additionalProperties":false,
                  "required":["refresh_token"],"properties":{"refresh_token":{"type":"string"}}})"),
              .responses = {{200, "New tokens"}, {401, "Invalid, expired or reused refresh token"}},
              .response_schema = tokens},
             kSmallBody);

  auto logout = [svc = &s.accounts](http::Request req) -> Awaitable {
    co_await svc->logout(svc->require(req), req.remote_addr);
    co_return http::Response::empty(204);
  };
  router.add("POST", "/api/v1/auth/logout", logout,
             {.summary = "End this session (its refresh token stops working)",
              .tag = "auth",
              .auth = true,
              .request_schema = json_schema(R"({"type":"object","additionalProperties":false})"),
              .responses = {{204, "Signed out"}, {401, "Not signed in"}}},
             kSmallBody);

  auto sessions = [svc = &s.accounts](http::Request req) -> Awaitable {
    co_return http::Response::json(co_await svc->sessions(svc->require(req)));
  };
  router.add("GET", "/api/v1/auth/sessions", sessions,
             {.summary = "The signed-in user's active sessions (devices)",
              .tag = "auth",
              .auth = true,
              .responses = {{200, "Sessions"}, {401, "Not signed in"}},
              .response_schema = json_schema(R"({"type":"object","properties":{"items":{"type":"array","items":{
                  "type":"object","properties":{"id":{"type":"string"},"created_at_ms":{"type":"integer"},
                  "last_used_ms":{"type":"integer"},"user_agent":{"type":"string"},"current":{"type":"boolean"}}}},
                  "next_cursor":{"type":["string","null"]}}})")});

  auto revoke = [svc = &s.accounts](http::Request req) -> Awaitable {
    auto who = svc->require(req);
    const auto& id = req.param("id");
    if (id.size() > 64) throw errors::not_found("no such active session");
    co_await svc->revoke_session(who, id, req.remote_addr);
    co_return http::Response::empty(204);
  };
  router.add("DELETE", "/api/v1/auth/sessions/{id}", revoke,
             {.summary = "End one of the signed-in user's sessions (its refresh token stops working)",
              .tag = "auth",
              .auth = true,
              .responses = {{204, "Ended"}, {401, "Not signed in"}, {404, "No such active session of this user"}}});

  auto jwks = [svc = &s.accounts](http::Request) -> Awaitable {
    auto res = http::Response::json(svc->jwks());
    res.set_header("Cache-Control", "public, max-age=300");
    co_return res;
  };
  router.add("GET", "/.well-known/jwks.json", jwks,
             {.summary = "Public keys that verify access tokens (JWK set)", .tag = "auth"});

  auto revoke_others = [svc = &s.accounts](http::Request req) -> Awaitable {
    auto ended = co_await svc->revoke_other_sessions(svc->require(req), req.remote_addr);
    co_return http::Response::json(json::object{{"ended", ended}});
  };
  router.add("DELETE", "/api/v1/auth/sessions", revoke_others,
             {.summary = "End every session of the signed-in user except this one",
              .tag = "auth",
              .auth = true,
              .responses = {{200, "How many sessions ended"}, {401, "Not signed in"}},
              .response_schema = json_schema(R"({"type":"object","properties":{"ended":{"type":"integer"}}})")});
}

}  // namespace tc::auth
