// Indicator math against hand-computed and published reference values, and the
// streaming contract: peek == update for the same bar, and peek commits nothing.
#include "core/errors.h"
#include "modules/market/indicators/moving_averages.h"
#include "modules/market/indicators/oscillators.h"
#include "modules/market/indicators/registry.h"
#include "modules/market/indicators/trend.h"
#include "modules/market/indicators/volatility.h"
#include "modules/market/indicators/volume.h"
#include "modules/market/simulator.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>

namespace tc::market::ind {
namespace {

Bar close_bar(double c, std::int64_t t = 0) { return {t, c, c, c, c, 1}; }

template <class I>
std::vector<double> run_close(I ind, const std::vector<double>& closes, std::size_t output = 0) {
  std::vector<double> out;
  out.reserve(closes.size());
  for (double c : closes) out.push_back(ind.update(close_bar(c))[output]);
  return out;
}

TEST(Indicators, SmaEmaWmaByHand) {
  const std::vector<double> x{1, 2, 3, 4, 5};
  auto sma = run_close(SmaIndicator(3), x);
  EXPECT_TRUE(std::isnan(sma[1]));
  EXPECT_DOUBLE_EQ(sma[2], 2);
  EXPECT_DOUBLE_EQ(sma[4], 4);
  // EMA(3): seeded with SMA(1,2,3) = 2, then k = 0.5.
  auto ema = run_close(EmaIndicator(3), x);
  EXPECT_TRUE(std::isnan(ema[1]));
  EXPECT_DOUBLE_EQ(ema[2], 2);
  EXPECT_DOUBLE_EQ(ema[3], 3);
  EXPECT_DOUBLE_EQ(ema[4], 4);
  // WMA(3) of 1,2,3 = (1·1 + 2·2 + 3·3) / 6; of 3,4,5 = (3 + 8 + 15) / 6.
  auto wma = run_close(WmaIndicator(3), x);
  EXPECT_DOUBLE_EQ(wma[2], 14.0 / 6);
  EXPECT_DOUBLE_EQ(wma[4], 26.0 / 6);
}

TEST(Indicators, WmaAndExtremesMatchBruteForce) {
  Rng rng(7);
  const int n = 9;
  Wma wma(n);
  RollingMax mx(n);
  RollingMin mn(n);
  std::vector<double> seen;
  for (int i = 0; i < 500; ++i) {
    const double x = 100 + 10 * rng.normal();
    const double peek_max = mx.peek(x), peek_min = mn.peek(x), peek_wma = wma.peek(x);
    seen.push_back(x);
    const double got_wma = wma.update(x), got_max = mx.update(x), got_min = mn.update(x);
    if (seen.size() < static_cast<std::size_t>(n)) {
      EXPECT_TRUE(std::isnan(got_max) && std::isnan(peek_max) && std::isnan(got_wma) && std::isnan(peek_wma));
      continue;
    }
    EXPECT_EQ(peek_max, got_max);
    EXPECT_EQ(peek_min, got_min);
    double num = 0, hi = -1e300, lo = 1e300;
    for (int k = 0; k < n; ++k) {
      const double v = seen[seen.size() - n + k];
      num += (k + 1) * v;
      hi = std::max(hi, v);
      lo = std::min(lo, v);
    }
    EXPECT_NEAR(got_wma, num / (n * (n + 1) / 2.0), 1e-9);
    EXPECT_NEAR(peek_wma, got_wma, 1e-9);
    EXPECT_EQ(got_max, hi);
    EXPECT_EQ(got_min, lo);
  }
}

// Wilder's RSI on the worked example StockCharts publishes (ChartSchool "RSI",
// 14 periods; its spreadsheet's closes have four decimals, the table shows two).
TEST(Indicators, RsiMatchesPublishedWilderExample) {
  const std::vector<double> closes{44.3389, 44.0902, 44.1497, 43.6124, 44.3278, 44.8264, 45.0955,
                                   45.4245, 45.8433, 46.0826, 45.8931, 46.0328, 45.6140, 46.2820,
                                   46.2820, 46.0028, 46.0328, 46.4116, 46.2222, 45.6439};
  auto rsi = run_close(RsiIndicator(14), closes);
  EXPECT_TRUE(std::isnan(rsi[13]));
  const std::vector<double> expected{70.53, 66.32, 66.55, 69.41, 66.36, 57.97};
  for (std::size_t i = 0; i < expected.size(); ++i) EXPECT_NEAR(rsi[14 + i], expected[i], 0.01) << i;
}

TEST(Indicators, BollingerUsesPopulationDeviation) {
  // Mean 5, population standard deviation 2.
  auto mid = run_close(BollingerIndicator(8, 2), {2, 4, 4, 4, 5, 5, 7, 9}, 0);
  auto up = run_close(BollingerIndicator(8, 2), {2, 4, 4, 4, 5, 5, 7, 9}, 1);
  auto lo = run_close(BollingerIndicator(8, 2), {2, 4, 4, 4, 5, 5, 7, 9}, 2);
  auto pb = run_close(BollingerIndicator(8, 2), {2, 4, 4, 4, 5, 5, 7, 9}, 3);
  EXPECT_DOUBLE_EQ(mid[7], 5);
  EXPECT_NEAR(up[7], 9, 1e-12);
  EXPECT_NEAR(lo[7], 1, 1e-12);
  EXPECT_NEAR(pb[7], 1, 1e-12);
}

TEST(Indicators, BollingerStaysExactOnLargePrices) {
  // Around 65,000 with cent moves: naive Σx² − (Σx)²/n would lose the variance.
  BollingerIndicator bb(3, 1);
  Values v;
  for (double x : {65000.01, 65000.02, 65000.03}) v = bb.update(close_bar(x));
  EXPECT_NEAR(v[1] - v[0], std::sqrt(2.0 / 3) * 0.01, 1e-9);
}

TEST(Indicators, AtrStochasticWilliamsByHand) {
  const std::vector<Bar> bars{
      {0, 10, 12, 9, 11, 100}, {1, 11, 13, 10, 12, 100}, {2, 12, 15, 11, 14, 100}, {3, 14, 14, 8, 9, 100}};
  AtrIndicator atr(2);
  StochasticIndicator st(3, 2);
  WilliamsRIndicator wr(3);
  std::vector<Values> a, s, w;
  for (const auto& b : bars) {
    a.push_back(atr.update(b));
    s.push_back(st.update(b));
    w.push_back(wr.update(b));
  }
  // TR: bar1 max(3, 2, 1) = 3; bar2 max(4, 3, 1) = 4; bar3 max(6, 0, 6) = 6.
  EXPECT_TRUE(std::isnan(a[1][0]));
  EXPECT_DOUBLE_EQ(a[2][0], 3.5);
  EXPECT_DOUBLE_EQ(a[3][0], (3.5 * 1 + 6) / 2);
  // Bar 2: HH 15, LL 9 → %K = (14 − 9) / 6 · 100; bar 3: HH 15, LL 8 → (9 − 8) / 7 · 100.
  EXPECT_DOUBLE_EQ(s[2][0], 500.0 / 6);
  EXPECT_DOUBLE_EQ(s[3][0], 100.0 / 7);
  EXPECT_TRUE(std::isnan(s[2][1]));
  EXPECT_DOUBLE_EQ(s[3][1], (500.0 / 6 + 100.0 / 7) / 2);
  EXPECT_DOUBLE_EQ(w[2][0], (15 - 14) / 6.0 * -100);
  EXPECT_DOUBLE_EQ(w[3][0], (15 - 9) / 7.0 * -100);
}

TEST(Indicators, RocObvDonchianMacdByHand) {
  auto roc = run_close(RocIndicator(2), {10, 11, 12, 9});
  EXPECT_TRUE(std::isnan(roc[1]));
  EXPECT_DOUBLE_EQ(roc[2], 20);
  EXPECT_DOUBLE_EQ(roc[3], (9 - 11) / 11.0 * 100);

  ObvIndicator obv;
  std::vector<double> o;
  for (const auto& b :
       std::vector<Bar>{{0, 0, 0, 0, 10, 5}, {0, 0, 0, 0, 11, 7}, {0, 0, 0, 0, 11, 3}, {0, 0, 0, 0, 9, 4}})
    o.push_back(obv.update(b)[0]);
  EXPECT_TRUE(std::isnan(o[0]));
  EXPECT_EQ(o[1], 7);
  EXPECT_EQ(o[2], 7);
  EXPECT_EQ(o[3], 3);

  DonchianIndicator dc(2);
  dc.update({0, 0, 5, 1, 3, 1});
  const auto d = dc.update({0, 0, 4, 2, 3, 1});
  EXPECT_EQ(d[0], 5);
  EXPECT_EQ(d[1], 3);
  EXPECT_EQ(d[2], 1);

  // MACD line = EMA(fast) − EMA(slow); signal = EMA of the line.
  std::vector<double> x;
  x.reserve(60);
  for (int i = 0; i < 60; ++i) x.push_back(100 + std::sin(i / 4.0) * 5 + i * 0.1);
  auto fast = run_close(EmaIndicator(5), x), slow = run_close(EmaIndicator(10), x);
  auto line = run_close(MacdIndicator(5, 10, 3), x, 0);
  auto signal = run_close(MacdIndicator(5, 10, 3), x, 1);
  auto hist = run_close(MacdIndicator(5, 10, 3), x, 2);
  EXPECT_TRUE(std::isnan(line[8]));
  for (std::size_t i = 9; i < x.size(); ++i) EXPECT_NEAR(line[i], fast[i] - slow[i], 1e-12);
  EXPECT_TRUE(std::isnan(signal[10]));
  EXPECT_NEAR(signal[11], (line[9] + line[10] + line[11]) / 3, 1e-12);
  EXPECT_NEAR(hist[20], line[20] - signal[20], 1e-12);
}

TEST(Indicators, VwapRestartsEachSession) {
  VwapIndicator vwap([](std::int64_t t) { return t / 100; });
  EXPECT_DOUBLE_EQ(vwap.update({10, 0, 12, 8, 10, 2})[0], 10);
  EXPECT_DOUBLE_EQ(vwap.update({20, 0, 22, 18, 20, 2})[0], 15);
  // A new session: only this bar counts.
  EXPECT_DOUBLE_EQ(vwap.update({110, 0, 33, 27, 30, 1})[0], 30);
}

TEST(Indicators, DemaTemaFollowALinearTrendExactly) {
  // On a straight line, DEMA and TEMA remove the EMA's lag entirely.
  std::vector<double> x;
  x.reserve(80);
  for (int i = 0; i < 80; ++i) x.push_back(50 + 2.0 * i);
  auto dema = run_close(DemaIndicator(5), x);
  auto tema = run_close(TemaIndicator(5), x);
  EXPECT_TRUE(std::isnan(dema[7]));
  EXPECT_FALSE(std::isnan(dema[8]));
  EXPECT_TRUE(std::isnan(tema[11]));
  EXPECT_FALSE(std::isnan(tema[12]));
  EXPECT_NEAR(dema[79], x[79], 1e-6);
  EXPECT_NEAR(tema[79], x[79], 1e-6);
}

std::vector<Bar> random_bars(std::size_t n, std::uint64_t seed) {
  Rng rng(seed);
  std::vector<Bar> bars;
  double price = 100;
  for (std::size_t i = 0; i < n; ++i) {
    const double open = price;
    price *= std::exp(0.01 * rng.normal());
    const double high = std::max(open, price) * (1 + 0.003 * rng.uniform());
    const double low = std::min(open, price) * (1 - 0.003 * rng.uniform());
    bars.push_back({static_cast<std::int64_t>(i) * 60'000, open, high, low, price, 100 + 50 * rng.uniform()});
  }
  return bars;
}

// Exact equality, with "not ready" (NaN) equal to itself.
bool same(const Values& a, const Values& b) {
  for (std::size_t i = 0; i < Values::kMax; ++i) {
    if (std::isnan(a[i]) != std::isnan(b[i]) || (!std::isnan(a[i]) && a[i] != b[i])) return false;
  }
  return true;
}

// For every indicator in the catalogue: peeking a bar gives what updating with
// it gives, and peeks in between (of bars that never close) change nothing.
TEST(Indicators, PeekEqualsUpdateAndCommitsNothing) {
  const auto bars = random_bars(400, 11);
  const auto noise = random_bars(400, 12);
  for (const auto& spec : indicator_specs()) {
    const auto params = resolve_params(spec, {});
    auto plain = spec.make(params, {});
    auto peeked = spec.make(params, {});
    int ready_count = 0;
    for (std::size_t i = 0; i < bars.size(); ++i) {
      (void)peeked->peek(noise[i]);
      const auto predicted = peeked->peek(bars[i]);
      const auto a = plain->update(bars[i]);
      const auto b = peeked->update(bars[i]);
      ASSERT_TRUE(same(a, b)) << spec.name << " diverged at bar " << i;
      for (std::size_t k = 0; k < spec.outputs.size(); ++k) {
        if (std::isnan(a[k])) {
          EXPECT_TRUE(std::isnan(predicted[k])) << spec.name << " " << i;
        } else {
          EXPECT_NEAR(predicted[k], a[k], 1e-9 * std::max(1.0, std::abs(a[k]))) << spec.name << " " << i;
        }
      }
      ready_count += std::isnan(a[0]) ? 0 : 1;
    }
    EXPECT_GT(ready_count, 300) << spec.name << " becomes ready";
  }
}

TEST(Indicators, BatchEqualsStreaming) {
  const auto bars = random_bars(300, 5);
  for (const auto& spec : indicator_specs()) {
    const auto params = resolve_params(spec, {});
    const auto batch = compute_batch(spec, params, bars);
    auto live = spec.make(params, {});
    for (std::size_t i = 0; i < bars.size(); ++i) ASSERT_TRUE(same(batch[i], live->update(bars[i]))) << spec.name;
  }
}

// Textbook (TA-Lib) definitions written the slow, obvious way — whole windows
// recomputed at every bar — against the streaming indicators on the same bars.
namespace reference {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();
using Series = std::vector<double>;

double tp(const Bar& b) { return (b.high + b.low + b.close) / 3; }
double true_range(const std::vector<Bar>& b, std::size_t i) {
  return std::max({b[i].high - b[i].low, std::abs(b[i].high - b[i - 1].close), std::abs(b[i].low - b[i - 1].close)});
}
// Wilder's smoothing of x[first..]: the mean of the first n, then (prev·(n−1) + x)/n.
Series wilder(const Series& x, std::size_t first, std::size_t n) {
  Series out(x.size(), nan);
  double sum = 0;
  for (std::size_t i = first; i < x.size(); ++i) {
    if (i < first + n - 1) {
      sum += x[i];
    } else if (i == first + n - 1) {
      out[i] = (sum + x[i]) / static_cast<double>(n);
    } else {
      out[i] = (out[i - 1] * static_cast<double>(n - 1) + x[i]) / static_cast<double>(n);
    }
  }
  return out;
}
Series sma(const Series& x, std::size_t n) {
  Series out(x.size(), nan);
  for (std::size_t i = 0; i < x.size(); ++i) {
    if (i + 1 < n || std::isnan(x[i + 1 - n])) continue;
    double s = 0;
    for (std::size_t j = i + 1 - n; j <= i; ++j) s += x[j];
    out[i] = s / static_cast<double>(n);
  }
  return out;
}
Series ema(const Series& x, std::size_t n) {
  Series out(x.size(), nan);
  const double k = 2.0 / (static_cast<double>(n) + 1);
  for (std::size_t i = n - 1; i < x.size(); ++i) {
    if (i == n - 1) {
      out[i] = sma(x, n)[i];
    } else {
      out[i] = x[i] * k + out[i - 1] * (1 - k);
    }
  }
  return out;
}
Series rsi(const Series& c, std::size_t n) {
  Series gain(c.size(), 0), loss(c.size(), 0), out(c.size(), nan);
  for (std::size_t i = 1; i < c.size(); ++i) {
    gain[i] = std::max(c[i] - c[i - 1], 0.0);
    loss[i] = std::max(c[i - 1] - c[i], 0.0);
  }
  const auto g = wilder(gain, 1, n), l = wilder(loss, 1, n);
  for (std::size_t i = n; i < c.size(); ++i) out[i] = l[i] == 0 ? 100 : 100 - 100 / (1 + g[i] / l[i]);
  return out;
}
double highest(const Series& x, std::size_t i, std::size_t n) {
  return *std::max_element(x.begin() + static_cast<std::ptrdiff_t>(i + 1 - n),
                           x.begin() + static_cast<std::ptrdiff_t>(i + 1));
}
double lowest(const Series& x, std::size_t i, std::size_t n) {
  return *std::min_element(x.begin() + static_cast<std::ptrdiff_t>(i + 1 - n),
                           x.begin() + static_cast<std::ptrdiff_t>(i + 1));
}

}  // namespace reference

// Compares one output of a streaming indicator with a reference series: the same
// bars are ready (not NaN) and the values agree to 1e-9 (relative).
template <class I>
void expect_matches(I ind, const std::vector<Bar>& bars, std::size_t output, const reference::Series& expected,
                    const char* label) {
  std::size_t ready = 0;
  for (std::size_t i = 0; i < bars.size(); ++i) {
    const double got = ind.update(bars[i])[output];
    ASSERT_EQ(std::isnan(got), std::isnan(expected[i])) << label << " readiness at bar " << i;
    if (std::isnan(got)) continue;
    ++ready;
    EXPECT_NEAR(got, expected[i], 1e-9 * std::max(1.0, std::abs(expected[i]))) << label << " at bar " << i;
  }
  EXPECT_GT(ready, bars.size() / 2) << label;
}

TEST(Indicators, MfiCciStochRsiFollowTheirTextbookDefinitions) {
  const auto bars = random_bars(300, 21);
  const std::size_t n = bars.size();
  reference::Series close(n), tps(n);
  for (std::size_t i = 0; i < n; ++i) {
    close[i] = bars[i].close;
    tps[i] = reference::tp(bars[i]);
  }
  // MFI 14 (TA-Lib): flows from bar 1, an unchanged typical price counts for neither side.
  reference::Series mfi(n, reference::nan);
  for (std::size_t i = 14; i < n; ++i) {
    double pos = 0, neg = 0;
    for (std::size_t j = i - 13; j <= i; ++j) {
      const double flow = tps[j] * bars[j].volume;
      if (tps[j] > tps[j - 1]) pos += flow;
      if (tps[j] < tps[j - 1]) neg += flow;
    }
    mfi[i] = 100 * pos / (pos + neg);
  }
  expect_matches(MfiIndicator(14), bars, 0, mfi, "mfi");
  // CCI 20: (TP − SMA(TP)) / (0.015 · mean absolute deviation from that SMA).
  reference::Series cci(n, reference::nan);
  const auto tp_sma = reference::sma(tps, 20);
  for (std::size_t i = 19; i < n; ++i) {
    double dev = 0;
    for (std::size_t j = i - 19; j <= i; ++j) dev += std::abs(tps[j] - tp_sma[i]);
    cci[i] = (tps[i] - tp_sma[i]) / (0.015 * dev / 20);
  }
  expect_matches(CciIndicator(20), bars, 0, cci, "cci");
  // Stochastic RSI 14/14/3/3: the stochastic of Wilder's RSI, %K = SMA 3, %D = SMA 3 of %K.
  const auto r = reference::rsi(close, 14);
  reference::Series st(n, reference::nan);
  for (std::size_t i = 14 + 13; i < n; ++i) {
    const double hh = reference::highest(r, i, 14), ll = reference::lowest(r, i, 14);
    st[i] = hh > ll ? (r[i] - ll) / (hh - ll) * 100 : 0;
  }
  const auto k = reference::sma(st, 3);
  const auto d = reference::sma(k, 3);
  expect_matches(StochRsiIndicator(14, 14, 3, 3), bars, 0, st, "stoch_rsi");
  expect_matches(StochRsiIndicator(14, 14, 3, 3), bars, 1, k, "stoch_rsi k");
  expect_matches(StochRsiIndicator(14, 14, 3, 3), bars, 2, d, "stoch_rsi d");
}

TEST(Indicators, AdxKeltnerIchimokuFollowTheirTextbookDefinitions) {
  const auto bars = random_bars(300, 22);
  const std::size_t n = bars.size();
  reference::Series close(n), high(n), low(n), tr(n, 0), pdm(n, 0), mdm(n, 0);
  for (std::size_t i = 0; i < n; ++i) {
    close[i] = bars[i].close;
    high[i] = bars[i].high;
    low[i] = bars[i].low;
    if (i == 0) continue;
    tr[i] = reference::true_range(bars, i);
    const double up = high[i] - high[i - 1], down = low[i - 1] - low[i];
    pdm[i] = up > down && up > 0 ? up : 0;
    mdm[i] = down > up && down > 0 ? down : 0;
  }
  // Wilder's DMI 14: smoothed DM over smoothed TR from bar 14, ADX = Wilder average of DX.
  const auto atr = reference::wilder(tr, 1, 14), ap = reference::wilder(pdm, 1, 14), am = reference::wilder(mdm, 1, 14);
  reference::Series pdi(n, reference::nan), mdi(n, reference::nan), dx(n, 0);
  for (std::size_t i = 14; i < n; ++i) {
    pdi[i] = 100 * ap[i] / atr[i];
    mdi[i] = 100 * am[i] / atr[i];
    dx[i] = 100 * std::abs(pdi[i] - mdi[i]) / (pdi[i] + mdi[i]);
  }
  const auto adx = reference::wilder(dx, 14, 14);
  expect_matches(AdxIndicator(14), bars, 0, adx, "adx");
  expect_matches(AdxIndicator(14), bars, 1, pdi, "pdi");
  expect_matches(AdxIndicator(14), bars, 2, mdi, "mdi");
  // Keltner 20/10/2: EMA 20 of the close ± 2 · ATR 10 (Wilder, true range from bar 1).
  const auto mid = reference::ema(close, 20);
  const auto atr10 = reference::wilder(tr, 1, 10);
  reference::Series upper(n, reference::nan), lower(n, reference::nan);
  for (std::size_t i = 19; i < n; ++i) {
    upper[i] = mid[i] + 2 * atr10[i];
    lower[i] = mid[i] - 2 * atr10[i];
  }
  reference::Series middle(n, reference::nan);
  for (std::size_t i = 19; i < n; ++i) middle[i] = mid[i];
  expect_matches(KeltnerIndicator(20, 10, 2), bars, 0, middle, "keltner middle");
  expect_matches(KeltnerIndicator(20, 10, 2), bars, 1, upper, "keltner upper");
  expect_matches(KeltnerIndicator(20, 10, 2), bars, 2, lower, "keltner lower");
  // Ichimoku 9/26/52: midpoints of the highest high and lowest low (not displaced).
  reference::Series conv(n, reference::nan), base(n, reference::nan), span_a(n, reference::nan),
      span_b(n, reference::nan);
  for (std::size_t i = 51; i < n; ++i) {
    conv[i] = (reference::highest(high, i, 9) + reference::lowest(low, i, 9)) / 2;
    base[i] = (reference::highest(high, i, 26) + reference::lowest(low, i, 26)) / 2;
    span_a[i] = (conv[i] + base[i]) / 2;
    span_b[i] = (reference::highest(high, i, 52) + reference::lowest(low, i, 52)) / 2;
  }
  expect_matches(IchimokuIndicator(9, 26, 52), bars, 0, conv, "ichimoku conversion");
  expect_matches(IchimokuIndicator(9, 26, 52), bars, 1, base, "ichimoku base");
  expect_matches(IchimokuIndicator(9, 26, 52), bars, 2, span_a, "ichimoku span_a");
  expect_matches(IchimokuIndicator(9, 26, 52), bars, 3, span_b, "ichimoku span_b");
}

TEST(Indicators, SuperTrendFollowsTheTrendAndFlips) {
  SuperTrendIndicator st(3, 1);
  Values v;
  // Rising bars: the line is the lower band, below the lows, and never falls.
  double last_line = 0;
  for (int i = 0; i < 20; ++i) {
    const double c = 100 + i;
    v = st.update({i, c - 0.5, c + 0.5, c - 1, c, 1});
    if (i >= 3) {
      EXPECT_EQ(v[1], 1);
      EXPECT_LT(v[0], c - 1);
      EXPECT_GE(v[0], last_line);
      last_line = v[0];
    }
  }
  // A collapse below the lower band turns it down: the line jumps above price.
  v = st.update({20, 119, 119, 105, 106, 1});
  EXPECT_EQ(v[1], -1);
  EXPECT_GT(v[0], 106);
}

TEST(Indicators, ParabolicSarStartsLongAndFlipsOnACross) {
  PsarIndicator sar(0.02, 0.2);
  EXPECT_EQ(sar.update({0, 10, 11, 9, 10.5, 1})[0], 9);  // first bar: its low
  double prev = 9;
  for (int i = 1; i < 6; ++i) {
    const double v = sar.update({i, 10.0 + i, 11.0 + i, 9.0 + i, 10.5 + i, 1})[0];
    EXPECT_GE(v, prev);     // rising under an uptrend
    EXPECT_LT(v, 9.0 + i);  // below the bar
    prev = v;
  }
  // A bar far below the SAR flips it to the trade's extreme high (16).
  EXPECT_EQ(sar.update({6, 12, 12.5, 5, 6, 1})[0], 16);
}

TEST(Indicators, ParametersAreValidated) {
  const auto* macd = find_indicator("macd");
  ASSERT_NE(macd, nullptr);
  EXPECT_EQ(resolve_params(*macd, {{"fast", "5"}}), (std::vector<double>{5, 26, 9}));
  auto status = [&](const std::vector<std::pair<std::string, std::string>>& p) {
    try {
      resolve_params(*macd, p);
    } catch (const Error& e) {
      return e.status();
    }
    return 200;
  };
  EXPECT_EQ(status({{"fast", "x"}}), 400);
  EXPECT_EQ(status({{"fast", "0"}}), 400);
  EXPECT_EQ(status({{"fast", "1001"}}), 400);
  EXPECT_EQ(status({{"fast", "3.5"}}), 400);
  EXPECT_EQ(status({{"fast", "30"}}), 400);  // not below slow
  EXPECT_EQ(status({{"speed", "3"}}), 400);
  EXPECT_EQ(status({{"fast", "inf"}}), 400);
  EXPECT_EQ(find_indicator("nope"), nullptr);
}

}  // namespace
}  // namespace tc::market::ind
