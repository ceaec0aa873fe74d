#include "modules/alerts/web_push_sender.h"

#include "core/base64url.h"
#include "core/key_file.h"
#include "core/log.h"
#include "modules/alerts/inbox.h"
#include "modules/alerts/web_push_crypto.h"

#include <curl/curl.h>
#include <fmt/format.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/serialize.hpp>

#include <chrono>
#include <thread>

namespace tc::alerts {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;
using infra::store::Connection;
using infra::store::Value;

constexpr std::int64_t kBatch = 16;

struct Due {
  std::int64_t id;
  std::string delivery_key;
  std::string subscription_id;
  std::string payload;
  std::int64_t attempts;
  std::string endpoint;  // empty: the subscription is gone
  std::string p256dh;
  std::string auth;
};

struct Attempt {
  std::string status;  // delivered, pending, dead, gone, refused
  std::string error;
};

}  // namespace

WebPushSettings web_push_settings_from(const Config& config) {
  WebPushSettings s;
  s.private_key = load_or_create_key(config, "alerts.web_push.vapid_private_key", "vapid.key", 32);
  try {
    s.public_key = web_push::public_key_of(s.private_key);
  } catch (const std::invalid_argument&) {
    throw ConfigError(
        "config: alerts.web_push.vapid_private_key = (secret) is invalid: not a P-256 private key (generate one with "
        "the command in docs/alerts.md)");
  }
  s.subject = config.str("alerts.web_push.subject");
  if (s.subject.rfind("mailto:", 0) != 0 && s.subject.rfind("https://", 0) != 0) {
    throw ConfigError(
        fmt::format("config: alerts.web_push.subject = {} is invalid: expected mailto:… or https://…", s.subject));
  }
  s.ttl_s = config.duration("alerts.web_push.ttl").count() / 1000;
  s.token_lifetime_s = config.duration("alerts.web_push.token_lifetime").count() / 1000;
  s.retry = webhook_settings_from(config);
  s.policy.allow_private = config.boolean("alerts.web_push.allow_private");
  s.policy.https_only = true;
  s.policy.timeout = s.retry.timeout;
  s.policy.ca_file = config.str("alerts.web_push.ca_file");
  return s;
}

std::string endpoint_origin(const std::string& endpoint) {
  std::unique_ptr<CURLU, decltype(&curl_url_cleanup)> url(curl_url(), curl_url_cleanup);
  if (curl_url_set(url.get(), CURLUPART_URL, endpoint.c_str(), 0) != CURLUE_OK) return "";
  std::string out;
  for (auto [part, prefix] : {std::pair{CURLUPART_SCHEME, ""}, {CURLUPART_HOST, "://"}, {CURLUPART_PORT, ":"}}) {
    char* text = nullptr;
    // The port only when it is not the scheme's default (curl then reports none).
    if (curl_url_get(url.get(), part, &text, 0) == CURLUE_OK && text) out += std::string(prefix) + text;
    curl_free(text);
  }
  return out;
}

std::string push_payload(const json::object& notification) {
  json::object n;
  for (const char* k : {"id", "kind", "title", "body", "created_at_ms"}) {
    if (notification.contains(k)) n[k] = notification.at(k);
  }
  if (const auto* data = notification.if_contains("data"); data && data->is_object()) {
    json::object small;
    for (const char* k : {"alert_id", "symbol", "price", "time_ms"}) {
      if (data->as_object().contains(k)) small[k] = data->as_object().at(k);
    }
    n["data"] = std::move(small);
  }
  auto text = json::serialize(json::object{{"type", "notification"}, {"notification", n}});
  for (const char* shorten : {"body", "title"}) {
    if (text.size() <= web_push::kMaxPlaintext) break;
    n[shorten] = "";
    text = json::serialize(json::object{{"type", "notification"}, {"notification", n}});
  }
  return text;
}

WebPushSender::WebPushSender(infra::store::Store& store, BlockingPool& pool, WebPushSettings settings)
    : store_(store), pool_(pool), settings_(std::move(settings)) {}

WebPushSender::~WebPushSender() { stop(); }

void WebPushSender::start(asio::io_context& io) {
  timer_ = std::make_unique<asio::steady_timer>(io);
  running_ = true;
  asio::co_spawn(io, loop(this), [this](const std::exception_ptr& e) {
    if (e) log::error("alerts: web push loop failed");
    running_ = false;
  });
}

void WebPushSender::stop() noexcept {
  if (stopping_.exchange(true) || !timer_) return;
  auto cancel = [this] { timer_->cancel(); };
  asio::post(timer_->get_executor(), cancel);
  while (running_.load()) std::this_thread::sleep_for(std::chrono::milliseconds(5));
}

