// Webhook delivery: a durable queue in `webhook_deliveries` (written in the same
// transaction as the fire), drained by a loop on the alerts thread. Each request
// is signed (HMAC-SHA256 over "<timestamp>.<body>"), retried with exponential
// backoff on failure and dead-lettered after alerts.webhook.max_attempts. Targets
// that resolve to loopback, private, link-local or other non-public addresses are
// refused unless alerts.webhook.allow_private is set; the checked address is the
// one connected to (no second DNS lookup), and redirects are not followed.
#pragma once

#include "core/blocking_pool.h"
#include "core/config.h"
#include "infra/store/store.h"
#include "modules/alerts/outbound_http.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <atomic>
#include <chrono>
#include <memory>
#include <optional>
#include <string>

namespace tc::alerts {

struct WebhookSettings {
  bool allow_private = false;
  std::int64_t max_attempts = 8;
  std::chrono::milliseconds retry_base{1000};
  std::chrono::milliseconds timeout{5000};
  std::chrono::milliseconds poll{200};
};

WebhookSettings webhook_settings_from(const Config& config);

// "v1=<lowercase hex HMAC-SHA256(secret, timestamp + "." + body)>".
std::string webhook_signature(const std::string& secret, const std::string& timestamp, const std::string& body);
// The delay before attempt `attempts + 1` (attempts ≥ 1): base · 2^(attempts−1), at most 1 h.
std::int64_t retry_delay_ms(std::int64_t base_ms, std::int64_t attempts);

class WebhookSender {
 public:
  WebhookSender(infra::store::Store& store, BlockingPool& pool, WebhookSettings settings);
  ~WebhookSender();
  void start(boost::asio::io_context& io);
  void stop() noexcept;

 private:
  struct Outcome {
    bool ok = false;
    bool permanent = false;  // refused by policy: no retry
    std::string error;
  };
  Outcome send_blocking(const std::string& url, const std::string& secret, const std::string& payload,
                        const std::string& delivery_id) const;
  static boost::asio::awaitable<void> loop(WebhookSender* self);
  boost::asio::awaitable<void> drain_once();

  infra::store::Store& store_;
  BlockingPool& pool_;
  WebhookSettings settings_;
  std::unique_ptr<boost::asio::steady_timer> timer_;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> running_{false};  // the loop coroutine has not finished
};

}  // namespace tc::alerts
