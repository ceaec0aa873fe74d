#include "modules/alerts/webhook_sender.h"

#include "core/log.h"
#include "modules/alerts/inbox.h"
#include "modules/alerts/outbound_http.h"

#include <openssl/hmac.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <array>
#include <thread>

namespace tc::alerts {
namespace {

namespace asio = boost::asio;
using infra::store::Connection;
using infra::store::Value;

constexpr std::int64_t kMaxDelayMs = 3'600'000;
constexpr std::int64_t kBatch = 16;

struct Due {
  std::int64_t id;
  std::string fire_key;
  std::string url;
  std::string secret;
  std::string payload;
  std::int64_t attempts;
};

std::string hex(const unsigned char* p, std::size_t n) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(n * 2, '0');
  for (std::size_t i = 0; i < n; ++i) {
    out[2 * i] = kDigits[p[i] >> 4];
    out[2 * i + 1] = kDigits[p[i] & 15];
  }
  return out;
}

void log_failure(const std::exception_ptr& e) {
  if (!e) return;
  try {
    std::rethrow_exception(e);
  } catch (const std::exception& ex) {
    log::error("alerts: webhook loop failed", {{"error", ex.what()}});
  }
}

}  // namespace

WebhookSettings webhook_settings_from(const Config& config) {
  WebhookSettings s;
  s.allow_private = config.boolean("alerts.webhook.allow_private");
  s.max_attempts = config.integer("alerts.webhook.max_attempts");
  s.retry_base = config.duration("alerts.webhook.retry_base");
  s.timeout = config.duration("alerts.webhook.timeout");
  return s;
}

std::string webhook_signature(const std::string& secret, const std::string& timestamp, const std::string& body) {
  const std::string message = timestamp + "." + body;
  std::array<unsigned char, 32> mac{};
  unsigned int len = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), mac.data(), &len);
  return "v1=" + hex(mac.data(), len);
}

std::int64_t retry_delay_ms(std::int64_t base_ms, std::int64_t attempts) {
  std::int64_t d = base_ms;
  for (std::int64_t i = 1; i < attempts && d < kMaxDelayMs; ++i) d *= 2;
  return std::min(d, kMaxDelayMs);
}

WebhookSender::WebhookSender(infra::store::Store& store, BlockingPool& pool, WebhookSettings settings)
    : store_(store), pool_(pool), settings_(settings) {}

WebhookSender::~WebhookSender() { stop(); }

void WebhookSender::start(asio::io_context& io) {
  timer_ = std::make_unique<asio::steady_timer>(io);
  running_ = true;
  asio::co_spawn(io, loop(this), [this](const std::exception_ptr& e) {
    log_failure(e);
    running_ = false;
  });
}

// Waits for the loop to leave (at most one request's time limit), with the
// io_context still running, so no pool completion targets a stopped loop.
void WebhookSender::stop() noexcept {
  if (stopping_.exchange(true) || !timer_) return;
  auto cancel = [this] { timer_->cancel(); };
  asio::post(timer_->get_executor(), cancel);
  while (running_.load()) std::this_thread::sleep_for(std::chrono::milliseconds(5));
}

asio::awaitable<void> WebhookSender::loop(WebhookSender* self) {
  while (!self->stopping_) {
    try {
      co_await self->drain_once();
    } catch (const std::exception& e) {
      log::warn("alerts: webhook pass failed; retrying", {{"error", e.what()}});
    }
    self->timer_->expires_after(self->settings_.poll);
    boost::system::error_code ec;
    co_await self->timer_->async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
}

asio::awaitable<void> WebhookSender::drain_once() {
  const std::int64_t now = now_ms();
  // Claim due deliveries by moving their next attempt past this one's time limit,
  // so another instance (or the next pass) does not send them at the same time.
  const std::int64_t lease = now + settings_.timeout.count() * 2;
  auto claim = [now, lease](Connection& c) {
    auto rows = c.execute(
        "SELECT id, fire_key, url, secret, payload, attempts, next_at_ms FROM webhook_deliveries "
        "WHERE status = 'pending' AND next_at_ms <= ?1 ORDER BY next_at_ms LIMIT ?2",
        std::vector<Value>{now, kBatch});
    std::vector<Due> due;
    for (const auto& r : rows.rows) {
      auto won = c.execute("UPDATE webhook_deliveries SET next_at_ms = ?3 WHERE id = ?1 AND next_at_ms = ?2",
                           std::vector<Value>{r.integer(0), r.integer(6), lease});
      if (won.affected == 1) due.push_back({r.integer(0), r.text(1), r.text(2), r.text(3), r.text(4), r.integer(5)});
    }
    return due;
  };
  auto due = co_await store_.transaction(std::move(claim));
  for (const auto& d : due) {
    auto send = [this, d] { return send_blocking(d.url, d.secret, d.payload, d.fire_key); };
    auto outcome = co_await pool_.run(std::move(send));
    const std::int64_t attempts = d.attempts + 1;
    std::string status = "pending";
    if (outcome.ok) {
      status = "delivered";
    } else if (outcome.permanent) {
      status = "refused";
    } else if (attempts >= settings_.max_attempts) {
      status = "dead";
    }
    const std::int64_t next = now_ms() + retry_delay_ms(settings_.retry_base.count(), attempts);
    if (status != "delivered") {
      log::warn("alerts: webhook delivery failed",
                {{"fire_key", d.fire_key}, {"attempts", attempts}, {"status", status}, {"error", outcome.error}});
    }
    auto save = [d, attempts, status, next, error = outcome.error](Connection& c) {
      c.execute(
          "UPDATE webhook_deliveries SET attempts = ?2, status = ?3, next_at_ms = ?4, last_error = ?5 WHERE id = ?1",
          std::vector<Value>{d.id, attempts, status, next, error.substr(0, 500)});
    };
    co_await store_.with_connection(std::move(save));
  }
}

WebhookSender::Outcome WebhookSender::send_blocking(const std::string& url, const std::string& secret,
                                                    const std::string& payload, const std::string& delivery_id) const {
  const std::string timestamp = std::to_string(now_ms() / 1000);
  const std::vector<std::string> headers{"Content-Type: application/json", "X-Tradechat-Timestamp: " + timestamp,
                                         "X-Tradechat-Signature: " + webhook_signature(secret, timestamp, payload),
                                         "X-Tradechat-Delivery: " + delivery_id};
  const OutboundPolicy policy{.allow_private = settings_.allow_private, .timeout = settings_.timeout};
  const auto r = post(url, headers, payload, policy);
  if (r.refused) return {false, true, r.error};
  if (!r.error.empty()) return {false, false, r.error};
  if (r.status < 200 || r.status > 299) return {false, false, "HTTP " + std::to_string(r.status)};
  return {true, false, ""};
}

}  // namespace tc::alerts
