// The live side of alerts: one thread (its own io_context) owns the Engine. The
// market's tick listener only posts the tick to it (the feed thread never waits);
// fires are recorded (fire_log.h) before they are pushed on user#<id>. At start
// the engine is rebuilt from the active alerts and fires recorded but not pushed
// are pushed.
#pragma once

#include "infra/store/store.h"
#include "modules/alerts/alert_record.h"
#include "modules/alerts/engine.h"
#include "modules/alerts/inbox.h"
#include "modules/market/market.h"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include <atomic>
#include <optional>
#include <thread>

namespace tc::alerts {

class AlertRuntime {
 public:
  AlertRuntime(infra::store::Store& store, Inbox& inbox, market::Market* market);
  ~AlertRuntime();
  AlertRuntime(const AlertRuntime&) = delete;
  AlertRuntime& operator=(const AlertRuntime&) = delete;

  void start();  // blocking reads of the store: call from the module's start
  void stop() noexcept;

  // Rule changes from the REST side, applied on the engine's thread.
  void upsert(const AlertRecord& r);
  void remove(const std::string& id);

  boost::asio::io_context& io() noexcept { return io_; }

 private:
  void on_tick(const std::string& symbol, std::int64_t time_ms, double price, double size);
  static boost::asio::awaitable<void> deliver(AlertRuntime* self, std::vector<Fire> fires);
  static boost::asio::awaitable<void> redeliver(AlertRuntime* self);

  infra::store::Store& store_;
  Inbox& inbox_;
  market::Market* market_;
  boost::asio::io_context io_;
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_;
  Engine engine_;
  std::vector<Fire> scratch_;
  std::optional<std::uint64_t> listener_;
  std::thread thread_;
  std::atomic<bool> stopping_{false};  // ticks are ignored from now on
  std::atomic<bool> stopped_{false};
  // Coroutines still working with the store: stop() waits for them while the
  // io_context runs, so no pool completion ever targets a destroyed io_context.
  std::atomic<int> busy_{0};
};

}  // namespace tc::alerts
