#include "modules/alerts/email_sender.h"

#include "core/errors.h"
#include "core/log.h"
#include "modules/alerts/inbox.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <chrono>
#include <thread>

namespace tc::alerts {
namespace {

namespace asio = boost::asio;
using infra::store::Connection;
using infra::store::Value;

constexpr std::int64_t kBatch = 16;

struct Due {
  std::string fire_key;
  std::string user_id;
  std::string subject;
  std::string body;
  std::int64_t attempts;
};

}  // namespace

EmailSender::EmailSender(infra::store::Store& store, infra::mail::Mailer* mailer, auth::ContactDirectory* contacts,
                         WebhookSettings retry)
    : store_(store), mailer_(mailer), contacts_(contacts), retry_(retry) {}

EmailSender::~EmailSender() { stop(); }

void EmailSender::start(asio::io_context& io) {
  timer_ = std::make_unique<asio::steady_timer>(io);
  running_ = true;
  asio::co_spawn(io, loop(this), [this](const std::exception_ptr& e) {
    if (e) log::error("alerts: email loop failed");
    running_ = false;
  });
}

void EmailSender::stop() noexcept {
  if (stopping_.exchange(true) || !timer_) return;
  auto cancel = [this] { timer_->cancel(); };
  asio::post(timer_->get_executor(), cancel);
  while (running_.load()) std::this_thread::sleep_for(std::chrono::milliseconds(5));
}

asio::awaitable<void> EmailSender::loop(EmailSender* self) {
  while (!self->stopping_) {
    try {
      co_await self->drain_once();
    } catch (const std::exception& e) {
      log::warn("alerts: email pass failed; retrying", {{"error", e.what()}});
    }
    self->timer_->expires_after(self->retry_.poll);
    boost::system::error_code ec;
    co_await self->timer_->async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
}

asio::awaitable<void> EmailSender::drain_once() {
  const std::int64_t now = now_ms();
  // Claimed like webhooks: the next attempt moves past this one's time limit first.
  const std::int64_t lease = now + 60'000;
  auto claim = [now, lease](Connection& c) {
    auto rows = c.execute(
        "SELECT fire_key, user_id, subject, body, attempts, next_at_ms FROM email_deliveries "
        "WHERE status = 'pending' AND next_at_ms <= ?1 ORDER BY next_at_ms LIMIT ?2",
        std::vector<Value>{now, kBatch});
    std::vector<Due> due;
    for (const auto& r : rows.rows) {
      auto won = c.execute("UPDATE email_deliveries SET next_at_ms = ?3 WHERE fire_key = ?1 AND next_at_ms = ?2",
                           std::vector<Value>{r.text(0), r.integer(5), lease});
      if (won.affected == 1) due.push_back({r.text(0), r.text(1), r.text(2), r.text(3), r.integer(4)});
    }
    return due;
  };
  auto due = co_await store_.transaction(std::move(claim));
  for (const auto& d : due) {
    std::string status = "delivered";
    std::string error;
    std::optional<std::string> to;
    // Awaitables and their arguments are named locals: g++ 12 mishandles temporaries
    // with destructors inside a co_await expression (ARCHITECTURE §9).
    if (contacts_) {
      auto lookup = contacts_->email_of(d.user_id);
      to = co_await std::move(lookup);
    }
    if (!mailer_ || !mailer_->enabled()) {
      status = "refused";
      error = "mail is not configured (mail.smtp_url)";
    } else if (!to) {
      status = "refused";
      error = "the account has no address";
    } else {
      try {
        infra::mail::Email email{*to, d.subject, d.body};
        auto sending = mailer_->send(std::move(email));
        co_await std::move(sending);
      } catch (const std::exception& e) {
        error = e.what();
        status = d.attempts + 1 >= retry_.max_attempts ? "dead" : "pending";
      }
    }
    const std::int64_t attempts = d.attempts + 1;
    const std::int64_t next = now_ms() + retry_delay_ms(retry_.retry_base.count(), attempts);
    if (status != "delivered") {
      log::warn("alerts: email delivery failed", {{"fire_key", d.fire_key}, {"status", status}, {"error", error}});
    }
    auto save = [d, attempts, status, next, error](Connection& c) {
      c.execute(
          "UPDATE email_deliveries SET attempts = ?2, status = ?3, next_at_ms = ?4, last_error = ?5 WHERE fire_key = "
          "?1",
          std::vector<Value>{d.fire_key, attempts, status, next, error.substr(0, 500)});
    };
    co_await store_.with_connection(std::move(save));
  }
}

}  // namespace tc::alerts
