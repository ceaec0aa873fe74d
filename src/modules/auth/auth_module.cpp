#include "modules/auth/auth_module.h"

#include "core/errors.h"
#include "core/log.h"
#include "modules/auth/auth_service.h"
#include "modules/auth/base64url.h"
#include "net/json_fields.h"

#include <sodium.h>
#include <sys/stat.h>
#include <boost/json/parse.hpp>

#include <filesystem>
#include <fstream>

namespace tc::auth {
namespace {

namespace json = boost::json;
using Awaitable = boost::asio::awaitable<http::Response>;

json::object schema(const char* text) { return json::parse(text).as_object(); }

// PII keys: from config (auth.pii_key, base64url of 64 bytes: 32 to encrypt, 32 for
// the blind index) or, embedded, from <data.dir>/keys/pii.key, created on first start.
PiiCipher pii_cipher(const Config& config) {
  std::string material;
  if (!config.str("auth.pii_key").empty()) {
    auto raw = base64url_decode(config.str("auth.pii_key"));
    if (!raw || raw->size() != 64) {
      throw ConfigError("config: auth.pii_key = (secret) is invalid: expected 64 bytes in base64url (no padding)");
    }
    material = *raw;
  } else {
    auto dir = std::filesystem::path(config.str("data.dir")) / "keys";
    auto file = dir / "pii.key";
    std::filesystem::create_directories(dir);
    if (std::filesystem::exists(file)) {
      std::ifstream in(file, std::ios::binary);
      material.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    } else {
      material = PiiCipher::random_key() + PiiCipher::random_key();
      std::ofstream out(file, std::ios::binary);
      out << material;
      out.close();
      ::chmod(file.c_str(), 0600);
      log::warn("generated the personal-data key; back it up with the database", {{"file", file.string()}});
    }
    if (material.size() != 64) throw errors::internal("auth: " + file.string() + " is not a 64-byte key file");
  }
  return PiiCipher({{"k1", material.substr(0, 32)}}, material.substr(32));
}

class AuthModule final : public app::Module {
 public:
  void start(app::ModuleContext& ctx) override {
    if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
    AuthSettings s;
    s.jwt = {ctx.config.str("auth.issuer"), "tradechat", std::chrono::seconds(30)};
    s.access_ttl = std::chrono::duration_cast<std::chrono::seconds>(ctx.config.duration("auth.access_ttl"));
    s.refresh_ttl = std::chrono::duration_cast<std::chrono::seconds>(ctx.config.duration("auth.refresh_ttl"));
    s.login_attempts = ctx.config.integer("auth.login_attempts");
    service_ = std::make_unique<AuthService>(ctx.store, ctx.cache, ctx.pool, s, pii_cipher(ctx.config));
    service_->load_keys();
    ctx.services.provide<Authenticator>(service_.get());
    ctx.services.provide<UserDirectory>(service_.get());
    add_routes(ctx.router);
  }

 private:
  void add_routes(http::Router& router) {
    AuthService* svc = service_.get();
    const http::RouteOptions small_body{.max_body_bytes = 16 * 1024};
    const auto credentials = schema(R"({"type":"object","additionalProperties":false,
      "required":["username","password"],"properties":{"username":{"type":"string"},"password":{"type":"string"},
      "totp":{"type":"string"}}})");
    const auto tokens = schema(R"({"type":"object","properties":{"access_token":{"type":"string"},
      "refresh_token":{"type":"string"},"expires_in":{"type":"integer"},"token_type":{"const":"Bearer"}}})");

