// alerts::AlertService (alert_service.h) over the same record rules and runtime as
// the REST routes, so an alert created for another module is exactly one created by
// POST /api/v1/alerts.
#pragma once

#include "modules/alerts/alert_service.h"
#include "modules/alerts/alerts_routes.h"

namespace tc::alerts {

class AlertServiceImpl final : public AlertService {
 public:
  explicit AlertServiceImpl(AlertsContext& ctx) : ctx_(ctx) {}
  boost::asio::awaitable<boost::json::object> create_alert(std::string user_id, boost::json::object body) override;
  boost::asio::awaitable<AlertActivity> activity(std::string user_id, std::int64_t since_ms) override;

 private:
  AlertsContext& ctx_;
};

}  // namespace tc::alerts
