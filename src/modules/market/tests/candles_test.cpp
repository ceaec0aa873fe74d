// Candle aggregation: event-time open/close, late and out-of-order ticks, daily
// buckets on the exchange's day, and higher timeframes derived from lower.
#include "core/errors.h"
#include "modules/market/calendar.h"
#include "modules/market/candle_series.h"
#include "modules/market/market_state.h"

#include <gtest/gtest.h>

namespace tc::market {
namespace {

constexpr std::int64_t kMin = 60'000;
constexpr std::int64_t kHour = 60 * kMin;
// 2026-01-15T00:00:00Z (a Thursday, New York on EST) and 2026-07-15T00:00:00Z (EDT, a Wednesday).
constexpr std::int64_t kJan15 = 1'768'435'200'000;
constexpr std::int64_t kJul15 = 1'784'073'600'000;

TEST(Calendar, NewYorkOffsetFollowsUsDaylightSaving) {
  EXPECT_EQ(new_york_offset_ms(kJan15), -5 * kHour);
  EXPECT_EQ(new_york_offset_ms(kJul15), -4 * kHour);
  // 2026-03-08 (second Sunday of March) 07:00Z is 02:00 EST: the switch.
  const std::int64_t mar8 = 1'772'928'000'000;
  EXPECT_EQ(new_york_offset_ms(mar8 + 7 * kHour - 1), -5 * kHour);
  EXPECT_EQ(new_york_offset_ms(mar8 + 7 * kHour), -4 * kHour);
  // 2026-11-01 (first Sunday of November) 06:00Z is 02:00 EDT.
  const std::int64_t nov1 = 1'793'491'200'000;
  EXPECT_EQ(new_york_offset_ms(nov1 + 6 * kHour - 1), -4 * kHour);
  EXPECT_EQ(new_york_offset_ms(nov1 + 6 * kHour), -5 * kHour);
}

TEST(Calendar, TradingDaysAndSessions) {
  // Crypto: UTC midnight. US equities: New York midnight. FX: 17:00 New York.
  EXPECT_EQ(trading_day_start(CalendarKind::always, kJan15 + 3 * kHour), kJan15);
  EXPECT_EQ(trading_day_start(CalendarKind::us_equities, kJan15 + 15 * kHour), kJan15 + 5 * kHour);
  EXPECT_EQ(trading_day_start(CalendarKind::us_equities, kJan15 + 3 * kHour), kJan15 - 19 * kHour);
  EXPECT_EQ(trading_day_start(CalendarKind::us_equities, kJul15 + 15 * kHour), kJul15 + 4 * kHour);
  EXPECT_EQ(trading_day_start(CalendarKind::fx, kJan15 + 23 * kHour), kJan15 + 22 * kHour);
  EXPECT_EQ(trading_day_start(CalendarKind::fx, kJan15 + 21 * kHour), kJan15 - 2 * kHour);
  // NYSE: 09:30–16:00 New York = 14:30–21:00Z in January.
  EXPECT_FALSE(is_open(CalendarKind::us_equities, kJan15 + 14 * kHour + 29 * kMin));
  EXPECT_TRUE(is_open(CalendarKind::us_equities, kJan15 + 14 * kHour + 30 * kMin));
  EXPECT_FALSE(is_open(CalendarKind::us_equities, kJan15 + 21 * kHour));
  // Saturday 2026-01-17 is closed for stocks and FX, open for crypto.
  EXPECT_FALSE(is_open(CalendarKind::us_equities, kJan15 + kHour * 2 * 24 + kHour * 15));
  EXPECT_FALSE(is_open(CalendarKind::fx, kJan15 + kHour * 2 * 24 + kHour * 15));
  EXPECT_TRUE(is_open(CalendarKind::always, kJan15 + kHour * 2 * 24 + kHour * 15));
  // FX opens Sunday 17:00 New York (22:00Z in winter).
  const std::int64_t sunday = kJan15 + kHour * 3 * 24;
  EXPECT_FALSE(is_open(CalendarKind::fx, sunday + 21 * kHour + 59 * kMin));
  EXPECT_TRUE(is_open(CalendarKind::fx, sunday + 22 * kHour));
}

TEST(CandleSeries, TicksBuildOhlcvByEventTime) {
  CandleSeries s(Timeframe::m1, CalendarKind::always, 100);
  EXPECT_EQ(s.apply_tick(kJan15 + 1000, 10, 1), TickEffect::updated_forming);
  EXPECT_EQ(s.apply_tick(kJan15 + 5000, 12, 2), TickEffect::updated_forming);
  // Out of order inside the bucket: earlier than the first tick, so it is the
  // open; not the latest, so the close stays.
  EXPECT_EQ(s.apply_tick(kJan15 + 500, 9, 1), TickEffect::updated_forming);
  EXPECT_EQ(s.apply_tick(kJan15 + 3000, 15, 1), TickEffect::updated_forming);
  EXPECT_EQ(s.newest(), (Candle{kJan15, 9, 15, 9, 12, 5}));
  // The next minute closes it; a late tick for it amends it; older is dropped.
  EXPECT_EQ(s.apply_tick(kJan15 + kMin + 10, 11, 1), TickEffect::opened);
  EXPECT_EQ(s.apply_tick(kJan15 + 59'000, 8, 1), TickEffect::amended_closed);
  EXPECT_EQ(*s.previous(), (Candle{kJan15, 9, 15, 8, 8, 6}));
  EXPECT_EQ(s.apply_tick(kJan15 + 2 * kMin, 11, 1), TickEffect::opened);
  EXPECT_EQ(s.apply_tick(kJan15 + 10, 1, 1), TickEffect::dropped);
  EXPECT_EQ(s.size(), 3u);
}

TEST(CandleSeries, RangeSelectsByBucketAndKeepsTheNewest) {
  CandleSeries s(Timeframe::m5, CalendarKind::always, 100);
  for (int i = 0; i < 10; ++i) s.apply_tick(kJan15 + kMin * 5 * i, 100 + i, 1);
  auto all = s.range(INT64_MIN, INT64_MAX, 100);
  ASSERT_EQ(all.size(), 10u);
  auto mid = s.range(kJan15 + 10 * kMin, kJan15 + 20 * kMin, 100);
  ASSERT_EQ(mid.size(), 3u);
  EXPECT_EQ(mid.front().close, 102);
  auto last2 = s.range(INT64_MIN, INT64_MAX, 2);
  ASSERT_EQ(last2.size(), 2u);
  EXPECT_EQ(last2.back().close, 109);
  // Bounded memory: the oldest go first.
  CandleSeries small(Timeframe::m1, CalendarKind::always, 3);
  for (int i = 0; i < 5; ++i) small.apply_tick(kJan15 + i * kMin, i, 1);
  EXPECT_EQ(small.range(INT64_MIN, INT64_MAX, 10).front().close, 2);
}

TEST(CandleSeries, DailyCandlesFollowTheExchangeDay) {
  CandleSeries stock(Timeframe::d1, CalendarKind::us_equities, 10);
  stock.apply_tick(kJan15 + 15 * kHour, 100, 1);  // 10:00 New York, Jan 15
  stock.apply_tick(kJan15 + 28 * kHour, 101, 1);  // 23:00 New York, still Jan 15
  EXPECT_EQ(stock.size(), 1u);
  EXPECT_EQ(stock.newest().time_ms, kJan15 + 5 * kHour);
  stock.apply_tick(kJan15 + 29 * kHour + 1, 102, 1);  // 00:00 New York, Jan 16
  EXPECT_EQ(stock.size(), 2u);
  CandleSeries fx(Timeframe::d1, CalendarKind::fx, 10);
  fx.apply_tick(kJan15 + 21 * kHour, 1.1, 1);  // 16:00 New York
  fx.apply_tick(kJan15 + 22 * kHour, 1.2, 1);  // 17:00 New York: the next FX day
  EXPECT_EQ(fx.size(), 2u);
  EXPECT_EQ(fx.newest().time_ms, kJan15 + 22 * kHour);
}

TEST(CandleSeries, HigherTimeframesDeriveFromLower) {
  CandleSeries m1(Timeframe::m1, CalendarKind::always, 1000);
  CandleSeries h1(Timeframe::h1, CalendarKind::always, 100);
  for (int i = 0; i < 180; ++i) {
    const double p = 100 + (i % 17) - (i % 5);
    m1.apply_tick(kJan15 + i * kMin + 100, p, 1 + i % 3);
    m1.apply_tick(kJan15 + i * kMin + 200, p + 0.5, 1);
    h1.apply_tick(kJan15 + i * kMin + 100, p, 1 + i % 3);
    h1.apply_tick(kJan15 + i * kMin + 200, p + 0.5, 1);
  }
  const auto derived = aggregate(m1.range(INT64_MIN, INT64_MAX, 1000), Timeframe::h1, CalendarKind::always);
  EXPECT_EQ(derived, h1.range(INT64_MIN, INT64_MAX, 100));
  EXPECT_EQ(derived.size(), 3u);
}

TEST(MarketState, TickRetentionKeepsTheNewest) {
  MarketState state({Instrument{.symbol = "ETHUSD"}}, {.tick_retention = 3});
  for (int i = 1; i <= 7; ++i) state.ingest_tick(0, kJan15 + i * 1000LL, i, 1);
  const auto ticks = state.recent_ticks("ETHUSD", 100);
  ASSERT_EQ(ticks.size(), 3u);
  EXPECT_EQ(ticks[0].price, 5);
  EXPECT_EQ(ticks[2].price, 7);
  EXPECT_EQ(ticks[2].time_ms, kJan15 + 7000);
}

TEST(MarketState, LateTicksBeyondTheWindowAreDroppedAndListenersSeeTicks) {
  MarketState state({Instrument{.symbol = "BTCUSD", .name = "Bitcoin", .asset_class = "crypto"}},
                    {.late_tick_window_ms = 2000});
  std::vector<double> heard;
  const auto id = state.add_tick_listener([&heard](const Tick& t) { heard.push_back(t.price); });
  EXPECT_TRUE(state.ingest_tick(0, kJan15 + 10'000, 100, 1).accepted);
  EXPECT_TRUE(state.ingest_tick(0, kJan15 + 8'500, 99, 1).accepted);   // 1.5 s late: inside the window
  EXPECT_FALSE(state.ingest_tick(0, kJan15 + 7'000, 98, 1).accepted);  // 3 s late: dropped
  EXPECT_EQ(state.late_ticks_dropped(), 1u);
  const auto u = state.ingest_tick(0, kJan15 + kMin, 101, 1);
  EXPECT_EQ(u.effects[index(Timeframe::m1)], TickEffect::opened);
  EXPECT_EQ(u.closed[index(Timeframe::m1)], (Candle{kJan15, 99, 100, 99, 100, 2}));
  EXPECT_EQ(u.effects[index(Timeframe::h1)], TickEffect::updated_forming);
  state.remove_tick_listener(id);
  state.ingest_tick(0, kJan15 + kMin + 1, 102, 1);
  EXPECT_EQ(heard, (std::vector<double>{100, 99, 101}));
  const auto q = state.quote("btcusd");
  ASSERT_TRUE(q.has_value());
  EXPECT_EQ(q->last, 102);
  EXPECT_LT(q->bid, q->ask);
  EXPECT_EQ(state.candles("BTCUSD", Timeframe::m1, {}).size(), 2u);
  // Raw ticks retained in arrival order (the dropped one is not among them).
  const auto ticks = state.recent_ticks("BTCUSD", 10);
  ASSERT_EQ(ticks.size(), 4u);
  EXPECT_EQ(ticks[1].price, 99);
  EXPECT_EQ(ticks[3].price, 102);
  EXPECT_EQ(state.recent_ticks("BTCUSD", 2).front().price, 101);
  EXPECT_THROW(state.candles("NOPE", Timeframe::m1, {}), Error);
}

}  // namespace
}  // namespace tc::market
