#include "core/errors.h"
#include "core/ids.h"
#include "modules/alerts/alerts_routes.h"
#include "modules/auth/auth.h"

#include <boost/json/parse.hpp>

namespace tc::alerts {
namespace {

namespace json = boost::json;
using infra::store::Connection;
using Awaitable = boost::asio::awaitable<http::Response>;

SymbolLookup symbol_lookup(const market::Market* market) {
  return [market](const std::string& s) -> std::optional<std::string> {
    if (!market) return std::nullopt;
    const auto* i = market->find(s);
    if (!i) return std::nullopt;
    return i->symbol;
  };
}

json::object schema(std::string_view text) { return json::parse(text).as_object(); }

constexpr std::string_view kAlertSchema = R"({"type":"object","properties":{
  "id":{"type":"string"},"symbol":{"type":"string"},"name":{"type":"string"},"expression":{"type":"string"},
  "evaluate_on":{"enum":["tick","close"]},"timeframe":{"enum":["1m","5m","15m","1h","4h","1d"]},
  "frequency":{"enum":["once","once_per_bar","every_time"]},"cooldown_ms":{"type":"integer"},
  "expires_at_ms":{"type":["integer","null"]},"channels":{"type":"array","items":{"enum":["in_app","email","webhook","web_push"]}},
  "webhook_url":{"type":["string","null"]},"webhook_secret":{"type":"string"},
  "status":{"enum":["active","fired","disabled","expired"]},"created_at_ms":{"type":"integer"},
  "updated_at_ms":{"type":"integer"},"last_fired_ms":{"type":["integer","null"]},"fire_count":{"type":"integer"}}})";

constexpr std::string_view kBodySchema = R"({"type":"object","additionalProperties":false,"properties":{
  "symbol":{"type":"string","maxLength":32},"name":{"type":"string","maxLength":100},
  "expression":{"type":"string","maxLength":1000,"description":"e.g. price crosses_above 200 and rsi(14, 1h) < 30"},
  "condition":{"type":"object","description":"the JSON form: {all:[…]}, {any:[…]} or {left, op, right}"},
  "evaluate_on":{"enum":["tick","close"]},"timeframe":{"enum":["1m","5m","15m","1h","4h","1d"]},
  "frequency":{"enum":["once","once_per_bar","every_time"]},"cooldown_ms":{"type":"integer","minimum":0},
  "expires_at_ms":{"type":["integer","null"]},"channels":{"type":"array","items":{"enum":["in_app","email","webhook","web_push"]}},
  "webhook_url":{"type":"string","maxLength":2048},"enabled":{"type":"boolean"}}})";

}  // namespace

std::string require_user(const AlertsContext& ctx, const http::Request& req) {
  auto* auth = ctx.services.find<auth::Authenticator>();
  if (!auth) throw errors::unavailable("the auth module does not run in this process");
  return auth->require(req).user_id;
}

