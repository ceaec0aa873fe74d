#include "core/errors.h"
#include "modules/auth/auth_routes.h"
#include "net/json_fields.h"

namespace tc::auth {
namespace {
using Awaitable = boost::asio::awaitable<http::Response>;

const char* kMeSchema = R"({"type":"object","properties":{"id":{"type":"string"},"username":{"type":"string"},
  "email":{"type":"string"},"role":{"type":"string","enum":["user","moderator","admin"]},
  "created_at_ms":{"type":"integer"},"display_name":{"type":"string"},"bio":{"type":"string"},
  "timezone":{"type":"string"},"mfa_enabled":{"type":"boolean"},"avatar_url":{"type":["string","null"]}}})";
}  // namespace

void add_profile_routes(http::Router& router, AuthServices s) {
  auto me = [s](http::Request req) -> Awaitable {
    co_return http::Response::json(co_await s.profiles.me(s.accounts.require(req)));
  };
  router.add("GET", "/api/v1/me", me,
             {.summary = "The signed-in user",
              .tag = "auth",
              .auth = true,
              .responses = {{200, "The user"}, {401, "Not signed in"}},
              .response_schema = json_schema(kMeSchema)});

  auto update = [s](http::Request req) -> Awaitable {
    auto who = s.accounts.require(req);
    http::JsonFields f(req.json(), {"display_name", "bio", "timezone"});
    ProfileChange change{f.optional_string("display_name", 0, 64), f.optional_string("bio", 0, 1000),
                         f.optional_string("timezone", 1, 64)};
    co_return http::Response::json(co_await s.profiles.update(who, std::move(change), req.remote_addr));
  };
  router.add("PATCH", "/api/v1/me", update,
             {.summary = "Change the profile: display name, bio, time zone (other fields are refused)",
              .tag = "auth",
              .auth = true,
              .request_schema = json_schema(R"({"type":"object","additionalProperties":false,"properties":{
                "display_name":{"type":"string","maxLength":64},"bio":{"type":"string","maxLength":1000},
                "timezone":{"type":"string","description":"IANA name, e.g. Europe/London"}}})"),
              .responses = {{200, "The updated user"}, {401, "Not signed in"}, {422, "Invalid or unknown fields"}},
              .response_schema = json_schema(kMeSchema)},
             kSmallBody);

  auto put_avatar = [s](http::Request req) -> Awaitable {
    auto who = s.accounts.require(req);
    co_await s.profiles.set_avatar(who, std::move(req.body), req.remote_addr);
    co_return http::Response::empty(204);
  };
  router.add("PUT", "/api/v1/me/avatar", put_avatar,
             {.summary = "Upload an avatar: the raw image as the body (PNG, JPEG, GIF or WebP, at most 512 KiB; the "
                         "type is read from the bytes)",
              .tag = "auth",
              .auth = true,
              .request_schema = json_schema(R"({"type":"string","contentMediaType":"image/png"})"),
              .request_content_type = "image/*",
              .responses = {{204, "Stored"},
                            {401, "Not signed in"},
                            {413, "Larger than 512 KiB"},
                            {415, "Not a PNG, JPEG, GIF or WebP image"}}},
             {.max_body_bytes = kMaxAvatarBytes});

  auto delete_avatar = [s](http::Request req) -> Awaitable {
    co_await s.profiles.remove_avatar(s.accounts.require(req), req.remote_addr);
    co_return http::Response::empty(204);
  };
  router.add("DELETE", "/api/v1/me/avatar", delete_avatar,
             {.summary = "Remove the avatar", .tag = "auth", .auth = true, .responses = {{204, "Removed"}}});

  auto get_avatar = [s](http::Request req) -> Awaitable {
    const auto& id = req.param("id");
    if (id.size() > 64) throw errors::not_found("no avatar for that user");
    // (g++ 12 miscompiles co_await inside a conditional expression: keep it a statement.)
    std::optional<Avatar> avatar = co_await s.profiles.avatar(id);
    if (!avatar) throw errors::not_found("no avatar for that user");
    const std::string etag = "\"" + avatar->etag + "\"";
    if (req.header("If-None-Match") == std::optional<std::string_view>(etag)) {
      auto not_modified = http::Response::empty(304);
      not_modified.set_header("ETag", etag);
      co_return not_modified;
    }
    auto res = http::Response::text(std::move(avatar->bytes), avatar->content_type);
    res.set_header("ETag", etag);
    res.set_header("Cache-Control", "public, max-age=300");
    res.set_header("Content-Security-Policy", "default-src 'none'; sandbox");
    co_return res;
  };
  router.add("GET", "/api/v1/users/{id}/avatar", get_avatar,
             {.summary = "A user's avatar image (public, like a profile picture; served with its sniffed type)",
              .tag = "auth",
              .responses = {{200, "The image"}, {304, "Not modified"}, {404, "No avatar"}}});
}

}  // namespace tc::auth
