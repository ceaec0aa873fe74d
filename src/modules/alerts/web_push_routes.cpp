// /api/v1/notifications/web_push: the VAPID public key the web client subscribes
// with, and the caller's push subscriptions (what PushSubscription.toJSON() gives).
#include "core/base64url.h"
#include "core/errors.h"
#include "core/ids.h"
#include "modules/alerts/alerts_routes.h"
#include "modules/alerts/web_push_crypto.h"

#include <boost/json/parse.hpp>

namespace tc::alerts {
namespace {

namespace json = boost::json;
using infra::store::Connection;
using infra::store::Value;
using Awaitable = boost::asio::awaitable<http::Response>;

constexpr std::size_t kMaxEndpoint = 2048;
constexpr std::int64_t kMaxSubscriptions = 20;

[[noreturn]] void invalid(const std::string& field, const std::string& reason) {
  throw std::move(errors::validation(field + ": " + reason).with("field", json::string(field)));
}

// Browsers give base64url; some add padding.
std::string key_bytes(const json::object& keys, const char* name, std::size_t size) {
  const std::string field = std::string("keys.") + name;
  const auto* v = keys.if_contains(name);
  const auto* s = v ? v->if_string() : nullptr;
  if (!s || s->size() > 200) invalid(field, "expected a base64url string");
  std::string text(*s);
  while (!text.empty() && text.back() == '=') text.pop_back();
  auto raw = base64url_decode(text);
  if (!raw || raw->size() != size) invalid(field, "expected " + std::to_string(size) + " bytes in base64url");
  return *raw;
}

struct Subscription {
  std::string endpoint;
  std::string p256dh;  // base64url, no padding
  std::string auth;
};

Subscription parse_subscription(const json::value& body) {
  const auto* o = body.if_object();
  if (!o) throw errors::validation("the body must be a JSON object");
  for (const auto& kv : *o) {
    const auto k = kv.key();
    if (k != "endpoint" && k != "keys" && k != "expiration_time" && k != "expirationTime") {
      invalid(std::string(k), "unknown field");
    }
  }
  for (const char* k : {"expiration_time", "expirationTime"}) {
    if (o->contains(k) && !o->at(k).is_null() && !o->at(k).is_number()) invalid(k, "expected null or a number");
  }
  const auto* endpoint = o->if_contains("endpoint");
  if (!endpoint || !endpoint->is_string() || endpoint->as_string().empty() ||
      endpoint->as_string().size() > kMaxEndpoint) {
    invalid("endpoint", "expected an https:// URL of at most 2048 characters");
  }
  if (endpoint->as_string().find_first_of(" \r\n\t") != json::string::npos) invalid("endpoint", "contains whitespace");
  const auto* keys = o->if_contains("keys");
  if (!keys || !keys->is_object()) invalid("keys", "expected {\"p256dh\": …, \"auth\": …}");
  for (const auto& kv : keys->as_object()) {
    if (kv.key() != "p256dh" && kv.key() != "auth") invalid("keys." + std::string(kv.key()), "unknown field");
  }
  const auto p256dh = key_bytes(keys->as_object(), "p256dh", 65);
  if (!web_push::valid_public_key(p256dh)) invalid("keys.p256dh", "not an uncompressed P-256 public key");
  const auto auth = key_bytes(keys->as_object(), "auth", 16);
  return {std::string(endpoint->as_string()), base64url_encode(p256dh), base64url_encode(auth)};
}

json::object subscription_json(const std::string& id, const std::string& endpoint, std::int64_t created) {
  return {{"id", id}, {"endpoint", endpoint}, {"created_at_ms", created}};
}

constexpr std::string_view kSubscriptionSchema = R"({"type":"object","properties":{"id":{"type":"string"},
  "endpoint":{"type":"string"},"created_at_ms":{"type":"integer"}}})";

}  // namespace