void add_alert_routes(http::Router& router, AlertsContext& ctx) {
  auto create = [&ctx](http::Request req) -> Awaitable {
    const auto user = require_user(ctx, req);
    AlertRecord r;
    r.user_id = user;
    apply_body(r, req.json(), true, symbol_lookup(ctx.market));
    r.id = ids::random_hex(16);
    r.created_at_ms = r.updated_at_ms = now_ms();
    const std::int64_t limit = ctx.max_per_user;
    auto write = [r, limit](Connection& c) {
      if (repo::count(c, r.user_id) >= limit) {
        throw errors::conflict("you have " + std::to_string(limit) + " alerts, the most allowed; delete some first");
      }
      repo::insert(c, r);
    };
    co_await ctx.store.transaction(std::move(write));
    ctx.runtime.upsert(r);
    co_return http::Response::json(to_json(r, true), 201);
  };
  router.add("POST", "/api/v1/alerts", create,
             {.summary = "Create an alert rule (expression or JSON condition); webhook_secret is in the answer",
              .tag = "alerts",
              .auth = true,
              .request_schema = schema(kBodySchema),
              .responses = {{201, "The alert"},
                            {401, "Not signed in"},
                            {409, "The per-user limit is reached"},
                            {422, "Invalid field; an expression error carries position and reason"}},
              .response_schema = schema(kAlertSchema)});

  auto list = [&ctx](http::Request req) -> Awaitable {
    const auto user = require_user(ctx, req);
    auto read = [user](Connection& c) { return repo::list(c, user); };
    auto rows = co_await ctx.store.with_connection(std::move(read));
    json::array items;
    for (const auto& r : rows) items.emplace_back(to_json(r, false));
    // The per-user limit bounds the list: it comes in one page.
    co_return http::Response::json(json::object{{"items", std::move(items)}, {"next_cursor", nullptr}});
  };
  router.add(
      "GET", "/api/v1/alerts", list,
      {.summary = "The caller's alert rules, oldest first (one page: the per-user limit bounds it)",
       .tag = "alerts",
       .auth = true,
       .responses = {{200, "Alerts"}, {401, "Not signed in"}},
       .response_schema = json::object{
           {"type", "object"},
           {"properties", json::object{{"items", json::object{{"type", "array"}, {"items", schema(kAlertSchema)}}},
                                       {"next_cursor", json::object{{"type", "null"}}}}}}});

  auto get = [&ctx](http::Request req) -> Awaitable {
    const auto user = require_user(ctx, req);
    auto read = [user, id = req.param("id")](Connection& c) { return repo::find(c, user, id); };
    auto r = co_await ctx.store.with_connection(std::move(read));
    if (!r) throw errors::not_found("no such alert");
    co_return http::Response::json(to_json(*r, true));
  };
  router.add("GET", "/api/v1/alerts/{id}", get,
             {.summary = "One of the caller's alerts (404 for anyone else's)",
              .tag = "alerts",
              .auth = true,
              .responses = {{200, "The alert"}, {401, "Not signed in"}, {404, "No such alert of the caller"}},
              .response_schema = schema(kAlertSchema)});

  auto update = [&ctx](http::Request req) -> Awaitable {
    const auto user = require_user(ctx, req);
    auto body = req.json();
    const auto& id = req.param("id");
    auto lookup = symbol_lookup(ctx.market);
    auto write = [user, id, body, lookup](Connection& c) {
      auto r = repo::find(c, user, id);
      if (!r) throw errors::not_found("no such alert");
      apply_body(*r, body, false, lookup);
      r->updated_at_ms = now_ms();
      repo::update(c, *r);
      return *r;
    };
    auto r = co_await ctx.store.transaction(std::move(write));
    ctx.runtime.upsert(r);
    co_return http::Response::json(to_json(r, true));
  };
  router.add("PATCH", "/api/v1/alerts/{id}", update,
             {.summary = "Change an alert (any field of create, plus enabled); re-enabling re-arms a fired one",
              .tag = "alerts",
              .auth = true,
              .request_schema = schema(kBodySchema),
              .responses = {{200, "The alert"},
                            {401, "Not signed in"},
                            {404, "No such alert of the caller"},
                            {422, "Invalid field"}},
              .response_schema = schema(kAlertSchema)});

  auto remove = [&ctx](http::Request req) -> Awaitable {
    const auto user = require_user(ctx, req);
    const auto& id = req.param("id");
    auto write = [user, id](Connection& c) { return repo::remove(c, user, id); };
    const bool removed = co_await ctx.store.transaction(std::move(write));
    if (!removed) throw errors::not_found("no such alert");
    ctx.runtime.remove(id);
    co_return http::Response::empty(204);
  };
  router.add("DELETE", "/api/v1/alerts/{id}", remove,
             {.summary = "Delete an alert",
              .tag = "alerts",
              .auth = true,
              .responses = {{204, "Deleted"}, {401, "Not signed in"}, {404, "No such alert of the caller"}}});

  auto deliveries = [&ctx](http::Request req) -> Awaitable {
    const auto user = require_user(ctx, req);
    const auto& id = req.param("id");
    auto read = [user, id](Connection& c) {
      if (!repo::find(c, user, id)) throw errors::not_found("no such alert");
      return c.execute(
          "SELECT fire_key, status, attempts, next_at_ms, last_error FROM webhook_deliveries WHERE alert_id = ?1 "
          "ORDER BY id DESC LIMIT 100",
          std::vector<infra::store::Value>{id});
    };
    auto rows = co_await ctx.store.with_connection(std::move(read));
    json::array items;
    for (const auto& r : rows.rows) {
      const bool pending = r.text(1) == "pending";
      items.push_back(json::object{{"fire_key", r.text(0)},
                                   {"status", r.text(1)},
                                   {"attempts", r.integer(2)},
                                   {"next_attempt_ms", pending ? json::value(r.integer(3)) : json::value(nullptr)},
                                   {"last_error", r.text(4)}});
    }
    co_return http::Response::json(json::object{{"items", std::move(items)}, {"next_cursor", nullptr}});
  };
  router.add("GET", "/api/v1/alerts/{id}/deliveries", deliveries,
             {.summary = "Webhook deliveries of an alert, newest first (pending, delivered, dead, refused)",
              .tag = "alerts",
              .auth = true,
              .responses = {{200, "Deliveries"}, {401, "Not signed in"}, {404, "No such alert of the caller"}},
              .response_schema = schema(R"({"type":"object","properties":{"items":{"type":"array","items":{
                "type":"object","properties":{"fire_key":{"type":"string"},
                "status":{"enum":["pending","delivered","dead","refused"]},"attempts":{"type":"integer"},
                "next_attempt_ms":{"type":["integer","null"]},"last_error":{"type":"string"}}}},
                "next_cursor":{"type":"null"}}})")});

  auto run_backtest = [&ctx](http::Request req) -> Awaitable {
    require_user(ctx, req);
    if (!ctx.market) throw errors::unavailable("the market module does not run in this process");
    co_return http::Response::json(backtest(*ctx.market, req.json()));
  };
  router.add(
      "POST", "/api/v1/alerts/backtest", run_backtest,
      {.summary = "When a rule would have fired over stored candles (each candle's close replayed as one tick)",
       .tag = "alerts",
       .auth = true,
       .request_schema = schema(R"({"type":"object","properties":{"symbol":{"type":"string"},
         "expression":{"type":"string"},"condition":{"type":"object"},"timeframe":{"enum":["1m","5m","15m","1h","4h","1d"]},
         "frequency":{"enum":["once","once_per_bar","every_time"]},"cooldown_ms":{"type":"integer"},
         "from_ms":{"type":"integer"},"to_ms":{"type":"integer"},"limit":{"type":"integer","maximum":5000}}})"),
       .responses = {{200, "Fires"}, {401, "Not signed in"}, {422, "Invalid rule or range"}},
       .response_schema = schema(R"({"type":"object","properties":{"items":{"type":"array","items":{"type":"object",
         "properties":{"time_ms":{"type":"integer"},"price":{"type":"number"}}}},"bars":{"type":"integer"},
         "next_cursor":{"type":"null"}}})")});
}

}  // namespace tc::alerts
