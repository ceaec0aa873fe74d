// The simulated feed: deterministic for a seed, prices on the tick grid, closed
// markets silent, correlated moves within an asset class, volatility clustering.
#include "modules/market/simulator.h"

#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <map>

namespace tc::market {
namespace {

constexpr std::int64_t kMin = 60'000;
constexpr std::int64_t kJan15 = 1'768'435'200'000;  // Thursday 00:00Z

std::vector<Candle> history_of(std::uint64_t seed, std::size_t instrument, int days, std::int64_t from = kJan15) {
  Simulator sim(simulated_instruments(), seed);
  std::vector<Candle> out;
  sim.history(from, from + kMin * 1440 * days, 1, [&](std::size_t i, const Candle& c) {
    if (i == instrument) out.push_back(c);
  });
  return out;
}

std::size_t index_of(const std::string& symbol) {
  const auto all = simulated_instruments();
  for (std::size_t i = 0; i < all.size(); ++i) {
    if (all[i].symbol == symbol) return i;
  }
  return 0;
}

TEST(Simulator, SameSeedSamePathOtherSeedOtherPath) {
  const auto btc = index_of("BTCUSD");
  const auto a = history_of(42, btc, 1), b = history_of(42, btc, 1), c = history_of(43, btc, 1);
  ASSERT_EQ(a.size(), 1440u);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  Simulator s1(simulated_instruments(), 9), s2(simulated_instruments(), 9);
  std::vector<SimTick> t1, t2;
  for (int i = 1; i <= 50; ++i) {
    s1.step(kJan15 + kMin * 60 * 15 + kMin / 240 * i, t1);
    s2.step(kJan15 + kMin * 60 * 15 + kMin / 240 * i, t2);
  }
  ASSERT_EQ(t1.size(), t2.size());
  for (std::size_t i = 0; i < t1.size(); ++i) EXPECT_EQ(t1[i].price, t2[i].price);
}

TEST(Simulator, PricesAreValidBarsOnTheTickGrid) {
  const auto all = simulated_instruments();
  EXPECT_GE(all.size(), 30u);
  Simulator sim(all, 1);
  std::size_t bars = 0;
  sim.history(kJan15, kJan15 + kMin * 1440 * 2, 1, [&](std::size_t i, const Candle& c) {
    ++bars;
    const double tick = all[i].tick_size;
    ASSERT_GT(c.low, 0) << all[i].symbol;
    ASSERT_LE(c.low, std::min(c.open, c.close));
    ASSERT_GE(c.high, std::max(c.open, c.close));
    ASSERT_GT(c.volume, 0);
    ASSERT_NEAR(c.close / tick, std::round(c.close / tick), 1e-6) << all[i].symbol;
  });
  EXPECT_GT(bars, 40'000u);
}

TEST(Simulator, ClosedMarketsDoNotTick) {
  const auto all = simulated_instruments();
  Simulator sim(all, 3);
  std::vector<SimTick> ticks;
  // Saturday 2026-01-17 15:00Z: only crypto trades.
  const std::int64_t saturday = kJan15 + kMin * 1440 * 2 + kMin * 60 * 15;
  sim.step(saturday, ticks);
  sim.step(saturday + 250, ticks);
  ASSERT_FALSE(ticks.empty());
  for (const auto& t : ticks) EXPECT_EQ(all[t.instrument].asset_class, "crypto");
  // Stock minute bars only inside 09:30–16:00 New York on a weekday: 390 a day.
  EXPECT_EQ(history_of(5, index_of("AAPL"), 1).size(), 390u);
}

double correlation(const std::vector<double>& a, const std::vector<double>& b) {
  double ma = 0, mb = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    ma += a[i];
    mb += b[i];
  }
  ma /= static_cast<double>(a.size());
  mb /= static_cast<double>(b.size());
  double cov = 0, va = 0, vb = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    cov += (a[i] - ma) * (b[i] - mb);
    va += (a[i] - ma) * (a[i] - ma);
    vb += (b[i] - mb) * (b[i] - mb);
  }
  return cov / std::sqrt(va * vb);
}

std::vector<double> log_returns(const std::vector<Candle>& bars) {
  std::vector<double> r;
  r.reserve(bars.size());
  for (const auto& c : bars) r.push_back(std::log(c.close / c.open));
  return r;
}

TEST(Simulator, MovesAreCorrelatedWithinAnAssetClassAndVolatilityClusters) {
  // Monday to Thursday: FX trades throughout, so the minutes line up.
  const std::int64_t monday = kJan15 - kMin * 1440 * 3;
  const auto btc = log_returns(history_of(8, index_of("BTCUSD"), 3, monday));
  const auto eth = log_returns(history_of(8, index_of("ETHUSD"), 3, monday));
  const auto eur = log_returns(history_of(8, index_of("EURUSD"), 3, monday));
  ASSERT_EQ(btc.size(), eur.size());
  // Loadings 0.8 and 0.8 on the crypto factor: about 0.64; none across classes.
  EXPECT_GT(correlation(btc, eth), 0.5);
  EXPECT_LT(std::abs(correlation(btc, eur)), 0.1);
  // GARCH: squared returns are autocorrelated (large moves follow large moves).
  std::vector<double> sq, sq_next;
  for (std::size_t i = 0; i + 1 < btc.size(); ++i) {
    sq.push_back(btc[i] * btc[i]);
    sq_next.push_back(btc[i + 1] * btc[i + 1]);
  }
  EXPECT_GT(correlation(sq, sq_next), 0.03);
}

TEST(Simulator, StockVolumeFollowsTheIntradayU) {
  const auto bars = history_of(4, index_of("SPY"), 1);
  ASSERT_EQ(bars.size(), 390u);
  double open = 0, lunch = 0, close = 0;
  for (int i = 0; i < 30; ++i) {
    open += bars[i].volume;
    lunch += bars[180 + i].volume;
    close += bars[360 + i].volume;
  }
  EXPECT_GT(open, 1.5 * lunch);
  EXPECT_GT(close, 1.2 * lunch);
}

// Volume by UTC hour of day, summed over the bars given.
std::map<int, double> volume_by_hour(const std::vector<Candle>& bars) {
  std::map<int, double> v;
  for (const auto& b : bars) v[static_cast<int>((b.time_ms / 3'600'000) % 24)] += b.volume;
  return v;
}

TEST(Simulator, FxVolumePeaksInTheLondonNewYorkOverlapAndCryptoInTheAfternoon) {
  const std::int64_t monday = kJan15 - kMin * 1440 * 3;
  const auto fx = volume_by_hour(history_of(5, index_of("EURUSD"), 3, monday));
  EXPECT_GT(fx.at(14), 2 * fx.at(2));  // ~14:00 UTC against the Asian night
  const auto crypto = volume_by_hour(history_of(5, index_of("BTCUSD"), 3, monday));
  EXPECT_GT(crypto.at(15), 1.5 * crypto.at(3));
}

// Realised volatility of hourly returns, annualised over the instrument's trading
// hours per year, is the instrument's volatility (GARCH's long-run level).
TEST(Simulator, RealisedVolatilityMatchesEachInstrumentsParameter) {
  const auto all = simulated_instruments();
  for (const auto& [symbol, hours_per_year] : {std::pair{"BTCUSD", 365.25 * 24}, std::pair{"EURUSD", 260.0 * 24}}) {
    Simulator sim(all, 3);
    std::vector<double> r;
    const std::int64_t from = kJan15 - kMin * 1440 * 365;
    const auto i = index_of(symbol);
    sim.history(from, kJan15, 60, [&](std::size_t k, const Candle& c) {
      if (k == i) r.push_back(std::log(c.close / c.open));
    });
    ASSERT_GT(r.size(), 5000u) << symbol;
    double mean = 0, var = 0;
    for (double x : r) mean += x;
    mean /= static_cast<double>(r.size());
    for (double x : r) var += (x - mean) * (x - mean);
    var /= static_cast<double>(r.size() - 1);
    const double annual = std::sqrt(var * hours_per_year);
    EXPECT_NEAR(annual, all[i].volatility, 0.25 * all[i].volatility) << symbol;
  }
}

// Jumps are the only source of moves many times the minute's volatility: the same
// instrument with and without them, side by side in one simulator.
TEST(Simulator, JumpsArePoissonArrivalsFarOutsideTheDiffusion) {
  auto make = [](const char* symbol, double jumps_per_year) {
    return Instrument{.symbol = symbol,
                      .asset_class = "crypto",
                      .tick_size = 1e-8,
                      .calendar = CalendarKind::always,
                      .start_price = 100,
                      .drift = 0,
                      .volatility = 0.5,
                      .factor_loading = 0,
                      .jumps_per_year = jumps_per_year};
  };
  Simulator sim({make("CALM", 0), make("JUMPY", 20'000)}, 9);
  const double sigma = 0.5 / std::sqrt(365.25 * 1440);  // per-minute volatility
  std::array<int, 2> big{0, 0};
  sim.history(kJan15, kJan15 + kMin * 1440 * 2, 1, [&](std::size_t i, const Candle& c) {
    if (std::abs(std::log(c.close / c.open)) > 15 * sigma) ++big[i];
  });
  EXPECT_EQ(big[0], 0);
  // 20,000 a year is ~110 in two days; a jump (sd 2.5 %, 36 sigma) exceeds 15 sigma
  // about two times in three: ~75 expected.
  EXPECT_GT(big[1], 40);
  EXPECT_LT(big[1], 130);
}

}  // namespace
}  // namespace tc::market
