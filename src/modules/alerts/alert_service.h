// The alerts module's second interface to other modules: alert rules on behalf of
// a user (the ai module creates an alert only after the user confirmed the exact
// proposed arguments) and a summary of their recent alert activity. Offered through
// the ServiceRegistry as `tc::alerts::AlertService`. (Kept apart from alerts.h so
// the many users of the Notifier do not depend on it.)
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>

#include <cstdint>
#include <string>

namespace tc::alerts {

// What the user's recent alert activity looks like (Trade Buddy's tilt signals).
struct AlertActivity {
  std::int64_t active = 0;            // active rules now
  std::int64_t created_recently = 0;  // rules created since `since_ms`
  std::int64_t changed_recently = 0;  // rules created or edited since `since_ms`
  std::int64_t fired_recently = 0;    // rules whose last fire is after `since_ms`
};

// Alert rules on behalf of a user, for other modules (the ai module creates an
// alert only after the user confirmed the exact proposed arguments). Offered
// through the ServiceRegistry as `tc::alerts::AlertService`.
class AlertService {
 public:
  virtual ~AlertService() = default;
  // Exactly POST /api/v1/alerts for `user_id`: the same strict body, limits and
  // per-user cap (tc::Error 422 / 409). Returns the created alert's JSON.
  virtual boost::asio::awaitable<boost::json::object> create_alert(std::string user_id, boost::json::object body) = 0;
  virtual boost::asio::awaitable<AlertActivity> activity(std::string user_id, std::int64_t since_ms) = 0;
};

}  // namespace tc::alerts
