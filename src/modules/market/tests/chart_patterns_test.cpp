// Chart patterns on paths drawn through known waypoints.
#include "modules/market/analysis/analysis.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <utility>

namespace tc::market::analysis {
namespace {

// Candles along straight lines between (bar, price) waypoints, each bar 0.3 above
// and below its body.
std::vector<Candle> path(const std::vector<std::pair<int, double>>& points, double volume = 100) {
  std::vector<Candle> out;
  double prev = points.front().second;
  for (std::size_t k = 1; k < points.size(); ++k) {
    const auto [x0, y0] = points[k - 1];
    const auto [x1, y1] = points[k];
    for (int x = (k == 1 ? x0 : x0 + 1); x <= x1; ++x) {
      const double y = y0 + (y1 - y0) * (x - x0) / (x1 - x0);
      out.push_back({x * 60'000LL, prev, std::max(prev, y) + 0.3, std::min(prev, y) - 0.3, y, volume});
      prev = y;
    }
  }
  return out;
}

// The same bars upside down (price 200 − p): every bullish pattern becomes its
// bearish twin.
std::vector<Candle> mirrored(std::vector<Candle> bars) {
  for (auto& b : bars) b = {b.time_ms, 200 - b.open, 200 - b.low, 200 - b.high, 200 - b.close, b.volume};
  return bars;
}

const ChartPattern* find(const std::vector<ChartPattern>& ps, const std::string& name) {
  auto it = std::find_if(ps.begin(), ps.end(), [&](const ChartPattern& p) { return p.name == name; });
  return it == ps.end() ? nullptr : &*it;
}

TEST(ChartPatterns, DoubleTopConfirmedByTheNeckline) {
  const auto bars = path({{0, 100}, {10, 120}, {18, 108}, {26, 120}, {40, 100}});
  const auto ps = chart_patterns(bars);
  const auto* p = find(ps, "double_top");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->direction, "bearish");
  EXPECT_TRUE(p->confirmed);
  EXPECT_NEAR(p->level, 107.7, 0.01);  // the trough's low
  EXPECT_EQ(p->first_bar, 10u);
  EXPECT_GT(p->confidence, 0.6);
  // Before the fall through the neckline it is only a candidate.
  const std::vector<Candle> early(bars.begin(), bars.begin() + 31);
  const auto early_patterns = chart_patterns(early);
  const auto* q = find(early_patterns, "double_top");
  ASSERT_NE(q, nullptr);
  EXPECT_FALSE(q->confirmed);
  EXPECT_LT(q->confidence, p->confidence);
  EXPECT_EQ(find(ps, "double_bottom"), nullptr);
}

TEST(ChartPatterns, InverseHeadAndShoulders) {
  const auto ps = chart_patterns(path({{0, 110}, {5, 100}, {10, 108}, {15, 92}, {20, 108}, {25, 100}, {33, 114}}));
  const auto* p = find(ps, "inverse_head_and_shoulders");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->direction, "bullish");
  EXPECT_TRUE(p->confirmed);
  EXPECT_EQ(find(ps, "head_and_shoulders"), nullptr);
}

TEST(ChartPatterns, AscendingTriangle) {
  const auto ps = chart_patterns(
      path({{0, 100}, {5, 110}, {10, 102}, {15, 110}, {20, 104}, {25, 110}, {30, 106}, {35, 110}, {39, 108}}));
  const auto* p = find(ps, "ascending_triangle");
  ASSERT_NE(p, nullptr) << ps.size();
  EXPECT_NEAR(p->level, 110.3, 0.01);
  EXPECT_FALSE(p->confirmed);
  EXPECT_EQ(find(ps, "descending_triangle"), nullptr);
}

TEST(ChartPatterns, BreakoutWithVolume) {
  std::vector<std::pair<int, double>> points;
  for (int i = 0; i <= 24; ++i) points.emplace_back(i, i % 2 ? 101 : 99);
  auto bars = path(points);
  bars.push_back({25 * 60'000LL, 99, 106, 98.8, 105.5, 250});
  const auto ps = chart_patterns(bars);
  const auto* p = find(ps, "breakout");
  ASSERT_NE(p, nullptr);
  EXPECT_NEAR(p->level, 101.3, 0.01);
  EXPECT_DOUBLE_EQ(p->confidence, 0.8);  // volume 2.5x the average: the full volume bonus
  bars.back().close = 100;
  const auto inside = chart_patterns(bars);
  EXPECT_EQ(find(inside, "breakout"), nullptr);
}

TEST(ChartPatterns, DoubleBottomHeadAndShouldersAndDescendingTriangleAreTheMirrors) {
  const auto bottom = chart_patterns(mirrored(path({{0, 100}, {10, 120}, {18, 108}, {26, 120}, {40, 100}})));
  const auto* d = find(bottom, "double_bottom");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->direction, "bullish");
  EXPECT_TRUE(d->confirmed);
  EXPECT_NEAR(d->level, 92.3, 0.01);  // the peak between the two lows
  EXPECT_EQ(find(bottom, "double_top"), nullptr);

  const auto hs =
      chart_patterns(mirrored(path({{0, 110}, {5, 100}, {10, 108}, {15, 92}, {20, 108}, {25, 100}, {33, 114}})));
  const auto* h = find(hs, "head_and_shoulders");
  ASSERT_NE(h, nullptr);
  EXPECT_EQ(h->direction, "bearish");
  EXPECT_TRUE(h->confirmed);
  EXPECT_GT(h->last_bar, h->first_bar);
  EXPECT_EQ(find(hs, "inverse_head_and_shoulders"), nullptr);

  const auto tri = chart_patterns(mirrored(
      path({{0, 100}, {5, 110}, {10, 102}, {15, 110}, {20, 104}, {25, 110}, {30, 106}, {35, 110}, {39, 108}})));
  const auto* t = find(tri, "descending_triangle");
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(t->direction, "bearish");
  EXPECT_NEAR(t->level, 89.7, 0.01);  // the flat lows
  EXPECT_EQ(find(tri, "ascending_triangle"), nullptr);
}

TEST(ChartPatterns, SymmetricalTriangleConverges) {
  const auto ps = chart_patterns(
      path({{0, 100}, {5, 118}, {10, 100}, {15, 116}, {20, 102}, {25, 114}, {30, 104}, {35, 112}, {39, 108}}));
  const auto* p = find(ps, "symmetrical_triangle");
  ASSERT_NE(p, nullptr) << ps.size();
  EXPECT_EQ(p->direction, "neutral");
  EXPECT_GT(p->level, 104);  // between the last swing low and high
  EXPECT_LT(p->level, 112.5);
  EXPECT_EQ(find(ps, "ascending_triangle"), nullptr);
  EXPECT_EQ(find(ps, "descending_triangle"), nullptr);
}

TEST(ChartPatterns, BreakdownIsTheMirrorOfABreakout) {
  std::vector<std::pair<int, double>> points;
  for (int i = 0; i <= 24; ++i) points.emplace_back(i, i % 2 ? 101 : 99);
  auto bars = path(points);
  bars.push_back({25 * 60'000LL, 99, 106, 98.8, 105.5, 100});  // no extra volume
  const auto ps = chart_patterns(mirrored(bars));
  const auto* p = find(ps, "breakdown");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->direction, "bearish");
  EXPECT_NEAR(p->level, 98.7, 0.01);
  EXPECT_DOUBLE_EQ(p->confidence, 0.5);  // average volume: no bonus
  EXPECT_EQ(p->last_bar - p->first_bar, 20u);
  EXPECT_EQ(find(ps, "breakout"), nullptr);
}

}  // namespace
}  // namespace tc::market::analysis