void add_web_push_routes(http::Router& router, AlertsContext& ctx) {
  auto key = [&ctx](http::Request req) -> Awaitable {
    require_user(ctx, req);
    co_return http::Response::json(json::object{{"public_key", base64url_encode(ctx.web_push->public_key)}});
  };
  router.add("GET", "/api/v1/notifications/web_push/key", key,
             {.summary = "The server's VAPID public key (base64url, 65 bytes): PushManager.subscribe's "
                         "applicationServerKey",
              .tag = "notifications",
              .auth = true,
              .responses = {{200, "The key"}, {401, "Not signed in"}},
              .response_schema =
                  json::parse(R"({"type":"object","properties":{"public_key":{"type":"string"}}})").as_object()});

  auto create = [&ctx](http::Request req) -> Awaitable {
    const auto user = require_user(ctx, req);
    const auto sub = parse_subscription(req.json());
    // The endpoint is resolved now (a clear 422) and again on every send (pinned).
    auto check = [policy = ctx.web_push->policy, endpoint = sub.endpoint] { return refusal_reason(endpoint, policy); };
    if (auto refused = co_await ctx.pool.run(std::move(check))) invalid("endpoint", *refused);
    const std::int64_t now = now_ms();
    const std::string fresh_id = ids::random_hex(16);
    auto write = [user, sub, now, fresh_id](Connection& c) -> std::pair<json::object, bool> {
      auto found = c.execute("SELECT id, created_at_ms FROM push_subscriptions WHERE user_id = ?1 AND endpoint = ?2",
                             std::vector<Value>{user, sub.endpoint});
      if (!found.rows.empty()) {  // the same browser again: its keys may have changed
        const auto& r = found.rows.front();
        c.execute("UPDATE push_subscriptions SET p256dh = ?2, auth = ?3 WHERE id = ?1",
                  std::vector<Value>{r.text(0), sub.p256dh, sub.auth});
        return {subscription_json(r.text(0), sub.endpoint, r.integer(1)), false};
      }
      auto count = c.execute("SELECT COUNT(*) FROM push_subscriptions WHERE user_id = ?1", std::vector<Value>{user});
      if (count.rows.at(0).integer(0) >= kMaxSubscriptions) {
        throw errors::conflict("you have " + std::to_string(kMaxSubscriptions) +
                               " push subscriptions, the most allowed; delete some first");
      }
      c.execute(
          "INSERT INTO push_subscriptions (id, user_id, endpoint, p256dh, auth, created_at_ms) VALUES (?1, ?2, ?3, ?4, "
          "?5, ?6)",
          std::vector<Value>{fresh_id, user, sub.endpoint, sub.p256dh, sub.auth, now});
      return {subscription_json(fresh_id, sub.endpoint, now), true};
    };
    auto [out, created] = co_await ctx.store.transaction(std::move(write));
    co_return http::Response::json(std::move(out), created ? 201 : 200);
  };
  router.add(
      "POST", "/api/v1/notifications/web_push/subscriptions", create,
      {.summary = "Register a push subscription (PushSubscription.toJSON()); the same endpoint again updates "
                  "its keys (200)",
       .tag = "notifications",
       .auth = true,
       .request_schema = json::parse(R"({"type":"object","additionalProperties":false,"required":["endpoint","keys"],
                "properties":{"endpoint":{"type":"string","maxLength":2048,"description":"https:// URL of the push service; refused when it resolves to a non-public address unless alerts.web_push.allow_private"},
                "keys":{"type":"object","additionalProperties":false,"required":["p256dh","auth"],"properties":{
                "p256dh":{"type":"string","description":"base64url, the 65-byte uncompressed P-256 public key"},
                "auth":{"type":"string","description":"base64url, the 16-byte auth secret"}}},
                "expiration_time":{"type":["number","null"]},"expirationTime":{"type":["number","null"]}}})")
                             .as_object(),
       .responses = {{201, "Registered"},
                     {200, "Already registered: keys updated"},
                     {401, "Not signed in"},
                     {409, "20 subscriptions already"},
                     {422, "Invalid field (names it)"}},
       .response_schema = json::parse(kSubscriptionSchema).as_object()});

  auto list = [&ctx](http::Request req) -> Awaitable {
    const auto user = require_user(ctx, req);
    auto read = [user](Connection& c) {
      return c.execute(
          "SELECT id, endpoint, created_at_ms FROM push_subscriptions WHERE user_id = ?1 ORDER BY created_at_ms, id",
          std::vector<Value>{user});
    };
    auto rows = co_await ctx.store.with_connection(std::move(read));
    json::array items;
    for (const auto& r : rows.rows) items.emplace_back(subscription_json(r.text(0), r.text(1), r.integer(2)));
    co_return http::Response::json(json::object{{"items", std::move(items)}, {"next_cursor", nullptr}});
  };
  router.add("GET", "/api/v1/notifications/web_push/subscriptions", list,
             {.summary = "The caller's push subscriptions, oldest first (one page: at most 20)",
              .tag = "notifications",
              .auth = true,
              .responses = {{200, "Subscriptions"}, {401, "Not signed in"}},
              .response_schema = json::object{
                  {"type", "object"},
                  {"properties",
                   json::object{{"items", json::object{{"type", "array"}, {"items", json::parse(kSubscriptionSchema)}}},
                                {"next_cursor", json::object{{"type", "null"}}}}}}});

  auto remove = [&ctx](http::Request req) -> Awaitable {
    const auto user = require_user(ctx, req);
    auto write = [user, id = req.param("id")](Connection& c) {
      return c.execute("DELETE FROM push_subscriptions WHERE id = ?1 AND user_id = ?2", std::vector<Value>{id, user})
          .affected;
    };
    if (co_await ctx.store.transaction(std::move(write)) == 0) throw errors::not_found("no such push subscription");
    co_return http::Response::empty(204);
  };
  router.add("DELETE", "/api/v1/notifications/web_push/subscriptions/{id}", remove,
             {.summary = "Remove a push subscription (404 for anyone else's)",
              .tag = "notifications",
              .auth = true,
              .responses = {{204, "Removed"}, {401, "Not signed in"}, {404, "No such subscription of the caller"}}});
}

}  // namespace tc::alerts