asio::awaitable<void> WebPushSender::loop(WebPushSender* self) {
  while (!self->stopping_) {
    try {
      co_await self->drain_once();
    } catch (const std::exception& e) {
      log::warn("alerts: web push pass failed; retrying", {{"error", e.what()}});
    }
    self->timer_->expires_after(self->settings_.retry.poll);
    boost::system::error_code ec;
    co_await self->timer_->async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
}

asio::awaitable<void> WebPushSender::drain_once() {
  const std::int64_t now = now_ms();
  // Claimed like webhooks: the next attempt moves past this one's time limit first.
  const std::int64_t lease = now + settings_.retry.timeout.count() * 2;
  auto claim = [now, lease](Connection& c) {
    auto rows = c.execute(
        "SELECT d.id, d.delivery_key, d.subscription_id, d.payload, d.attempts, d.next_at_ms, s.endpoint, s.p256dh, "
        "s.auth FROM push_deliveries d LEFT JOIN push_subscriptions s ON s.id = d.subscription_id "
        "WHERE d.status = 'pending' AND d.next_at_ms <= ?1 ORDER BY d.next_at_ms LIMIT ?2",
        std::vector<Value>{now, kBatch});
    std::vector<Due> due;
    for (const auto& r : rows.rows) {
      auto won = c.execute("UPDATE push_deliveries SET next_at_ms = ?3 WHERE id = ?1 AND next_at_ms = ?2",
                           std::vector<Value>{r.integer(0), r.integer(5), lease});
      if (won.affected != 1) continue;
      Due d{r.integer(0), r.text(1), r.text(2), r.text(3), r.integer(4), "", "", ""};
      if (!r.is_null(6)) {
        d.endpoint = r.text(6);
        d.p256dh = r.text(7);
        d.auth = r.text(8);
      }
      due.push_back(std::move(d));
    }
    return due;
  };
  auto due = co_await store_.transaction(std::move(claim));
  for (const auto& d : due) {
    const std::int64_t attempts = d.attempts + 1;
    auto send = [this, d, attempts]() -> Attempt {
      if (d.endpoint.empty()) return {"gone", "the subscription was removed"};
      std::string body;
      try {
        body = web_push::encrypt(d.payload, base64url_decode(d.p256dh).value_or(""),
                                 base64url_decode(d.auth).value_or(""));
      } catch (const std::invalid_argument& e) {
        return {"dead", e.what()};
      }
      const std::int64_t exp = now_ms() / 1000 + settings_.token_lifetime_s;
      const std::vector<std::string> headers{
          "Content-Type: application/octet-stream", "Content-Encoding: aes128gcm",
          "TTL: " + std::to_string(settings_.ttl_s), "Urgency: high",
          "Authorization: " + web_push::vapid_authorization(endpoint_origin(d.endpoint), exp, settings_.subject,
                                                            settings_.private_key)};
      const auto r = post(d.endpoint, headers, body, settings_.policy);
      if (r.refused) return {"refused", r.error};
      const bool retry = !r.error.empty() || r.status == 429 || r.status >= 500;
      if (r.status >= 200 && r.status <= 299) return {"delivered", ""};
      if (r.status == 404 || r.status == 410) return {"gone", "HTTP " + std::to_string(r.status)};
      const std::string error = r.error.empty() ? "HTTP " + std::to_string(r.status) : r.error;
      if (retry && attempts < settings_.retry.max_attempts) return {"pending", error};
      return {"dead", error};
    };
    const auto outcome = co_await pool_.run(std::move(send));
    if (outcome.status != "delivered") {
      log::warn(
          "alerts: web push delivery failed",
          {{"delivery", d.delivery_key}, {"attempts", attempts}, {"status", outcome.status}, {"error", outcome.error}});
    }
    const std::int64_t next = now_ms() + retry_delay_ms(settings_.retry.retry_base.count(), attempts);
    auto save = [d, attempts, outcome, next](Connection& c) {
      c.execute("UPDATE push_deliveries SET attempts = ?2, status = ?3, next_at_ms = ?4, last_error = ?5 WHERE id = ?1",
                std::vector<Value>{d.id, attempts, outcome.status, next, outcome.error.substr(0, 500)});
      // The push service says the subscription no longer exists: stop using it.
      if (outcome.status == "gone") {
        c.execute("DELETE FROM push_subscriptions WHERE id = ?1", std::vector<Value>{d.subscription_id});
      }
    };
    co_await store_.transaction(std::move(save));
  }
}

}  // namespace tc::alerts
