#include "modules/alerts/webhook_sender.h"

#include "core/log.h"
#include "modules/alerts/inbox.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <netdb.h>
#include <openssl/hmac.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <array>
#include <cstring>
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

bool public_v4(const unsigned char* a) {
  const unsigned b0 = a[0];
  const unsigned b1 = a[1];
  if (b0 == 0 || b0 == 10 || b0 == 127) return false;                  // this network, private, loopback
  if (b0 == 100 && (b1 & 0xC0) == 64) return false;                    // 100.64/10 shared (CGNAT)
  if (b0 == 169 && b1 == 254) return false;                            // link-local (cloud metadata)
  if (b0 == 172 && (b1 & 0xF0) == 16) return false;                    // 172.16/12
  if (b0 == 192 && b1 == 168) return false;                            // 192.168/16
  if (b0 == 192 && b1 == 0 && (a[2] == 0 || a[2] == 2)) return false;  // IETF, TEST-NET-1
  if (b0 == 198 && (b1 == 18 || b1 == 19)) return false;               // benchmarking
  if (b0 == 198 && b1 == 51 && a[2] == 100) return false;              // TEST-NET-2
  if (b0 == 203 && b1 == 0 && a[2] == 113) return false;               // TEST-NET-3
  return b0 < 224;                                                     // multicast, reserved, broadcast
}

bool public_v6(const unsigned char* a) {
  static constexpr unsigned char kZero[16] = {};
  if (std::memcmp(a, kZero, 15) == 0 && (a[15] == 0 || a[15] == 1)) return false;  // :: and ::1
  // IPv4-mapped (::ffff:a.b.c.d) and the NAT64 well-known prefix carry an IPv4 address.
  static constexpr unsigned char kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (std::memcmp(a, kMapped, 12) == 0) return public_v4(a + 12);
  static constexpr unsigned char kNat64[12] = {0, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0};
  if (std::memcmp(a, kNat64, 12) == 0) return public_v4(a + 12);
  if ((a[0] & 0xFE) == 0xFC) return false;                                         // fc00::/7 unique local
  if (a[0] == 0xFE && (a[1] & 0xC0) == 0x80) return false;                         // fe80::/10 link-local
  if (a[0] == 0xFF) return false;                                                  // multicast
  if (a[0] == 0x20 && a[1] == 0x01 && a[2] == 0x0d && a[3] == 0xb8) return false;  // documentation
  return true;
}

std::string hex(const unsigned char* p, std::size_t n) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(n * 2, '0');
  for (std::size_t i = 0; i < n; ++i) {
    out[2 * i] = kDigits[p[i] >> 4];
    out[2 * i + 1] = kDigits[p[i] & 15];
  }
  return out;
}

std::string numeric_host(const sockaddr* sa) {
  std::array<char, INET6_ADDRSTRLEN> buf{};
  if (sa->sa_family == AF_INET) {
    inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(sa)->sin_addr, buf.data(), buf.size());
  } else {
    inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(sa)->sin6_addr, buf.data(), buf.size());
  }
  return buf.data();
}

void log_failure(const std::exception_ptr& e) {
  if (!e) return;
  try {
    std::rethrow_exception(e);
  } catch (const std::exception& ex) {
    log::error("alerts: webhook loop failed", {{"error", ex.what()}});
  }
}

size_t discard(char*, size_t size, size_t n, void*) { return size * n; }

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

bool is_public_address(const std::string& ip) {
  std::array<unsigned char, 16> buf{};
  if (inet_pton(AF_INET, ip.c_str(), buf.data()) == 1) return public_v4(buf.data());
  if (inet_pton(AF_INET6, ip.c_str(), buf.data()) == 1) return public_v6(buf.data());
  return false;
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
  std::unique_ptr<CURLU, decltype(&curl_url_cleanup)> parsed(curl_url(), curl_url_cleanup);
  if (curl_url_set(parsed.get(), CURLUPART_URL, url.c_str(), 0) != CURLUE_OK) return {false, true, "malformed URL"};
  char* host_part = nullptr;
  char* port_part = nullptr;
  curl_url_get(parsed.get(), CURLUPART_HOST, &host_part, 0);
  curl_url_get(parsed.get(), CURLUPART_PORT, &port_part, CURLU_DEFAULT_PORT);
  std::string host = host_part ? host_part : "";
  const std::string port = port_part ? port_part : "80";
  curl_free(host_part);
  curl_free(port_part);
  if (host.size() > 2 && host.front() == '[') host = host.substr(1, host.size() - 2);

  // Resolve once, check every address, and connect to the checked one.
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (getaddrinfo(host.c_str(), port.c_str(), &hints, &found) != 0 || !found) {
    return {false, false, "cannot resolve " + host};
  }
  std::string pinned;
  for (auto* a = found; a; a = a->ai_next) {
    const auto ip = numeric_host(a->ai_addr);
    if (!settings_.allow_private && !is_public_address(ip)) {
      freeaddrinfo(found);
      std::string why = "refused: ";
      why += host;
      why += " resolves to the non-public address ";
      why += ip;
      return {false, true, why};
    }
    if (pinned.empty()) pinned = ip;
  }
  freeaddrinfo(found);

  const std::string timestamp = std::to_string(now_ms() / 1000);
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), curl_easy_cleanup);
  if (!curl) return {false, false, "curl_easy_init failed"};
  const std::string resolve_entry =
      host + ":" + port + ":" + (pinned.find(':') != std::string::npos ? "[" + pinned + "]" : pinned);
  curl_slist* resolve = curl_slist_append(nullptr, resolve_entry.c_str());
  curl_slist* headers = curl_slist_append(nullptr, "Content-Type: application/json");
  headers = curl_slist_append(headers, ("X-Tradechat-Timestamp: " + timestamp).c_str());
  headers =
      curl_slist_append(headers, ("X-Tradechat-Signature: " + webhook_signature(secret, timestamp, payload)).c_str());
  headers = curl_slist_append(headers, ("X-Tradechat-Delivery: " + delivery_id).c_str());
  curl_easy_setopt(curl.get(), CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl.get(), CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl.get(), CURLOPT_RESOLVE, resolve);
  curl_easy_setopt(curl.get(), CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl.get(), CURLOPT_POSTFIELDS, payload.c_str());
  curl_easy_setopt(curl.get(), CURLOPT_POSTFIELDSIZE, static_cast<long>(payload.size()));
  curl_easy_setopt(curl.get(), CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(curl.get(), CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl.get(), CURLOPT_TIMEOUT_MS, static_cast<long>(settings_.timeout.count()));
  curl_easy_setopt(curl.get(), CURLOPT_WRITEFUNCTION, discard);
  const CURLcode rc = curl_easy_perform(curl.get());
  long status = 0;
  curl_easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &status);
  curl_slist_free_all(headers);
  curl_slist_free_all(resolve);
  if (rc != CURLE_OK) return {false, false, curl_easy_strerror(rc)};
  if (status < 200 || status > 299) return {false, false, "HTTP " + std::to_string(status)};
  return {true, false, ""};
}

}  // namespace tc::alerts
