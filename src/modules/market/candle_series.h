// One instrument's candles in one timeframe, kept in memory (bounded), built from
// ticks or from finer bars.
//
// Rules (docs/market.md):
// - Buckets: intraday timeframes are aligned to the Unix epoch (UTC); 1d follows
//   the instrument's trading day (calendar.h).
// - Within a candle, ticks are ordered by their own time, not by arrival: the
//   open is the earliest tick's price and the close the latest's, so an
//   out-of-order tick moves high/low/volume but never makes an older price the close.
// - A tick for the bucket before the forming one amends that closed candle (the
//   caller decides how late a tick may be; see MarketState).
// - A tick older than that is dropped and reported as such.
// - Empty buckets produce no candle (no ticks, no bar).
#pragma once

#include "modules/market/calendar.h"
#include "modules/market/timeframe.h"

#include <cstdint>
#include <deque>
#include <vector>

namespace tc::market {

struct Candle {
  std::int64_t time_ms = 0;  // bucket start, UTC
  double open = 0;
  double high = 0;
  double low = 0;
  double close = 0;
  double volume = 0;
  bool operator==(const Candle&) const = default;
};

enum class TickEffect : std::uint8_t {
  updated_forming,  // extended the newest candle
  opened,           // began a new candle (the previous one is now closed)
  amended_closed,   // changed the candle before the newest (a late tick)
  dropped,          // too old for this series
};

class CandleSeries {
 public:
  CandleSeries(Timeframe tf, CalendarKind calendar, std::size_t capacity)
      : tf_(tf), calendar_(calendar), capacity_(capacity) {}

  Timeframe timeframe() const noexcept { return tf_; }
  std::int64_t bucket_of(std::int64_t time_ms) const;

  TickEffect apply_tick(std::int64_t time_ms, double price, double size);
  // Merges a finer, aligned bar (history backfill, imports, deriving higher
  // timeframes from lower ones). Bars must arrive in time order.
  void apply_bar(const Candle& bar);

  bool empty() const noexcept { return bars_.empty(); }
  const Candle& newest() const { return bars_.back().candle; }
  // The candle before the newest one, if any.
  const Candle* previous() const { return bars_.size() >= 2 ? &bars_[bars_.size() - 2].candle : nullptr; }
  std::size_t size() const noexcept { return bars_.size(); }

  // Candles with from <= time_ms <= to, the newest `limit` of them, oldest first.
  std::vector<Candle> range(std::int64_t from, std::int64_t to, std::size_t limit) const;

 private:
  struct Slot {
    Candle candle;
    std::int64_t first_ms = 0;  // event time of the tick that set the open
    std::int64_t last_ms = 0;   // event time of the tick that set the close
  };
  static void merge_tick(Slot& s, std::int64_t time_ms, double price, double size);
  void push(Slot s);

  Timeframe tf_;
  CalendarKind calendar_;
  std::size_t capacity_;
  std::deque<Slot> bars_;
};

// Aggregates finer candles into a coarser timeframe (e.g. 1m → 1h).
std::vector<Candle> aggregate(const std::vector<Candle>& finer, Timeframe to, CalendarKind calendar);

}  // namespace tc::market
