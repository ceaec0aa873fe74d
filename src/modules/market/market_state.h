// The market module's in-memory state and the `Market` interface over it:
// instruments, the latest prices, and per instrument and timeframe a bounded
// candle series. Feeds write into it (ticks, history bars); REST, channels and
// other modules read from it. One shared mutex guards the series; listeners have
// their own, so a listener may call back into the reads.
#pragma once

#include "modules/market/market.h"

#include <array>
#include <atomic>
#include <map>
#include <mutex>
#include <shared_mutex>
#include <unordered_map>

namespace tc::market {

struct MarketStateOptions {
  std::int64_t late_tick_window_ms = 2000;  // how far behind the newest tick a tick may be
  std::array<std::size_t, 6> capacity{5000, 3000, 2000, 5000, 1500, 1000};  // candles kept per timeframe
  std::size_t tick_retention = 1000;                                        // raw ticks kept per instrument
};

// What one tick did to each timeframe, for the feed to publish and persist.
struct TickUpdate {
  bool accepted = false;  // false: too late, dropped everywhere
  std::array<TickEffect, 6> effects{};
  std::array<Candle, 6> touched{};  // the forming candle, or the amended closed one
  std::array<Candle, 6> closed{};   // when effects[i] == opened: the candle it closed
};

class MarketState final : public Market {
 public:
  MarketState(std::vector<Instrument> instruments, MarketStateOptions options);

  std::size_t index_of(std::string_view symbol) const;  // npos when unknown
  static constexpr std::size_t npos = static_cast<std::size_t>(-1);

  // Feed side.
  TickUpdate ingest_tick(std::size_t instrument, std::int64_t time_ms, double price, double size);
  void ingest_bar(std::size_t instrument, const Candle& bar, int bar_minutes);
  // A vendor's best bid and offer (feeds with a quote stream); from then on the
  // quote shows them instead of the simulated spread around the last price.
  void ingest_quote(std::size_t instrument, double bid, double ask);
  std::uint64_t late_ticks_dropped() const noexcept { return late_dropped_.load(std::memory_order_relaxed); }

  // Market.
  const std::vector<Instrument>& instruments() const override { return instruments_; }
  const Instrument* find(std::string_view symbol) const override;
  std::vector<const Instrument*> search(std::string_view text, std::size_t limit) const override;
  std::vector<RecentTick> recent_ticks(std::string_view symbol, std::size_t limit) const override;
  std::optional<Quote> quote(std::string_view symbol) const override;
  std::vector<Candle> candles(std::string_view symbol, Timeframe tf, const CandleQuery& q) const override;
  IndicatorSeries indicator(std::string_view symbol, Timeframe tf, std::string_view name,
                            const std::vector<std::pair<std::string, std::string>>& params,
                            const CandleQuery& q) const override;
  boost::json::object analyze(std::string_view symbol, Timeframe tf) const override;
  std::uint64_t add_tick_listener(TickListener listener) override;
  void remove_tick_listener(std::uint64_t id) override;

 private:
  struct PerInstrument {
    std::vector<CandleSeries> series;  // by Timeframe index
    double last = 0;
    std::int64_t last_ms = 0;
    std::int64_t watermark_ms = INT64_MIN;  // newest tick time seen
    double bid = 0;                         // a vendor's quote, 0 = none
    double ask = 0;
    std::vector<RecentTick> ticks;  // ring of the newest raw ticks
    std::size_t ticks_head = 0;     // next slot to write once the ring is full
  };
  std::size_t require(std::string_view symbol) const;  // throws 404

  std::vector<Instrument> instruments_;
  std::unordered_map<std::string, std::size_t> by_symbol_;
  MarketStateOptions options_;
  mutable std::shared_mutex mutex_;
  std::vector<PerInstrument> data_;
  std::atomic<std::uint64_t> late_dropped_{0};

  std::mutex listeners_mutex_;
  std::map<std::uint64_t, TickListener> listeners_;
  std::uint64_t next_listener_ = 1;
};

}  // namespace tc::market
