// What every price feed is to the module: it fills the state with history at
// start (`backfill`), then, on a steady timer on its own io_context thread, turns
// each step into ticks (`step_once`). The base class owns the loop and what a tick
// does next: candle updates in the state, publications on `market:<SYMBOL>` and
// `candles:<SYMBOL>:<tf>`, closed candles queued for the store, which a second
// timer flushes in batches. stop() ends both loops, joins, and writes what is
// still queued. Feeds: SimFeed (the default), ReplayFeed (stored history), and the
// live BinanceFeed (crypto) and AlpacaFeed (US stocks).
#pragma once

#include "modules/market/candle_store.h"
#include "modules/market/market_state.h"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/json/value.hpp>

#include <boost/json/object.hpp>

#include <array>
#include <atomic>
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace tc::market {

struct FeedOptions {
  std::chrono::milliseconds tick_interval{250};
  std::chrono::milliseconds flush_interval{1000};
};

class Feed {
 public:
  using Publish = std::function<void(const std::string& channel, const boost::json::value& data)>;
  using Clock = std::function<std::int64_t()>;  // Unix ms

  Feed(MarketState& state, CandleStore& store, Publish publish, Clock clock, FeedOptions options);
  virtual ~Feed();
  Feed(const Feed&) = delete;
  Feed& operator=(const Feed&) = delete;

  // Fills the state with history before the first step (synchronously).
  virtual void backfill() = 0;
  // One step at now_ms (what the timer calls; public for tests): the feed's ticks,
  // then their publications, conflated — per instrument only the newest tick and the
  // newest forming candle of each timeframe of the step go out (closed candles all
  // go out, at once, in order), so a burst of trades costs one fan-out per symbol.
  void step_once(std::int64_t now_ms) {
    produce(now_ms);
    publish_pending();
  }

  void start();
  // Idempotent. A derived feed calls it in its destructor, before it goes away.
  void stop() noexcept;

 protected:
  // A tick of instrument `i`: candles, publications, closed candles to the store.
  void emit_tick(std::size_t i, std::int64_t time_ms, double price, double size);
  // The feed's ticks for one step (each through emit_tick).
  virtual void produce(std::int64_t now_ms) = 0;
  // Hooks for feeds with their own I/O: on_start runs before the loop thread
  // starts (spawn coroutines on `io`); on_stop runs on the loop thread when stop()
  // begins (cancel them), so the thread can finish.
  virtual void on_start(boost::asio::io_context& /*io*/) {}
  virtual void on_stop() {}
  bool stopping() const noexcept { return stopping_.load(); }
  MarketState& state() { return state_; }
  std::int64_t now() const { return clock_(); }
  CandleStore& store() { return store_; }

 private:
  static boost::asio::awaitable<void> tick_loop(Feed* self);
  static boost::asio::awaitable<void> flush_loop(Feed* self);
  void flush_blocking() noexcept;
  void publish_pending();
  void publish_candle(const Instrument& in, Timeframe tf, const Candle& c, bool closed);

  MarketState& state_;
  CandleStore& store_;
  Publish publish_;
  Clock clock_;
  FeedOptions options_;
  // Publications waiting for the end of the step, per instrument.
  struct Pending {
    std::optional<boost::json::object> tick;
    std::array<std::optional<Candle>, 6> forming;
  };
  std::vector<Pending> pending_;
  std::vector<std::size_t> dirty_;  // instruments with something pending
  boost::asio::io_context io_{1};
  boost::asio::steady_timer tick_timer_{io_};
  boost::asio::steady_timer flush_timer_{io_};
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace tc::market
