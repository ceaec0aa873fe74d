// The feed without its timer: history at start, then each step's ticks published
// on market:<SYMBOL> and candles:<SYMBOL>:<tf>, closed candles stored at stop.
#include "modules/market/sim_feed.h"
#include "app/tests/test_context.h"
#include "modules/market/market_module.h"

#include <gtest/gtest.h>

namespace tc::market {
namespace {

constexpr std::int64_t kJan15 = 1'768'435'200'000;  // Thursday 00:00Z: crypto and FX open, stocks closed

TEST(SimFeed, BackfillsPublishesAndStoresClosedCandles) {
  app::testing::TestContext t;
  auto migrate = [](infra::store::Connection& c) {
    for (const auto& m : migrations()) c.execute_script(m.sqlite_sql);
  };
  t.store->run_transaction(migrate);
  const auto instruments = simulated_instruments();
  MarketState state(instruments, {});
  CandleStore store(*t.store);
  std::vector<std::pair<std::string, boost::json::object>> published;
  std::int64_t now = kJan15;
  SimFeed feed(
      state, Simulator(instruments, 1), store,
      [&published](const std::string& channel, const boost::json::value& data) {
        published.emplace_back(channel, data.as_object());
      },
      [&now] { return now; }, {}, {.history_days = 3});
  feed.backfill();
  // History is there before any live tick: 3 days of hours, 2 of minutes.
  EXPECT_GE(state.candles("BTCUSD", Timeframe::h1, {.limit = 5000}).size(), 5u * 24);
  EXPECT_EQ(state.candles("BTCUSD", Timeframe::m1, {.limit = 5000}).back().time_ms, kJan15 - 60'000);
  EXPECT_TRUE(published.empty());

  for (int i = 1; i <= 8; ++i) feed.step_once(kJan15 + i * 15'000LL);  // two minutes of ticks
  std::size_t ticks = 0, forming = 0;
  const boost::json::object* closed_first_minute = nullptr;
  for (const auto& [channel, data] : published) {
    if (channel.rfind("market:AAPL", 0) == 0) ADD_FAILURE() << "a closed market ticked";
    EXPECT_TRUE(data.at("simulated").as_bool());
    if (channel == "market:BTCUSD") ++ticks;
    if (channel == "candles:BTCUSD:1m" && !data.at("closed").as_bool()) ++forming;
    if (channel == "candles:BTCUSD:1m" && data.at("closed").as_bool() && data.at("time_ms").as_int64() == kJan15) {
      closed_first_minute = &data;
    }
  }
  EXPECT_EQ(ticks, 8u);
  EXPECT_EQ(forming, 8u);
  ASSERT_NE(closed_first_minute, nullptr) << "the minute that ended was published as closed";
  const auto in_memory = state.candles("BTCUSD", Timeframe::m1, {.from_ms = kJan15, .to_ms = kJan15});
  ASSERT_EQ(in_memory.size(), 1u);
  EXPECT_EQ(closed_first_minute->at("close").as_double(), in_memory[0].close);

  ASSERT_GT(store.queued(), 0u);
  feed.stop();  // writes what is queued
  EXPECT_EQ(store.queued(), 0u);
  auto read = [](infra::store::Connection& c) {
    return CandleStore::read(c, "BTCUSD", Timeframe::m1, kJan15, kJan15, 10);
  };
  const auto stored = t.store->run_with_connection(read);
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_EQ(stored[0], in_memory[0]);
}

}  // namespace
}  // namespace tc::market
