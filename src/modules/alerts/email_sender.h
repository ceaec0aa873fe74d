// Alert emails: a durable queue in `email_deliveries` (written in the fire's
// transaction), drained on the alerts thread through the SMTP Mailer to the
// account's address (auth::ContactDirectory), retried with the webhook backoff
// and dead-lettered after alerts.webhook.max_attempts. Without mail.smtp_url or an
// address the delivery is `refused`.
#pragma once

#include "infra/mail/mailer.h"
#include "infra/store/store.h"
#include "modules/alerts/webhook_sender.h"
#include "modules/auth/auth.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <atomic>
#include <memory>

namespace tc::alerts {

class EmailSender {
 public:
  // `mailer` and `contacts` may be null (mail off, or auth not in this process).
  EmailSender(infra::store::Store& store, infra::mail::Mailer* mailer, auth::ContactDirectory* contacts,
              WebhookSettings retry);
  ~EmailSender();
  void start(boost::asio::io_context& io);
  void stop() noexcept;  // waits for the loop to leave; call with the io_context running

 private:
  static boost::asio::awaitable<void> loop(EmailSender* self);
  boost::asio::awaitable<void> drain_once();

  infra::store::Store& store_;
  infra::mail::Mailer* mailer_;
  auth::ContactDirectory* contacts_;
  WebhookSettings retry_;
  std::unique_ptr<boost::asio::steady_timer> timer_;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> running_{false};
};

}  // namespace tc::alerts
