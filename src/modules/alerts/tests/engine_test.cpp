#include "modules/alerts/engine.h"
#include "modules/alerts/rule_parser.h"

#include <gtest/gtest.h>

#include <random>
#include <set>

namespace tc::alerts {
namespace {

RuleSpec rule(std::string id, std::string_view expr, Frequency freq = Frequency::once, std::int64_t cooldown = 0) {
  RuleSpec r;
  r.id = std::move(id);
  r.user_id = "u1";
  r.symbol = "AAPL";
  r.condition = parse_expression(expr);
  r.frequency = freq;
  r.cooldown_ms = cooldown;
  return r;
}

struct Feed {
  Engine engine;
  std::int64_t t = 1'700'000'000'000;
  std::vector<Fire> tick(double price, double size = 1, std::string_view symbol = "AAPL") {
    std::vector<Fire> out;
    t += 1000;
    engine.on_tick(symbol, t, price, size, out);
    return out;
  }
};

TEST(AlertEngine, CrossesAboveFiresWhenThePriceReachesTheThresholdExactly) {
  Feed f;
  f.engine.upsert(rule("a", "price crosses_above 200", Frequency::every_time));
  EXPECT_TRUE(f.tick(199).empty());  // the first tick only sets the previous price
  auto fires = f.tick(200);
  ASSERT_EQ(fires.size(), 1u);
  EXPECT_EQ(fires[0].price, 200);
  EXPECT_TRUE(f.tick(201).empty()) << "already at the threshold: 200 -> 201 is no crossing";
  EXPECT_TRUE(f.tick(200).empty()) << "coming back down to the threshold is no crossing above";
  EXPECT_TRUE(f.tick(199.5).empty());
  EXPECT_EQ(f.tick(200.5).size(), 1u);
}

TEST(AlertEngine, CrossesBelowAndGapsFireOnceAtTheGapPrice) {
  Feed f;
  f.engine.upsert(rule("b", "price crosses_below 100"));
  f.engine.upsert(rule("a", "price crosses_above 110"));
  f.tick(105);
  auto down = f.tick(90);  // a gap through 100
  ASSERT_EQ(down.size(), 1u);
  EXPECT_EQ(down[0].rule_id, "b");
  EXPECT_EQ(down[0].price, 90);
  EXPECT_TRUE(down[0].final);
  auto up = f.tick(130);  // a gap through 100 (no rule now) and 110
  ASSERT_EQ(up.size(), 1u);
  EXPECT_EQ(up[0].rule_id, "a");
  EXPECT_TRUE(f.tick(90).empty());
  EXPECT_TRUE(f.tick(130).empty()) << "frequency once: both rules are gone";
  EXPECT_EQ(f.engine.size(), 0u);
}

TEST(AlertEngine, TheIndexVisitsOnlyThresholdsInsideTheMove) {
  Feed f;
  for (int i = 0; i < 1000; ++i) {
    f.engine.upsert(rule("far" + std::to_string(i), "price crosses_above " + std::to_string(1000 + i)));
  }
  f.engine.upsert(rule("near", "price crosses_above 101"));
  f.tick(100);
  f.tick(100.5);
  EXPECT_EQ(f.engine.visits(), 0u) << "no threshold between 100 and 100.5";
  EXPECT_EQ(f.tick(101).size(), 1u);
  EXPECT_EQ(f.engine.visits(), 1u);
  f.tick(99, 1, "MSFT");  // another symbol's tick visits nothing
  EXPECT_EQ(f.engine.visits(), 1u);
  EXPECT_EQ(f.tick(1500).size(), 501u);
  EXPECT_EQ(f.engine.visits(), 502u);
}

// The index steps from where the last price sat in each sorted array; a random walk
// with jumps, thresholds landing exactly on prices, and rules added and removed on the
// way must give exactly the fires of a scan of every rule.
TEST(AlertEngine, TheIndexAgreesWithANaiveScanOnAWalkWithJumpsAndChangingRules) {
  struct Naive {
    std::string id;
    double threshold;
    bool above;
  };
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> where(90, 110);
  std::normal_distribution<double> step(0, 0.05);
  Feed f;
  std::vector<Naive> rules;
  auto add = [&](int i) {
    // Every tenth threshold is a whole number the walk's rounded prices hit exactly.
    const double t = i % 10 == 0 ? std::round(where(rng)) : where(rng);
    const bool above = i % 2 == 0;
    const auto id = "r" + std::to_string(i);
    auto r = rule(id, above ? "price crosses_above 1" : "price crosses_below 1", Frequency::every_time);
    r.condition.root.right.number = t;
    f.engine.upsert(std::move(r));
    rules.push_back({id, t, above});
  };
  for (int i = 0; i < 2000; ++i) add(i);
  double price = 100;
  double previous = 0;
  int next_id = 2000;
  std::size_t total = 0;
  for (int n = 0; n < 20000; ++n) {
    price += n % 997 == 0 ? (n % 2 ? 9 : -9) : step(rng);
    price = std::clamp(std::round(price * 100) / 100, 80.0, 120.0);
    if (n % 1000 == 500) {  // rules change between ticks
      for (int k = 0; k < 20; ++k) add(next_id++);
      const auto gone = rules.begin() + static_cast<std::ptrdiff_t>(n % rules.size());
      f.engine.remove(gone->id);
      rules.erase(gone);
    }
    std::set<std::string> expected;
    if (n > 0) {
      for (const auto& r : rules) {
        if (r.above ? (previous < r.threshold && price >= r.threshold)
                    : (previous > r.threshold && price <= r.threshold))
          expected.insert(r.id);
      }
    }
    std::set<std::string> got;
    for (const auto& fire : f.tick(price)) got.insert(fire.rule_id);
    ASSERT_EQ(got, expected) << "tick " << n << ": " << previous << " -> " << price;
    total += got.size();
    previous = price;
  }
  EXPECT_GT(total, 10'000u) << "the walk crosses many thresholds";
}

TEST(AlertEngine, CompositeRulesNeedEveryPartOnTheSameTick) {
  Feed f;
  f.engine.upsert(rule("c", "price crosses_above 50 and change(1m) >= 10", Frequency::every_time));
  f.engine.upsert(rule("d", "price < 10 or price > 60", Frequency::every_time));
  f.tick(40);
  auto fires = f.tick(51);  // +27.5% within the minute
  ASSERT_EQ(fires.size(), 1u);
  EXPECT_EQ(fires[0].rule_id, "c");
  f.tick(45);
  f.engine.upsert(rule("c", "price crosses_above 50 and change(1m) >= 50", Frequency::every_time));
  EXPECT_TRUE(f.tick(52).empty()) << "crossed, but the move is smaller than 50%";
  EXPECT_EQ(f.tick(61).size(), 1u);
  EXPECT_EQ(f.tick(5).size(), 1u);
  EXPECT_TRUE(f.tick(30).empty());
}

TEST(AlertEngine, EveryTimeWaitsForTheCooldownAndOncePerBarOncePerBucket) {
  Feed f;
  f.engine.upsert(rule("e", "price > 10", Frequency::every_time, 5000));
  auto n = 0;
  for (int i = 0; i < 10; ++i) n += static_cast<int>(f.tick(11).size());  // one tick per second
  EXPECT_EQ(n, 2) << "fires at 0 s and 5 s";
  Feed g;
  auto r = rule("p", "price > 10", Frequency::once_per_bar);
  r.timeframe = market::Timeframe::m1;
  g.engine.upsert(r);
  std::set<std::int64_t> bars;
  for (int i = 0; i < 180; ++i) {
    for (const auto& fire : g.tick(11)) EXPECT_TRUE(bars.insert(fire.bar).second);
  }
  EXPECT_GE(bars.size(), 3u);
  EXPECT_LE(bars.size(), 4u);
}

TEST(AlertEngine, ExpiredRulesDoNotFire) {
  Feed f;
  auto r = rule("x", "price crosses_above 10");
  r.expires_at_ms = f.t + 1500;
  f.engine.upsert(r, f.t);
  f.tick(9);
  EXPECT_TRUE(f.tick(11).empty());
  EXPECT_EQ(f.engine.size(), 0u);
  auto late = rule("y", "price > 1");
  late.expires_at_ms = f.t;
  f.engine.upsert(late, f.t);
  EXPECT_FALSE(f.engine.contains("y"));
}

TEST(AlertEngine, IndicatorRulesOnCloseShareStateAndWarmUpFromHistory) {
  std::vector<market::Candle> history;
  for (int i = 0; i < 30; ++i) {
    const double p = 100 - i;  // a steady fall: RSI near 0
    history.push_back({static_cast<std::int64_t>(i) * 60'000, p, p, p, p, 10});
  }
  int calls = 0;
  Engine engine([&](const std::string&, market::Timeframe) {
    ++calls;
    return history;
  });
  auto a = rule("r1", "rsi(14, 1m) < 30", Frequency::every_time);
  a.evaluate_on = EvaluateOn::close;
  a.timeframe = market::Timeframe::m1;
  auto b = a;
  b.id = "r2";
  engine.upsert(a);
  const int after_first = calls;
  engine.upsert(b);
  EXPECT_EQ(calls, after_first) << "the second rule reuses the first one's RSI";
  std::vector<Fire> out;
  engine.on_tick("AAPL", 29 * 60'000 + 30'000, 71, 1, out);
  EXPECT_TRUE(out.empty()) << "on close: nothing while the bar forms";
  engine.on_tick("AAPL", 30 * 60'000 + 1, 70, 1, out);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].price, 71) << "the closed bar's close";
}

TEST(AlertEngine, VolumeSpikeComparesTheFormingBarWithTheMeanOfClosedBars) {
  std::vector<market::Candle> history;
  for (int i = 0; i <= 20; ++i) {
    history.push_back({static_cast<std::int64_t>(i) * 60'000, 50, 50, 50, 50, i == 20 ? 0.0 : 10.0});
  }
  Engine engine([&](const std::string&, market::Timeframe) { return history; });
  engine.upsert(rule("v", "volume_ratio(5, 1m) >= 3", Frequency::every_time));
  std::vector<Fire> out;
  const std::int64_t t = std::int64_t{20} * 60'000;
  engine.on_tick("AAPL", t + 1000, 50, 10, out);  // 10 / 10 = 1
  engine.on_tick("AAPL", t + 2000, 50, 10, out);  // 2
  EXPECT_TRUE(out.empty());
  engine.on_tick("AAPL", t + 3000, 50, 9.99, out);  // 2.999: not yet
  EXPECT_TRUE(out.empty());
  engine.on_tick("AAPL", t + 4000, 50, 0.01, out);  // exactly 3
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].time_ms, t + 4000);
}

TEST(AlertEngine, RestoredFireStateIsNotRepeated) {
  // A rule restored after a restart with the bar it last fired in does not fire in that bar again.
  Feed f;
  auto r = rule("p", "price > 10", Frequency::once_per_bar);
  r.timeframe = market::Timeframe::h1;
  r.last_fired_bar = bar_start(f.t + 1000, market::Timeframe::h1);
  f.engine.upsert(r);
  EXPECT_TRUE(f.tick(11).empty());
  auto e = rule("e", "price > 10", Frequency::every_time, 60'000);
  e.last_fired_ms = f.t;
  f.engine.upsert(e);
  EXPECT_TRUE(f.tick(11).empty());
}

}  // namespace
}  // namespace tc::alerts
