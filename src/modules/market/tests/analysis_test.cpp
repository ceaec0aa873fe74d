// Chart analysis on constructed candles whose patterns and levels are known.
#include "modules/market/analysis/analysis.h"

#include <gtest/gtest.h>

#include <cmath>

namespace tc::market::analysis {
namespace {

Candle bar(std::int64_t i, double o, double h, double l, double c) { return {i * 60'000, o, h, l, c, 100}; }

// Five falling bars (a downtrend to reverse), then the bars under test.
std::vector<Candle> after_decline(std::vector<Candle> tail) {
  std::vector<Candle> bars;
  bars.reserve(6 + tail.size());
  for (int i = 0; i < 6; ++i) bars.push_back(bar(i, 120 - 2 * i, 120.5 - 2 * i, 117.5 - 2 * i, 118 - 2 * i));
  for (auto& c : tail) {
    c.time_ms = static_cast<std::int64_t>(bars.size()) * 60'000;
    bars.push_back(c);
  }
  return bars;
}
std::vector<Candle> after_rise(std::vector<Candle> tail) {
  std::vector<Candle> bars;
  bars.reserve(6 + tail.size());
  for (int i = 0; i < 6; ++i) bars.push_back(bar(i, 100 + 2 * i, 102.5 + 2 * i, 99.5 + 2 * i, 102 + 2 * i));
  for (auto& c : tail) {
    c.time_ms = static_cast<std::int64_t>(bars.size()) * 60'000;
    bars.push_back(c);
  }
  return bars;
}

const Pattern* find(const std::vector<Pattern>& ps, const std::string& name) {
  for (const auto& p : ps) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

TEST(Patterns, SingleBar) {
  auto doji = candlestick_patterns(after_decline({bar(0, 100, 102, 98, 100.05)}));
  ASSERT_NE(find(doji, "doji"), nullptr);
  EXPECT_GT(find(doji, "doji")->confidence, 0.5);
  auto hammer = candlestick_patterns(after_decline({bar(0, 106, 107.05, 103, 107)}));
  ASSERT_NE(find(hammer, "hammer"), nullptr);
  EXPECT_EQ(find(hammer, "hammer")->direction, "bullish");
  // The same shape after a rise is a hanging man, not a hammer.
  auto hanging = candlestick_patterns(after_rise({bar(0, 112, 113.05, 109, 113)}));
  EXPECT_EQ(find(hanging, "hammer"), nullptr);
  EXPECT_NE(find(hanging, "hanging_man"), nullptr);
  auto star = candlestick_patterns(after_rise({bar(0, 112, 115, 110.95, 111)}));
  ASSERT_NE(find(star, "shooting_star"), nullptr);
  EXPECT_EQ(find(star, "shooting_star")->first_bar, 6u);
  // A shooting star needs the rise it reverses.
  EXPECT_EQ(find(candlestick_patterns(after_decline({bar(0, 106, 109, 104.95, 105)})), "shooting_star"), nullptr);
}

TEST(Patterns, TwoAndThreeBars) {
  auto engulf = candlestick_patterns(after_decline({bar(0, 108, 108.5, 106, 106.5), bar(0, 106, 110, 105.5, 109.5)}));
  const auto* e = find(engulf, "bullish_engulfing");
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->first_bar, 6u);
  EXPECT_EQ(e->last_bar, 7u);
  auto bear = candlestick_patterns(after_rise({bar(0, 111, 113.5, 110.5, 113), bar(0, 113.5, 114, 109, 110)}));
  EXPECT_NE(find(bear, "bearish_engulfing"), nullptr);
  auto harami = candlestick_patterns(after_decline({bar(0, 108, 108.5, 100, 100.5), bar(0, 102, 104, 101.5, 103.5)}));
  EXPECT_NE(find(harami, "bullish_harami"), nullptr);
  auto bear_harami = candlestick_patterns(after_rise({bar(0, 112, 120.5, 111.5, 120), bar(0, 118, 118.5, 116, 116.5)}));
  const auto* bh = find(bear_harami, "bearish_harami");
  ASSERT_NE(bh, nullptr);
  EXPECT_EQ(bh->direction, "bearish");
  EXPECT_EQ(bh->last_bar - bh->first_bar, 1u);
  EXPECT_EQ(find(bear_harami, "bullish_harami"), nullptr);
  auto morning = candlestick_patterns(after_decline(
      {bar(0, 108, 108.5, 102, 102.5), bar(0, 101.8, 102.2, 101, 101.5), bar(0, 102, 107.5, 101.8, 107)}));
  const auto* m = find(morning, "morning_star");
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(m->last_bar - m->first_bar, 2u);
  auto evening = candlestick_patterns(
      after_rise({bar(0, 112, 118, 111.8, 117.5), bar(0, 118, 118.9, 117.8, 118.3), bar(0, 117.5, 117.8, 112.5, 113)}));
  EXPECT_NE(find(evening, "evening_star"), nullptr);
  auto soldiers = candlestick_patterns(
      after_decline({bar(0, 100, 103.2, 99.8, 103), bar(0, 102, 106.2, 101.8, 106), bar(0, 105, 109.2, 104.8, 109)}));
  EXPECT_NE(find(soldiers, "three_white_soldiers"), nullptr);
  auto crows = candlestick_patterns(
      after_rise({bar(0, 115, 115.2, 111.8, 112), bar(0, 113, 113.2, 108.8, 109), bar(0, 110, 110.2, 105.8, 106)}));
  EXPECT_NE(find(crows, "three_black_crows"), nullptr);
  for (const auto& p : crows) EXPECT_TRUE(p.confidence >= 0 && p.confidence <= 1);
}

TEST(Levels, SwingPointsClusterIntoSupportAndResistance) {
  // A range between ~90 and ~110 (a triangle wave, period 20), last close ~100.
  std::vector<Candle> bars;
  for (int i = 0; i < 200; ++i) {
    const int phase = i % 20;
    const double mid = phase < 10 ? 90 + 2 * phase : 110 - 2 * (phase - 10);
    bars.push_back(bar(i, mid - 0.3, mid + 0.5, mid - 0.5, mid + 0.3));
  }
  const auto levels = support_resistance(bars);
  ASSERT_GE(levels.size(), 2u);
  const auto& low = levels.front();
  const auto& high = levels.back();
  EXPECT_EQ(low.kind, "support");
  EXPECT_NEAR(low.price, 89.5, 0.6);
  EXPECT_GE(low.touches, 5);
  EXPECT_EQ(high.kind, "resistance");
  EXPECT_NEAR(high.price, 110.5, 0.6);
}

TEST(Trend, DirectionAndStrength) {
  std::vector<Candle> up, flat;
  for (int i = 0; i < 60; ++i) {
    const double p = 100 * std::exp(0.01 * i) * (1 + 0.002 * ((i % 3) - 1));
    up.push_back(bar(i, p, p * 1.001, p * 0.999, p));
    const double f = 100 + ((i * 7919) % 13 - 6) * 0.3;
    flat.push_back(bar(i, f, f + 0.1, f - 0.1, f));
  }
  const auto t = trend(up);
  EXPECT_EQ(t.direction, "up");
  EXPECT_GT(t.strength, 0.8);
  EXPECT_NEAR(t.slope_pct_per_bar, 1.005, 0.05);
  std::vector<Candle> down(up.rbegin(), up.rend());
  EXPECT_EQ(trend(down).direction, "down");
  EXPECT_EQ(trend(flat).direction, "sideways");
}

}  // namespace
}  // namespace tc::market::analysis
