// Web Push delivery (RFC 8030 with VAPID, RFC 8292, and RFC 8291 encryption): a
// durable queue in `push_deliveries` (one row per fire and subscription, written in
// the fire's transaction), drained on the alerts thread like webhooks. Each attempt
// encrypts the message afresh for the subscription's keys and signs a VAPID token
// for the endpoint's origin; 2xx is delivered, 404/410 mean the subscription is gone
// (it is deleted), 429/5xx/no answer are retried with the webhook backoff and
// dead-lettered after alerts.webhook.max_attempts, other 4xx are dead at once.
// Endpoints are https:// only and pass the webhooks' SSRF policy
// (alerts.web_push.allow_private lifts it).
#pragma once

#include "core/blocking_pool.h"
#include "core/config.h"
#include "infra/store/store.h"
#include "modules/alerts/outbound_http.h"
#include "modules/alerts/webhook_sender.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/json/object.hpp>

#include <atomic>
#include <memory>
#include <string>

namespace tc::alerts {

struct WebPushSettings {
  std::string private_key;  // VAPID: the 32-byte P-256 scalar
  std::string public_key;   // its 65-byte point (the web client's applicationServerKey)
  std::string subject;      // "mailto:…" or "https://…", the JWT's sub
  std::int64_t ttl_s = 86'400;
  std::int64_t token_lifetime_s = 43'200;  // exp = now + this (RFC 8292: at most 24 h)
  OutboundPolicy policy{.https_only = true};
  WebhookSettings retry;
};

// Reads alerts.web_push.* (the VAPID key from alerts.web_push.vapid_private_key or
// <data.dir>/keys/vapid.key, created at first start). Throws ConfigError naming the key.
WebPushSettings web_push_settings_from(const Config& config);

// The origin (scheme://host[:port]) of an endpoint: the VAPID token's audience.
std::string endpoint_origin(const std::string& endpoint);
// The JSON a service worker receives, at most web_push::kMaxPlaintext bytes (the body
// and then the title are shortened to fit).
std::string push_payload(const boost::json::object& notification);

class WebPushSender {
 public:
  WebPushSender(infra::store::Store& store, BlockingPool& pool, WebPushSettings settings);
  ~WebPushSender();
  void start(boost::asio::io_context& io);
  void stop() noexcept;  // waits for the loop to leave; call with the io_context running

 private:
  static boost::asio::awaitable<void> loop(WebPushSender* self);
  boost::asio::awaitable<void> drain_once();

  infra::store::Store& store_;
  BlockingPool& pool_;
  WebPushSettings settings_;
  std::unique_ptr<boost::asio::steady_timer> timer_;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> running_{false};
};

}  // namespace tc::alerts