    auto register_user = [svc](http::Request req) -> Awaitable {
      http::JsonFields f(req.json(), {"username", "email", "password"});
      auto created =
          co_await svc->register_user(f.required_string("username", 1, 64), f.required_string("email", 3, 254),
                                      f.required_string("password", 0, 4096));
      co_return http::Response::json(created, 201);
    };
    router.add("POST", "/api/v1/auth/register", register_user,
               {.summary = "Create an account",
                .tag = "auth",
                .request_schema = schema(R"({"type":"object","additionalProperties":false,
                  "required":["username","email","password"],"properties":{
                  "username":{"type":"string","pattern":"^[A-Za-z0-9_.-]{3,32}$"},
                  "email":{"type":"string","format":"email","maxLength":254},
                  "password":{"type":"string","minLength":8,"description":"8 to 1024 characters; common passwords are refused"}}})"),
                .responses = {{201, "Created"}, {409, "Username or email taken"}, {422, "Invalid fields"}},
                .response_schema = schema(R"({"type":"object","properties":{"id":{"type":"string"},
                  "username":{"type":"string"},"role":{"type":"string"}}})")},
               small_body);

    auto login = [svc](http::Request req) -> Awaitable {
      http::JsonFields f(req.json(), {"username", "password", "totp"});
      auto user = f.required_string("username", 1, 64);
      auto password = f.required_string("password", 0, 4096);
      auto pair =
          co_await svc->login(user, password, req.remote_addr, std::string(req.header("User-Agent").value_or("")));
      co_return http::Response::json(pair.to_json());
    };
    router.add("POST", "/api/v1/auth/login", login,
               {.summary = "Sign in; returns an access token and a refresh token",
                .tag = "auth",
                .request_schema = credentials,
                .responses = {{200, "Signed in"}, {401, "Invalid username or password"}, {429, "Too many attempts"}},
                .response_schema = tokens},
               small_body);

    auto refresh = [svc](http::Request req) -> Awaitable {
      http::JsonFields f(req.json(), {"refresh_token"});
      auto pair = co_await svc->refresh(f.required_string("refresh_token", 1, 512));
      co_return http::Response::json(pair.to_json());
    };
    router.add("POST", "/api/v1/auth/refresh", refresh,
               {.summary = "Exchange a refresh token for a new pair; the old one is spent",
                .tag = "auth",
                .request_schema = schema(R"({"type":"object","additionalProperties":false,
                  "required":["refresh_token"],"properties":{"refresh_token":{"type":"string"}}})"),
                .responses = {{200, "New tokens"}, {401, "Invalid, expired or reused refresh token"}},
                .response_schema = tokens},
               small_body);

    auto logout = [svc](http::Request req) -> Awaitable {
      co_await svc->logout(svc->require(req));
      co_return http::Response::empty(204);
    };
    router.add("POST", "/api/v1/auth/logout", logout,
               {.summary = "End this session (its refresh token stops working)",
                .tag = "auth",
                .auth = true,
                .request_schema = schema(R"({"type":"object","additionalProperties":false})"),
                .responses = {{204, "Signed out"}, {401, "Not signed in"}}},
               small_body);

    auto me = [svc](http::Request req) -> Awaitable {
      co_return http::Response::json(co_await svc->me(svc->require(req)));
    };
    router.add("GET", "/api/v1/me", me,
               {.summary = "The signed-in user",
                .tag = "auth",
                .auth = true,
                .responses = {{200, "The user"}, {401, "Not signed in"}},
                .response_schema = schema(R"({"type":"object","properties":{"id":{"type":"string"},
                  "username":{"type":"string"},"email":{"type":"string"},"role":{"type":"string"},
                  "created_at_ms":{"type":"integer"}}})")});

    auto sessions = [svc](http::Request req) -> Awaitable {
      co_return http::Response::json(co_await svc->sessions(svc->require(req)));
    };
    router.add("GET", "/api/v1/auth/sessions", sessions,
               {.summary = "The signed-in user's active sessions (devices)",
                .tag = "auth",
                .auth = true,
                .responses = {{200, "Sessions"}, {401, "Not signed in"}},
                .response_schema = schema(R"({"type":"object","properties":{"items":{"type":"array","items":{
                  "type":"object","properties":{"id":{"type":"string"},"created_at_ms":{"type":"integer"},
                  "last_used_ms":{"type":"integer"},"user_agent":{"type":"string"},"current":{"type":"boolean"}}}},
                  "next_cursor":{"type":["string","null"]}}})")});

    auto revoke = [svc](http::Request req) -> Awaitable {
      auto who = svc->require(req);
      const auto& id = req.param("id");
      if (id.size() > 64) throw errors::not_found("no such active session");
      co_await svc->revoke_session(who, id);
      co_return http::Response::empty(204);
    };
    router.add("DELETE", "/api/v1/auth/sessions/{id}", revoke,
               {.summary = "End one of the signed-in user's sessions (its refresh token stops working)",
                .tag = "auth",
                .auth = true,
                .responses = {{204, "Ended"}, {401, "Not signed in"}, {404, "No such active session of this user"}}});

    auto jwks = [svc](http::Request) -> Awaitable {
      auto res = http::Response::json(svc->jwks());
      res.set_header("Cache-Control", "public, max-age=300");
      co_return res;
    };
    router.add("GET", "/.well-known/jwks.json", jwks,
               {.summary = "Public keys that verify access tokens (JWK set)", .tag = "auth"});
  }

  std::unique_ptr<AuthService> service_;
};

}  // namespace

void add_config_keys(ConfigSchema& schema) {
  using K = ConfigKind;
  schema.add({.key = "auth.issuer",
              .kind = K::string,
              .default_value = "tradechat",
              .help = "the iss claim of access tokens (use the public URL in production)"});
  schema.add({.key = "auth.access_ttl",
              .kind = K::duration,
              .default_value = "15m",
              .help = "lifetime of access tokens",
              .min = 60'000,
              .max = 3'600'000});
  schema.add({.key = "auth.refresh_ttl",
              .kind = K::duration,
              .default_value = "720h",
              .help = "lifetime of refresh tokens (each use rotates them)",
              .min = 60'000,
              .max = 90LL * 24 * 3'600'000});
  schema.add({.key = "auth.login_attempts",
              .kind = K::integer,
              .default_value = "10",
              .help = "sign-in attempts per account per 15 minutes",
              .min = 1,
              .max = 10000});
  schema.add({.key = "auth.pii_key",
              .kind = K::string,
              .default_value = "",
              .help = "64 bytes, base64url: encryption + index keys for personal data; empty = <data.dir>/keys/pii.key",
              .secret = true});
}

app::ModuleSpec spec() {
  return {.name = "auth",
          .description = "accounts, sign-in, access and refresh tokens, JWKS",
          .dependencies = {},
          .create = [] { return std::make_unique<AuthModule>(); },
          .migrations = migrations()};
}

}  // namespace tc::auth
