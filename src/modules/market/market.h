// The market module's interface to other modules (alerts, the AI): instruments,
// quotes, candles, indicators, chart analysis, and live ticks by callback.
// Offered through the ServiceRegistry as `tc::market::Market`. Every method is
// thread-safe; none blocks on I/O (candles and quotes are served from memory).
//
// For per-tick work (alerts): add a tick listener, and keep streaming indicators of
// your own — `ind::find_indicator(name)->make(params, env)` — fed with closed
// candles (`update`) and the forming one (`peek`, which commits nothing), seeded
// from `candles(...)` at start. Each update is O(1).
#pragma once

#include "modules/market/candle_series.h"
#include "modules/market/indicators/registry.h"
#include "modules/market/instrument.h"
#include "modules/market/timeframe.h"

#include <boost/json/object.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tc::market {

struct Tick {
  std::string_view symbol;  // valid during the callback only
  std::int64_t time_ms = 0;
  double price = 0;
  double size = 0;
};

struct Quote {
  std::string symbol;
  double last = 0;
  double bid = 0;
  double ask = 0;
  std::int64_t time_ms = 0;
  double day_open = 0;
  double day_high = 0;
  double day_low = 0;
  double day_volume = 0;
  double previous_close = 0;  // 0 when unknown
  bool simulated = true;
};

// One retained raw tick.
struct RecentTick {
  std::int64_t time_ms = 0;
  double price = 0;
  double size = 0;
};

struct CandleQuery {
  std::int64_t from_ms = INT64_MIN;
  std::int64_t to_ms = INT64_MAX;
  std::size_t limit = 500;
};

// One computed indicator: its output names and, per bar, the bar's time and values.
struct IndicatorSeries {
  std::vector<std::string> outputs;
  std::vector<std::int64_t> times;
  std::vector<ind::Values> values;
};

class Market {
 public:
  virtual ~Market() = default;

  virtual const std::vector<Instrument>& instruments() const = 0;
  // nullptr when unknown. Case-insensitive.
  virtual const Instrument* find(std::string_view symbol) const = 0;
  // Instruments whose symbol or name contains `text` (case-insensitive), symbol
  // matches first; at most `limit`.
  virtual std::vector<const Instrument*> search(std::string_view text, std::size_t limit) const = 0;

  // The newest accepted raw ticks (at most `limit`, oldest first); each instrument
  // keeps the last market.tick_retention of them in memory. Throws 404 when unknown.
  virtual std::vector<RecentTick> recent_ticks(std::string_view symbol, std::size_t limit) const = 0;
  // The latest quote; nullopt before the first price.
  virtual std::optional<Quote> quote(std::string_view symbol) const = 0;
  // Candles (the newest may be forming). Throws tc::Error 404 for an unknown symbol.
  virtual std::vector<Candle> candles(std::string_view symbol, Timeframe tf, const CandleQuery& q) const = 0;
  // An indicator over exactly the candles `q` selects (the first bars warm it up).
  // Throws tc::Error 404 (symbol, indicator) or 400 (parameters).
  virtual IndicatorSeries indicator(std::string_view symbol, Timeframe tf, std::string_view name,
                                    const std::vector<std::pair<std::string, std::string>>& params,
                                    const CandleQuery& q) const = 0;
  // Support/resistance, trend and candlestick patterns over recent candles (JSON
  // of docs/market.md). Throws tc::Error 404 for an unknown symbol.
  virtual boost::json::object analyze(std::string_view symbol, Timeframe tf) const = 0;

  // Live ticks of every instrument. The callback runs on the feed's thread and
  // must not block; keep the id to remove it.
  using TickListener = std::function<void(const Tick&)>;
  virtual std::uint64_t add_tick_listener(TickListener listener) = 0;
  virtual void remove_tick_listener(std::uint64_t id) = 0;
};

}  // namespace tc::market
