#include "core/errors.h"
#include "modules/auth/auth_routes.h"
#include "modules/auth/permissions.h"
#include "net/json_fields.h"

#include <charconv>

namespace tc::auth {
namespace {
namespace json = boost::json;
using Awaitable = boost::asio::awaitable<http::Response>;

const char* kAccountSchema = R"({"type":"object","properties":{"id":{"type":"string"},"username":{"type":"string"},
  "role":{"type":"string","enum":["user","moderator","admin"]},"disabled":{"type":"boolean"},
  "mfa_enabled":{"type":"boolean"},"created_at_ms":{"type":"integer"}}})";

std::int64_t limit_of(const http::Request& req) {
  auto text = req.query_param("limit");
  if (!text) return 50;
  std::int64_t v = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), v);
  if (ec != std::errc() || end != text->data() + text->size() || v < 1 || v > 200) {
    throw errors::bad_request("query parameter limit must be an integer from 1 to 200");
  }
  return v;
}

std::string short_param(const http::Request& req, const char* name) {
  auto v = req.query_param(name).value_or("");
  if (v.size() > 64) throw errors::bad_request(std::string("query parameter ") + name + " is longer than 64");
  return v;
}
}  // namespace

void add_admin_routes(http::Router& router, AuthServices s) {
  auto list = [s](http::Request req) -> Awaitable {
    auto who = s.accounts.require(req);
    co_return http::Response::json(
        co_await s.admin.list_users(who, short_param(req, "q"), short_param(req, "cursor"), limit_of(req)));
  };
  router.add("GET", "/api/v1/admin/users", list,
             {.summary = "Accounts by username (admins); q filters by username prefix",
              .tag = "admin",
              .auth = true,
              .responses = {{200, "Accounts"}, {401, "Not signed in"}, {403, "Not an admin"}},
              .response_schema = json_schema(R"({"type":"object","properties":{"items":{"type":"array"},
                "next_cursor":{"type":["string","null"]}}})"),
              .query_params = {"q", "cursor", "limit"}});

  auto change = [s](http::Request req) -> Awaitable {
    auto who = s.accounts.require(req);
    http::JsonFields f(req.json(), {"role", "disabled"});
    AccountChange c{f.optional_string("role", 1, 16), f.optional_bool("disabled")};
    co_return http::Response::json(co_await s.admin.change_account(who, req.param("id"), c, req.remote_addr));
  };
  router.add("PATCH", "/api/v1/admin/users/{id}", change,
             {.summary = "Change an account's role or disable it (admins); its sessions end at once",
              .tag = "admin",
              .auth = true,
              .request_schema = json_schema(R"({"type":"object","additionalProperties":false,"properties":{
                "role":{"type":"string","enum":["user","moderator","admin"]},"disabled":{"type":"boolean"}}})"),
              .responses = {{200, "The account"},
                            {401, "Not signed in"},
                            {403, "Not an admin"},
                            {404, "No such account"},
                            {409, "Your own account"},
                            {422, "Invalid fields"}},
              .response_schema = json_schema(kAccountSchema)},
             kSmallBody);

  auto roles = [s](http::Request req) -> Awaitable {
    s.accounts.require(req);
    json::array grants;
    for (const auto& g : permission_matrix()) {
      grants.push_back({{"role", g.role}, {"permission", g.permission}});
    }
    co_return http::Response::json(json::object{{"items", std::move(grants)}, {"next_cursor", nullptr}});
  };
  router.add("GET", "/api/v1/roles", roles,
             {.summary = "The permission matrix: which role holds which permission",
              .tag = "admin",
              .auth = true,
              .responses = {{200, "Every granted (role, permission) pair"}}});
}

}  // namespace tc::auth
