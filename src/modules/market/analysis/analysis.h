// Chart analysis over a run of candles (oldest first): support and resistance
// levels, trend direction and strength, and candlestick patterns, each with a
// confidence in [0, 1] and the bars it spans. The JSON shape is in docs/market.md.
#pragma once

#include "modules/market/candle_series.h"

#include <boost/json/object.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace tc::market::analysis {

struct Level {
  double price = 0;
  std::string kind;  // "support" or "resistance" (relative to the last close)
  int touches = 0;   // swing points that formed it
  std::int64_t first_time_ms = 0;
  std::int64_t last_time_ms = 0;
  double strength = 0;  // [0, 1]
};

struct Trend {
  std::string direction;  // "up", "down" or "sideways"
  double strength = 0;    // [0, 1]
  double slope_pct_per_bar = 0;
  double r_squared = 0;
  int bars = 0;
};

struct Pattern {
  std::string name;           // e.g. "bullish_engulfing"
  std::string direction;      // "bullish", "bearish" or "neutral"
  double confidence = 0;      // [0, 1]
  std::size_t first_bar = 0;  // index into the candles
  std::size_t last_bar = 0;
};

// A chart pattern over swing points: double top/bottom, head and shoulders (and
// inverse), triangles, and breakouts. `level` is the price that confirms it (the
// neckline, the broken level, the triangle's flat side); `confirmed` once a close
// has crossed it.
struct ChartPattern {
  std::string name;
  std::string direction;  // "bullish", "bearish" or "neutral"
  double confidence = 0;  // [0, 1]
  std::size_t first_bar = 0;
  std::size_t last_bar = 0;
  double level = 0;
  bool confirmed = false;
};

std::vector<Level> support_resistance(const std::vector<Candle>& bars, std::size_t max_levels = 6);
Trend trend(const std::vector<Candle>& bars, std::size_t lookback = 50);
// Patterns ending in the last `lookback` bars, oldest first.
std::vector<Pattern> candlestick_patterns(const std::vector<Candle>& bars, std::size_t lookback = 100);

// Chart patterns whose last swing lies in the last `lookback` bars.
std::vector<ChartPattern> chart_patterns(const std::vector<Candle>& bars, std::size_t lookback = 120);

boost::json::object analyze(const std::vector<Candle>& bars);

}  // namespace tc::market::analysis
