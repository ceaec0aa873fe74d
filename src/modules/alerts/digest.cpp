#include "modules/alerts/digest.h"

#include "core/log.h"
#include "modules/alerts/inbox.h"
#include "modules/alerts/time_zone.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <fmt/format.h>

#include <thread>

namespace tc::alerts {
namespace {

namespace asio = boost::asio;
using infra::store::Connection;
using infra::store::Value;

constexpr std::int64_t kDayS = 86'400;
constexpr std::int64_t kListed = 50;  // lines in one email; the rest is counted

std::int64_t floor_div(std::int64_t a, std::int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

std::int64_t offset_s(const std::string& zone, std::int64_t utc_s) {
  return utc_offset_seconds(zone, utc_s).value_or(0);
}

std::string date_text(std::int64_t days) {
  const std::chrono::year_month_day ymd{std::chrono::sys_days{std::chrono::days{days}}};
  return fmt::format("{:04}-{:02}-{:02}", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                     static_cast<unsigned>(ymd.day()));
}

std::string clock_of(const std::string& zone, std::int64_t utc_ms) {
  const auto m = local_minute(zone, utc_ms);
  return fmt::format("{:02}:{:02}", m / 60, m % 60);
}

struct Subscriber {
  std::string user_id;
  Preferences prefs;
};

struct Queued {
  bool recorded = false;  // this pass recorded the day (false: it was recorded before)
  bool emailed = false;
};

Queued record_day(Connection& c, const std::string& user, const Preferences& p, const DigestSlot& slot,
                  std::int64_t now) {
  const std::string key = user + ":" + slot.local_date;
  auto rows = c.execute(
      "SELECT title, created_at_ms FROM notifications WHERE user_id = ?1 AND created_at_ms >= ?2 AND created_at_ms < "
      "?3 ORDER BY seq LIMIT ?4",
      std::vector<Value>{user, slot.from_ms, slot.at_ms, kListed});
  auto total =
      c.execute("SELECT COUNT(*) FROM notifications WHERE user_id = ?1 AND created_at_ms >= ?2 AND created_at_ms < ?3",
                std::vector<Value>{user, slot.from_ms, slot.at_ms});
  const std::int64_t count = total.rows.at(0).integer(0);
  auto inserted = c.execute(
      "INSERT INTO digest_runs (digest_key, user_id, local_date, from_ms, to_ms, notifications, created_at_ms) VALUES "
      "(?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (digest_key) DO NOTHING",
      std::vector<Value>{key, user, slot.local_date, slot.from_ms, slot.at_ms, count, now});
  if (inserted.affected == 0) return {};
  if (count == 0) return {true, false};  // a quiet day: recorded, nothing sent
  std::string body = fmt::format(
      "Your tradechat notifications from {} {} to {} {} ({}): {}\n\n",
      date_text(floor_div(slot.from_ms / 1000 + offset_s(p.time_zone, slot.from_ms / 1000), kDayS)),
      clock_of(p.time_zone, slot.from_ms), slot.local_date, clock_of(p.time_zone, slot.at_ms), p.time_zone, count);
  for (const auto& r : rows.rows) body += clock_of(p.time_zone, r.integer(1)) + "  " + r.text(0) + "\n";
  if (count > kListed) body += fmt::format("... and {} more in the inbox.\n", count - kListed);
  body += "\nYou get this email because the daily digest is on in your notification preferences.\n";
  const std::string subject =
      fmt::format("tradechat daily digest {}: {} notification{}", slot.local_date, count, count == 1 ? "" : "s");
  c.execute(
      "INSERT INTO email_deliveries (fire_key, user_id, subject, body, attempts, next_at_ms, status, last_error) "
      "VALUES (?1, ?2, ?3, ?4, 0, ?5, 'pending', '') ON CONFLICT (fire_key) DO NOTHING",
      std::vector<Value>{"digest:" + key, user, subject, body, now});
  return {true, true};
}

}  // namespace

std::int64_t local_to_utc_ms(const std::string& zone, std::int64_t days, std::int32_t minute) {
  const std::int64_t local_s = days * kDayS + std::int64_t{minute} * 60;
  // Two steps settle the offset at the instant itself (a local time in a DST gap
  // lands just after the gap).
  const std::int64_t first = local_s - offset_s(zone, local_s);
  return (local_s - offset_s(zone, first)) * 1000;
}

std::optional<DigestSlot> due_digest(const Preferences& p, std::int64_t now_ms) {
  if (!p.digest) return std::nullopt;
  const std::int64_t now_s = floor_div(now_ms, 1000);
  std::int64_t day = floor_div(now_s + offset_s(p.time_zone, now_s), kDayS);
  std::int64_t at = local_to_utc_ms(p.time_zone, day, p.digest_time_min);
  if (at > now_ms) at = local_to_utc_ms(p.time_zone, --day, p.digest_time_min);
  if (at < p.digest_since_ms) return std::nullopt;
  return DigestSlot{at, local_to_utc_ms(p.time_zone, day - 1, p.digest_time_min), date_text(day)};
}

DigestScheduler::DigestScheduler(infra::store::Store& store, Clock clock, std::chrono::milliseconds poll)
    : store_(store), clock_(std::move(clock)), poll_(poll) {}

DigestScheduler::~DigestScheduler() { stop(); }

void DigestScheduler::start(asio::io_context& io) {
  timer_ = std::make_unique<asio::steady_timer>(io);
  running_ = true;
  asio::co_spawn(io, loop(this), [this](const std::exception_ptr& e) {
    if (e) log::error("alerts: digest loop failed");
    running_ = false;
  });
}

void DigestScheduler::stop() noexcept {
  if (stopping_.exchange(true) || !timer_) return;
  auto cancel = [this] { timer_->cancel(); };
  asio::post(timer_->get_executor(), cancel);
  while (running_.load()) std::this_thread::sleep_for(std::chrono::milliseconds(5));
}

asio::awaitable<void> DigestScheduler::loop(DigestScheduler* self) {
  while (!self->stopping_) {
    try {
      co_await self->run_once();
    } catch (const std::exception& e) {
      log::warn("alerts: digest pass failed; retrying", {{"error", e.what()}});
    }
    self->timer_->expires_after(self->poll_);
    boost::system::error_code ec;
    co_await self->timer_->async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
}

asio::awaitable<std::int64_t> DigestScheduler::run_once() {
  const std::int64_t now = clock_();
  auto read = [](Connection& c) {
    auto rows = c.execute("SELECT user_id FROM notification_preferences WHERE digest = 1 ORDER BY user_id");
    std::vector<Subscriber> out;
    out.reserve(rows.rows.size());
    for (const auto& r : rows.rows) out.push_back({r.text(0), load_preferences(c, r.text(0))});
    return out;
  };
  auto subscribers = co_await store_.with_connection(std::move(read));
  std::int64_t emailed = 0;
  for (const auto& s : subscribers) {
    const auto slot = due_digest(s.prefs, now);
    if (!slot) continue;
    const std::string key = s.user_id + ":" + slot->local_date;
    if (done_[s.user_id] == key) continue;  // handled by this process: skip the database
    auto write = [s, slot = *slot, now](Connection& c) { return record_day(c, s.user_id, s.prefs, slot, now); };
    const auto queued = co_await store_.transaction(std::move(write));
    done_[s.user_id] = key;
    if (queued.emailed) ++emailed;
  }
  co_return emailed;
}

}  // namespace tc::alerts
