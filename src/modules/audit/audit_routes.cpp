#include "modules/audit/audit_routes.h"

#include "core/errors.h"
#include "modules/auth/permissions.h"

#include <boost/json/parse.hpp>

#include <charconv>
#include <limits>

namespace tc::audit {
namespace {

namespace json = boost::json;
using infra::store::Connection;
using infra::store::Value;
using Awaitable = boost::asio::awaitable<http::Response>;

constexpr std::int64_t kMaxPage = 200;

auth::Principal require_auditor(app::ServiceRegistry& services, const http::Request& req) {
  auto* auth = services.find<auth::Authenticator>();
  if (!auth) throw errors::unavailable("the auth module does not run in this process");
  auto who = auth->require(req);
  auth::require_permission(who, auth::Permission::read_audit_log);
  return who;
}

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

std::string text_param(const http::Request& req, const char* name) {
  auto v = req.query_param(name).value_or("");
  if (v.size() > 128) throw errors::bad_request(std::string("query parameter ") + name + " is longer than 128");
  return v;
}

}  // namespace

void add_audit_routes(http::Router& router, app::ServiceRegistry& services, BlockingPool& pool,
                      infra::store::Store& store, const AuditChain& chain) {
  auto list = [&services, &store](http::Request req) -> Awaitable {
    require_auditor(services, req);
    constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
    const std::int64_t limit = int_param(req, "limit", 50, 1, kMaxPage);
    const std::int64_t before = int_param(req, "cursor", kMax, 1, kMax);
    const std::int64_t from = int_param(req, "from_ms", 0, 0, kMax);
    const std::int64_t to = int_param(req, "to_ms", kMax, 0, kMax);
    if (from > to) throw errors::bad_request("from_ms is after to_ms");
    std::vector<Value> params{text_param(req, "action"),
                              text_param(req, "actor_id"),
                              text_param(req, "target_id"),
                              from,
                              to,
                              before,
                              limit + 1};
    auto query = [params](Connection& c) {
      return c.execute(
          "SELECT seq, at_ms, action, actor_id, target_id, ip, details FROM audit_log "
          "WHERE (?1 = '' OR action = ?1) AND (?2 = '' OR actor_id = ?2) AND (?3 = '' OR target_id = ?3) "
          "AND at_ms >= ?4 AND at_ms <= ?5 AND seq < ?6 ORDER BY seq DESC LIMIT ?7",
          params);
    };
    auto rows = co_await store.with_connection(std::move(query));
    json::array items;
    json::value next = nullptr;
    for (const auto& r : rows.rows) {
      if (static_cast<std::int64_t>(items.size()) == limit) {
        next = std::to_string(r.integer(0) + 1);
        break;
      }
      items.push_back({{"seq", r.integer(0)},
                       {"at_ms", r.integer(1)},
                       {"action", r.text(2)},
                       {"actor_id", r.text(3)},
                       {"target_id", r.text(4)},
                       {"ip", r.text(5)},
                       {"details", json::parse(r.text(6))}});
    }
    co_return http::Response::json(json::object{{"items", std::move(items)}, {"next_cursor", next}});
  };
  router.add("GET", "/api/v1/admin/audit", list,
             {.summary = "Audit entries, newest first, filtered by action, actor, target and time (admins)",
              .tag = "admin",
              .auth = true,
              .responses = {{200, "Entries"}, {400, "Bad filter"}, {401, "Not signed in"}, {403, "Not an admin"}},
              .response_schema = json::parse(R"({"type":"object","properties":{"items":{"type":"array","items":{
                "type":"object","properties":{"seq":{"type":"integer"},"at_ms":{"type":"integer"},
                "action":{"type":"string"},"actor_id":{"type":"string"},"target_id":{"type":"string"},
                "ip":{"type":"string"},"details":{"type":"object"}}}},"next_cursor":{"type":["string","null"]}}})")
                                     .as_object(),
              .query_params = {"action", "actor_id", "target_id", "from_ms", "to_ms", "cursor", "limit"}});

  auto verify = [&services, &pool, &store, &chain](http::Request req) -> Awaitable {
    require_auditor(services, req);
    auto check = [&store, &chain] { return chain.verify(store); };
    auto report = co_await pool.run(std::move(check));
    json::object out{{"ok", report.ok}, {"entries", report.entries}};
    if (report.ok) out["head_mac"] = report.head_mac;
    if (report.first_bad) out["first_bad_seq"] = *report.first_bad;
    if (!report.problem.empty()) out["problem"] = report.problem;
    co_return http::Response::json(out);
  };
  router.add("GET", "/api/v1/admin/audit/verify", verify,
             {.summary = "Verify the whole audit chain; names the first entry edited, deleted, reordered or truncated",
              .tag = "admin",
              .auth = true,
              .responses = {{200, "The verification report"}, {401, "Not signed in"}, {403, "Not an admin"}}});
}

}  // namespace tc::audit
