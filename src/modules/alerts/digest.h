// The daily digest: users who opt in (preferences `digest`, `digest_time`,
// `time_zone`) get one email a day at that local time summarising the notifications
// of the day before it (from the previous digest time to this one); none when there
// were none. Each day's run is recorded under the idempotency key
// `<user id>:<local date>` in `digest_runs`, in the same transaction that queues the
// email on the alert email queue (email_deliveries, retried and dead-lettered like
// alert emails), so a restart, a second pass or a second instance never sends a day
// twice. A digest missed while the server was down goes out late, at the next pass.
// The clock is injected: tests drive passes at chosen times.
#pragma once

#include "infra/store/store.h"
#include "modules/alerts/preferences.h"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>

namespace tc::alerts {

struct DigestSlot {
  std::int64_t at_ms = 0;    // the digest moment (UTC)
  std::int64_t from_ms = 0;  // the previous day's moment: the window is [from_ms, at_ms)
  std::string local_date;    // YYYY-MM-DD of at_ms in the user's zone
};

// The most recent digest moment at or before `now_ms`, or nullopt when the digest is
// off or that moment is before the digest was switched on.
std::optional<DigestSlot> due_digest(const Preferences& p, std::int64_t now_ms);
// The UTC instant of local `minute` on the local day `days` (since 1970-01-01) in `zone`.
std::int64_t local_to_utc_ms(const std::string& zone, std::int64_t days, std::int32_t minute);

class DigestScheduler {
 public:
  using Clock = std::function<std::int64_t()>;  // Unix ms
  DigestScheduler(infra::store::Store& store, Clock clock, std::chrono::milliseconds poll);
  ~DigestScheduler();
  void start(boost::asio::io_context& io);
  void stop() noexcept;  // waits for the loop to leave; call with the io_context running

  // One pass at the clock's time: records every due day and queues its email.
  // Returns the emails queued by this pass.
  boost::asio::awaitable<std::int64_t> run_once();

 private:
  static boost::asio::awaitable<void> loop(DigestScheduler* self);

  infra::store::Store& store_;
  Clock clock_;
  std::chrono::milliseconds poll_;
  std::unordered_map<std::string, std::string> done_;  // user -> last key handled by this process
  std::unique_ptr<boost::asio::steady_timer> timer_;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> running_{false};
};

}  // namespace tc::alerts
