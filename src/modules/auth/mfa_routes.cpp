#include "modules/auth/auth_routes.h"
#include "net/json_fields.h"

namespace tc::auth {
namespace {
namespace json = boost::json;
using Awaitable = boost::asio::awaitable<http::Response>;
}  // namespace

void add_mfa_routes(http::Router& router, AuthServices s) {
  auto start = [s](http::Request req) -> Awaitable {
    co_return http::Response::json(co_await s.mfa.start_enrolment(s.accounts.require(req), req.remote_addr));
  };
  router.add("POST", "/api/v1/auth/mfa/totp", start,
             {.summary = "Start TOTP enrolment: a new secret as an otpauth URI and a QR code (SVG)",
              .tag = "auth",
              .auth = true,
              .request_schema = json_schema(R"({"type":"object","additionalProperties":false})"),
              .responses = {{200, "The pending secret"}, {401, "Not signed in"}, {409, "MFA is already on"}},
              .response_schema = json_schema(R"({"type":"object","properties":{"secret":{"type":"string"},
                "otpauth_uri":{"type":"string"},"qr_svg":{"type":"string"}}})")},
             kSmallBody);

  auto confirm = [s](http::Request req) -> Awaitable {
    auto who = s.accounts.require(req);
    http::JsonFields f(req.json(), {"code"});
    co_return http::Response::json(co_await s.mfa.confirm(who, f.required_string("code", 1, 16), req.remote_addr));
  };
  router.add("POST", "/api/v1/auth/mfa/totp/confirm", confirm,
             {.summary = "Turn two-factor sign-in on with a first code; returns recovery codes once",
              .tag = "auth",
              .auth = true,
              .request_schema = json_schema(R"({"type":"object","additionalProperties":false,"required":["code"],
                "properties":{"code":{"type":"string","pattern":"^[0-9]{6}$"}}})"),
              .responses = {{200, "MFA is on"},
                            {401, "Not signed in"},
                            {409, "No enrolment started, or MFA is on"},
                            {422, "The code does not match"},
                            {429, "Too many attempts"}},
              .response_schema = json_schema(R"({"type":"object","properties":{"recovery_codes":{"type":"array",
                "items":{"type":"string"}}}})")},
             kSmallBody);

  auto disable = [s](http::Request req) -> Awaitable {
    auto who = s.accounts.require(req);
    http::JsonFields f(req.json(), {"password", "code"});
    co_await s.mfa.disable(who, f.required_string("password", 0, 4096), f.required_string("code", 1, 32),
                           req.remote_addr);
    co_return http::Response::empty(204);
  };
  router.add("POST", "/api/v1/auth/mfa/disable", disable,
             {.summary = "Turn two-factor sign-in off (needs the password and a current or recovery code)",
              .tag = "auth",
              .auth = true,
              .request_schema = json_schema(R"({"type":"object","additionalProperties":false,
                "required":["password","code"],"properties":{"password":{"type":"string"},"code":{"type":"string"}}})"),
              .responses = {{204, "MFA is off"},
                            {401, "Not signed in, or the code is wrong"},
                            {403, "The password is wrong"},
                            {429, "Too many attempts"}}},
             kSmallBody);

  auto codes = [s](http::Request req) -> Awaitable {
    auto who = s.accounts.require(req);
    http::JsonFields f(req.json(), {"password"});
    co_return http::Response::json(
        co_await s.mfa.new_recovery_codes(who, f.required_string("password", 0, 4096), req.remote_addr));
  };
  router.add("POST", "/api/v1/auth/mfa/recovery-codes", codes,
             {.summary = "Replace the recovery codes (needs the password); the old ones stop working",
              .tag = "auth",
              .auth = true,
              .request_schema = json_schema(R"({"type":"object","additionalProperties":false,"required":["password"],
                "properties":{"password":{"type":"string"}}})"),
              .responses = {{200, "New codes, shown once"}, {403, "The password is wrong"}, {409, "MFA is off"}}},
             kSmallBody);
}

}  // namespace tc::auth
