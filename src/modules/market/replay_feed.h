// Replays stored candles (imports, earlier live candles; table market_candles) as
// ticks at a chosen speed: `speed` seconds of market time per second. Each candle
// becomes four ticks inside its bucket — open at its start, then low and high (high
// first for a falling candle) at one and two thirds, close at its last millisecond,
// a quarter of the volume each — so the rebuilt candles equal the stored ones and
// charts see them form. Instruments without stored candles stay silent; when
// everything is replayed the feed goes quiet.
#pragma once

#include "modules/market/feed.h"

#include <vector>

namespace tc::market {

struct ReplayOptions {
  Timeframe timeframe = Timeframe::m1;
  std::int64_t speed = 60;            // market milliseconds per wall millisecond
  std::int64_t from_ms = 0;           // replay candles from here on
  std::size_t max_candles = 100'000;  // per instrument
};

class ReplayFeed final : public Feed {
 public:
  ReplayFeed(MarketState& state, CandleStore& store, Publish publish, Clock clock, FeedOptions feed_options,
             ReplayOptions options);
  ~ReplayFeed() override { stop(); }
  ReplayFeed(const ReplayFeed&) = delete;
  ReplayFeed& operator=(const ReplayFeed&) = delete;

  // Loads the stored candles (blocking; at start-up) and starts the replay clock.
  void backfill() override;
  void produce(std::int64_t now_ms) override;

  std::int64_t market_time(std::int64_t now_ms) const;
  bool finished() const noexcept { return finished_; }

 private:
  struct Cursor {
    std::vector<Candle> candles;
    std::size_t next = 0;  // candle
    int part = 0;          // its next tick: 0 open, 1 and 2 the extremes, 3 close
  };
  ReplayOptions options_;
  std::vector<Cursor> cursors_;
  std::int64_t start_market_ms_ = 0;
  std::int64_t start_wall_ms_ = 0;
  bool finished_ = false;
};

}  // namespace tc::market
