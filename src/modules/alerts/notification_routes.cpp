#include "core/errors.h"
#include "modules/alerts/alerts_routes.h"
#include "modules/alerts/preferences.h"

#include <boost/json/parse.hpp>

#include <charconv>
#include <limits>

namespace tc::alerts {
namespace {

namespace json = boost::json;
using Awaitable = boost::asio::awaitable<http::Response>;

std::int64_t int_param(const http::Request& req, const char* name, std::int64_t fallback, std::int64_t min,
                       std::int64_t max) {
  auto text = req.query_param(name);
  if (!text) return fallback;
  std::int64_t v = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), v);
  if (ec != std::errc() || end != text->data() + text->size() || v < min || v > max) {
    throw errors::bad_request(std::string("query parameter ") + name + " must be an integer from " +
                              std::to_string(min) + " to " + std::to_string(max));
  }
  return v;
}

std::int64_t notification_id(const http::Request& req) {
  const auto& text = req.param("id");
  std::int64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || v < 1) throw errors::not_found("no such notification");
  return v;
}

constexpr std::string_view kNotificationSchema = R"({"type":"object","properties":{"id":{"type":"string"},
  "kind":{"type":"string"},"title":{"type":"string"},"body":{"type":"string"},"data":{"type":"object"},
  "created_at_ms":{"type":"integer"},"read":{"type":"boolean"},"read_at_ms":{"type":["integer","null"]}}})";

}  // namespace

void add_notification_routes(http::Router& router, AlertsContext& ctx) {
  auto list = [&ctx](http::Request req) -> Awaitable {
    const auto user = require_user(ctx, req);
    constexpr auto kMax = std::numeric_limits<std::int64_t>::max();
    const auto limit = int_param(req, "limit", 50, 1, 100);
    const auto before = int_param(req, "cursor", kMax, 1, kMax);
    const auto unread = req.query_param("unread").value_or("false");
    if (unread != "true" && unread != "false") throw errors::bad_request("query parameter unread is true or false");
    auto page = co_await ctx.inbox.list(user, before, limit, unread == "true");
    co_return http::Response::json(
        json::object{{"items", std::move(page.items)},
                     {"next_cursor", page.next_cursor ? json::value(std::to_string(*page.next_cursor)) : nullptr},
                     {"unread_count", page.unread}});
  };
  router.add(
      "GET", "/api/v1/notifications", list,
      {.summary = "The caller's notification inbox, newest first",
       .tag = "notifications",
       .auth = true,
       .responses = {{200, "Notifications"}, {400, "Bad query"}, {401, "Not signed in"}},
       .response_schema =
           json::object{
               {"type", "object"},
               {"properties",
                json::object{{"items", json::object{{"type", "array"}, {"items", json::parse(kNotificationSchema)}}},
                             {"next_cursor", json::object{{"type", json::array{"string", "null"}}}},
                             {"unread_count", json::object{{"type", "integer"}}}}}},
       .query_params = {"cursor", "limit", "unread"}});

  auto count = [&ctx](http::Request req) -> Awaitable {
    const auto user = require_user(ctx, req);
    const std::int64_t unread = co_await ctx.inbox.unread_count(user);
    co_return http::Response::json(json::object{{"unread_count", unread}});
  };
  router.add("GET", "/api/v1/notifications/unread_count", count,
             {.summary = "How many of the caller's notifications are unread",
              .tag = "notifications",
              .auth = true,
              .responses = {{200, "The count"}, {401, "Not signed in"}},
              .response_schema =
                  json::parse(R"({"type":"object","properties":{"unread_count":{"type":"integer"}}})").as_object()});

  constexpr std::string_view kPreferencesSchema = R"({"type":"object","additionalProperties":false,"properties":{
    "in_app":{"type":"boolean","description":"push on user#<id>"},"webhook":{"type":"boolean"},"email":{"type":"boolean"},
    "web_push":{"type":"boolean","description":"alert Web Push messages to the caller's push subscriptions"},
    "digest":{"type":"boolean","description":"one email a day summarising the day's notifications, none when there were none"},
    "digest_time":{"type":"string","pattern":"^\\d\\d:\\d\\d$","description":"local time of the digest in time_zone, default 08:00"},
    "quiet_hours":{"type":["object","null"],"properties":{"start":{"type":"string","pattern":"^\\d\\d:\\d\\d$"},
    "end":{"type":"string"}}},"time_zone":{"type":"string","description":"IANA, e.g. Europe/Berlin"}}})";
  auto get_preferences = [&ctx](http::Request req) -> Awaitable {
    const auto user = require_user(ctx, req);
    auto read = [user](infra::store::Connection& c) { return load_preferences(c, user); };
    const auto prefs = co_await ctx.store.with_connection(std::move(read));
    co_return http::Response::json(to_json(prefs));
  };
  router.add("GET", "/api/v1/notifications/preferences", get_preferences,
             {.summary = "The caller's notification preferences (channels, quiet hours, time zone)",
              .tag = "notifications",
              .auth = true,
              .responses = {{200, "Preferences"}, {401, "Not signed in"}},
              .response_schema = json::parse(kPreferencesSchema).as_object()});
  auto put_preferences = [&ctx](http::Request req) -> Awaitable {
    const auto user = require_user(ctx, req);
    auto body = req.json();
    const std::int64_t at = now_ms();
    auto write = [user, body, at](infra::store::Connection& c) {
      auto prefs = load_preferences(c, user);
      apply_preferences(prefs, body, at);
      save_preferences(c, user, prefs, at);
      return prefs;
    };
    const auto prefs = co_await ctx.store.transaction(std::move(write));
    co_return http::Response::json(to_json(prefs));
  };
  router.add("PUT", "/api/v1/notifications/preferences", put_preferences,
             {.summary = "Change notification preferences (any subset of the fields)",
              .tag = "notifications",
              .auth = true,
              .request_schema = json::parse(kPreferencesSchema).as_object(),
              .responses = {{200, "Preferences"}, {401, "Not signed in"}, {422, "Invalid field"}},
              .response_schema = json::parse(kPreferencesSchema).as_object()});

  auto read = [&ctx](http::Request req) -> Awaitable {
    const auto user = require_user(ctx, req);
    const bool found = co_await ctx.inbox.mark_read(user, notification_id(req));
    if (!found) throw errors::not_found("no such notification");
    co_return http::Response::empty(204);
  };
  router.add("POST", "/api/v1/notifications/{id}/read", read,
             {.summary = "Mark one notification read (no body, or an empty object)",
              .tag = "notifications",
              .auth = true,
              .request_schema = json::parse(R"({"type":"object","additionalProperties":false})").as_object(),
              .responses = {{204, "Read"}, {401, "Not signed in"}, {404, "No such notification of the caller"}}});

  auto read_all = [&ctx](http::Request req) -> Awaitable {
    const auto user = require_user(ctx, req);
    const std::int64_t updated = co_await ctx.inbox.mark_all_read(user);
    co_return http::Response::json(json::object{{"updated", updated}});
  };
  router.add(
      "POST", "/api/v1/notifications/read_all", read_all,
      {.summary = "Mark every notification of the caller read (no body, or an empty object)",
       .tag = "notifications",
       .auth = true,
       .request_schema = json::parse(R"({"type":"object","additionalProperties":false})").as_object(),
       .responses = {{200, "How many changed"}, {401, "Not signed in"}},
       .response_schema = json::parse(R"({"type":"object","properties":{"updated":{"type":"integer"}}})").as_object()});
}

}  // namespace tc::alerts
