// The REST routes of the alerts module: /api/v1/alerts (rules and backtests) and
// /api/v1/notifications (the inbox). Every read and write is scoped to the caller:
// another user's alert or notification is a 404, the same as one that never existed.
#pragma once

#include "app/module.h"
#include "modules/alerts/alert_runtime.h"
#include "modules/alerts/inbox.h"
#include "modules/alerts/web_push_sender.h"
#include "modules/market/market.h"

namespace tc::alerts {

struct AlertsContext {
  app::ServiceRegistry& services;
  infra::store::Store& store;
  Inbox& inbox;
  AlertRuntime& runtime;
  const market::Market* market;
  std::int64_t max_per_user;
  BlockingPool& pool;
  const WebPushSettings* web_push;
};

void add_alert_routes(http::Router& router, AlertsContext& ctx);
void add_notification_routes(http::Router& router, AlertsContext& ctx);
void add_web_push_routes(http::Router& router, AlertsContext& ctx);

// The signed-in caller's user id (401 otherwise).
std::string require_user(const AlertsContext& ctx, const http::Request& req);
// Backtest: fires of a rule over stored candles, each candle's close fed as one tick.
boost::json::object backtest(const market::Market& market, const boost::json::value& body);

}  // namespace tc::alerts
