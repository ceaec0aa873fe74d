// Outbound email over SMTP (libcurl), for password resets and alert notifications.
// Sending blocks, so it runs on the blocking pool; the caller co_awaits the outcome.
#pragma once

#include "core/blocking_pool.h"
#include "core/config.h"
#include "core/metrics.h"

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <string>

namespace tc::infra::mail {

struct Email {
  std::string to;       // one address
  std::string subject;  // one line
  std::string text;     // plain-text body (UTF-8)
};

struct SmtpSettings {
  std::string url;  // smtp://host:port or smtps://host:port; empty = mail disabled
  std::string from;
  std::string username;
  std::string password;
  std::chrono::milliseconds timeout{10'000};
};

void add_config_keys(ConfigSchema& schema);
SmtpSettings settings_from(const Config& config);

class Mailer {
 public:
  Mailer(SmtpSettings settings, BlockingPool& pool, metrics::Registry& metrics);
  bool enabled() const noexcept { return !settings_.url.empty(); }
  // Throws tc::Error (503) when the server refuses or cannot be reached, and 422 for
  // an address or subject that could inject headers.
  boost::asio::awaitable<void> send(Email email);

  // The RFC 5322 message (exposed for tests).
  static std::string render(const Email& email, const std::string& from, const std::string& message_id,
                            const std::string& date);

 private:
  void send_blocking(const Email& email);

  SmtpSettings settings_;
  BlockingPool& pool_;
  metrics::Counter& sent_;
  metrics::Counter& failed_;
};

}  // namespace tc::infra::mail
