// Replaying stored candles rebuilds exactly those candles, forming in market time.
#include "modules/market/replay_feed.h"
#include "app/tests/test_context.h"
#include "modules/market/market_module.h"

#include <gtest/gtest.h>

namespace tc::market {
namespace {

constexpr std::int64_t kJan2 = 1'704'153'600'000;  // 2024-01-02T00:00:00Z

TEST(ReplayFeed, RebuildsTheStoredCandlesAtTheChosenSpeed) {
  app::testing::TestContext t;
  auto migrate = [](infra::store::Connection& c) {
    for (const auto& m : migrations()) c.execute_script(m.sqlite_sql);
  };
  t.store->run_transaction(migrate);
  std::vector<Candle> stored;
  std::vector<StoredCandle> rows;
  for (int i = 0; i < 12; ++i) {
    const double o = 100 + i, c = i % 3 == 0 ? o - 0.5 : o + 0.75;
    stored.push_back({kJan2 + i * 60'000LL, o, std::max(o, c) + 0.25, std::min(o, c) - 0.5, c, 4.0 * (i + 1)});
    rows.push_back({"BTCUSD", Timeframe::m1, stored.back(), false});
  }
  auto write = [&rows](infra::store::Connection& c) { CandleStore::write(c, rows); };
  t.store->run_transaction(write);

  MarketState state(simulated_instruments(), {});
  CandleStore store(*t.store);
  std::size_t publications = 0;
  std::int64_t wall = 1'000'000;
  ReplayFeed feed(
      state, store, [&publications](const std::string&, const boost::json::value&) { ++publications; },
      [&wall] { return wall; }, {}, {.timeframe = Timeframe::m1, .speed = 60});
  feed.backfill();
  EXPECT_EQ(feed.market_time(wall), kJan2);
  EXPECT_TRUE(state.candles("BTCUSD", Timeframe::m1, {}).empty());

  // Half a wall second = 30 market seconds: the first candle (a falling one) has
  // its open and its high (at 20 s), not yet its low (at 40 s) or its close.
  feed.step_once(wall + 500);
  auto forming = state.candles("BTCUSD", Timeframe::m1, {});
  ASSERT_EQ(forming.size(), 1u);
  EXPECT_EQ(forming[0].open, stored[0].open);
  EXPECT_EQ(forming[0].high, stored[0].high);
  EXPECT_GT(forming[0].low, stored[0].low);
  EXPECT_FALSE(feed.finished());

  feed.step_once(wall + 60'000);  // an hour of market time: everything
  EXPECT_TRUE(feed.finished());
  EXPECT_EQ(state.candles("BTCUSD", Timeframe::m1, {}), stored);
  EXPECT_EQ(state.candles("BTCUSD", Timeframe::m5, {}), aggregate(stored, Timeframe::m5, CalendarKind::always));
  // Conflated per step: each of the two steps publishes its newest tick and the six
  // forming candles once; the 11 closed 1m and 2 closed 5m candles all go out.
  EXPECT_EQ(publications, 2u * (1 + 6) + 11 + 2);
  EXPECT_TRUE(state.candles("ETHUSD", Timeframe::m1, {}).empty());
}

}  // namespace
}  // namespace tc::market
