#include "modules/alerts/alert_service_impl.h"

#include "core/errors.h"
#include "core/ids.h"
#include "modules/alerts/inbox.h"

namespace tc::alerts {

namespace json = boost::json;
using infra::store::Connection;
using infra::store::Value;

boost::asio::awaitable<json::object> AlertServiceImpl::create_alert(std::string user_id, json::object body) {
  AlertRecord r;
  r.user_id = user_id;
  const market::Market* market = ctx_.market;
  apply_body(r, json::value(std::move(body)), true, [market](const std::string& s) -> std::optional<std::string> {
    const auto* i = market ? market->find(s) : nullptr;
    if (!i) return std::nullopt;
    return i->symbol;
  });
  r.id = ids::random_hex(16);
  r.created_at_ms = r.updated_at_ms = now_ms();
  const std::int64_t limit = ctx_.max_per_user;
  auto write = [r, limit](Connection& c) {
    if (repo::count(c, r.user_id) >= limit) {
      throw errors::conflict("you have " + std::to_string(limit) + " alerts, the most allowed; delete some first");
    }
    repo::insert(c, r);
  };
  co_await ctx_.store.transaction(std::move(write));
  ctx_.runtime.upsert(r);
  co_return to_json(r, false);
}

boost::asio::awaitable<AlertActivity> AlertServiceImpl::activity(std::string user_id, std::int64_t since_ms) {
  auto read = [user_id, since_ms](Connection& c) {
    auto r = c.execute(
        "SELECT COALESCE(SUM(CASE WHEN status = 'active' THEN 1 ELSE 0 END), 0), "
        "COALESCE(SUM(CASE WHEN created_at_ms >= ?2 THEN 1 ELSE 0 END), 0), "
        "COALESCE(SUM(CASE WHEN updated_at_ms >= ?2 THEN 1 ELSE 0 END), 0), "
        "COALESCE(SUM(CASE WHEN last_fired_ms >= ?2 THEN 1 ELSE 0 END), 0) FROM alerts WHERE user_id = ?1",
        std::vector<Value>{user_id, since_ms});
    const auto& row = r.rows.front();
    return AlertActivity{row.integer(0), row.integer(1), row.integer(2), row.integer(3)};
  };
  co_return co_await ctx_.store.with_connection(std::move(read));
}

}  // namespace tc::alerts
