// Drives the simulator in real time: backfills history at start, then on a
// steady timer turns each step's ticks into candle updates, publishes them on
// `market:<SYMBOL>` and `candles:<SYMBOL>:<tf>`, and queues closed candles for the
// store, which a second timer flushes in batches. Runs on its own io_context
// thread; stop() ends both loops, joins, and writes what is still queued.
#pragma once

#include "modules/market/candle_store.h"
#include "modules/market/market_state.h"
#include "modules/market/simulator.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/json/value.hpp>

#include <atomic>
#include <chrono>
#include <functional>
#include <thread>

namespace tc::market {

struct SimFeedOptions {
  std::chrono::milliseconds tick_interval{250};
  std::chrono::milliseconds flush_interval{1000};
  int history_days = 180;       // hourly bars this far back
  int minute_history_days = 2;  // and minute bars for the most recent days
};

class SimFeed {
 public:
  using Publish = std::function<void(const std::string& channel, const boost::json::value& data)>;
  using Clock = std::function<std::int64_t()>;  // Unix ms

  SimFeed(MarketState& state, Simulator simulator, CandleStore& store, Publish publish, Clock clock,
          SimFeedOptions options);
  ~SimFeed();
  SimFeed(const SimFeed&) = delete;
  SimFeed& operator=(const SimFeed&) = delete;

  // Generates the history up to now into the state (synchronously).
  void backfill();
  void start();
  void stop() noexcept;

  // One live step (what the timer calls); public for tests.
  void step_once(std::int64_t now_ms);

 private:
  static boost::asio::awaitable<void> tick_loop(SimFeed* self);
  static boost::asio::awaitable<void> flush_loop(SimFeed* self);
  void flush_blocking() noexcept;
  void publish_candle(const std::string& symbol, Timeframe tf, const Candle& c, bool closed);

  MarketState& state_;
  Simulator sim_;
  CandleStore& store_;
  Publish publish_;
  Clock clock_;
  SimFeedOptions options_;
  std::vector<SimTick> ticks_;  // reused each step
  boost::asio::io_context io_{1};
  boost::asio::steady_timer tick_timer_{io_};
  boost::asio::steady_timer flush_timer_{io_};
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace tc::market
