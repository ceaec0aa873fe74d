// Support/resistance from clustered swing points, trend from a least-squares fit
// of log closes.
#include "modules/market/analysis/analysis.h"

#include <algorithm>
#include <cmath>

namespace tc::market::analysis {
namespace {

// Mean true range: the yardstick for "close enough to be the same level".
double average_range(const std::vector<Candle>& bars) {
  if (bars.size() < 2) return bars.empty() ? 0 : bars[0].high - bars[0].low;
  double sum = 0;
  for (std::size_t i = 1; i < bars.size(); ++i) {
    const auto& b = bars[i];
    const double pc = bars[i - 1].close;
    sum += std::max({b.high - b.low, std::abs(b.high - pc), std::abs(b.low - pc)});
  }
  return sum / static_cast<double>(bars.size() - 1);
}

struct Swing {
  double price;
  std::int64_t time_ms;
};

}  // namespace

std::vector<Level> support_resistance(const std::vector<Candle>& bars, std::size_t max_levels) {
  constexpr std::size_t k = 3;  // a swing high is the highest of k bars on each side
  std::vector<Level> levels;
  if (bars.size() < 2 * k + 1) return levels;
  std::vector<Swing> swings;
  for (std::size_t i = k; i + k < bars.size(); ++i) {
    bool high = true, low = true;
    for (std::size_t j = i - k; j <= i + k; ++j) {
      if (j == i) continue;
      high = high && bars[i].high >= bars[j].high;
      low = low && bars[i].low <= bars[j].low;
    }
    if (high) swings.push_back({bars[i].high, bars[i].time_ms});
    if (low) swings.push_back({bars[i].low, bars[i].time_ms});
  }
  std::sort(swings.begin(), swings.end(), [](const Swing& a, const Swing& b) { return a.price < b.price; });
  const double tolerance = std::max(average_range(bars) * 0.5, 1e-12);
  const double last = bars.back().close;
  // Greedy clustering of swings within the tolerance of the cluster's mean.
  std::size_t i = 0;
  int most = 1;
  while (i < swings.size()) {
    double sum = swings[i].price;
    int n = 1;
    std::int64_t first = swings[i].time_ms, latest = swings[i].time_ms;
    std::size_t j = i + 1;
    while (j < swings.size() && swings[j].price - sum / n <= tolerance) {
      sum += swings[j].price;
      ++n;
      first = std::min(first, swings[j].time_ms);
      latest = std::max(latest, swings[j].time_ms);
      ++j;
    }
    const double price = sum / n;
    levels.push_back({price, price <= last ? "support" : "resistance", n, first, latest, 0});
    most = std::max(most, n);
    i = j;
  }
  // Strength: touches relative to the strongest level, discounted by distance
  // from the last close (in average ranges).
  for (auto& l : levels) {
    const double distance = std::abs(l.price - last) / (tolerance * 2);
    l.strength = std::clamp(static_cast<double>(l.touches) / most / (1 + 0.05 * distance), 0.0, 1.0);
  }
  std::sort(levels.begin(), levels.end(), [](const Level& a, const Level& b) { return a.strength > b.strength; });
  if (levels.size() > max_levels) levels.resize(max_levels);
  std::sort(levels.begin(), levels.end(), [](const Level& a, const Level& b) { return a.price < b.price; });
  return levels;
}

Trend trend(const std::vector<Candle>& bars, std::size_t lookback) {
  Trend t;
  const std::size_t n = std::min(lookback, bars.size());
  t.bars = static_cast<int>(n);
  if (n < 3) {
    t.direction = "sideways";
    return t;
  }
  const std::size_t start = bars.size() - n;
  double sx = 0, sy = 0, sxx = 0, sxy = 0, syy = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const double x = static_cast<double>(i);
    const double y = std::log(bars[start + i].close);
    sx += x;
    sy += y;
    sxx += x * x;
    sxy += x * y;
    syy += y * y;
  }
  const double dn = static_cast<double>(n);
  const double vx = sxx - sx * sx / dn, vy = syy - sy * sy / dn, cxy = sxy - sx * sy / dn;
  const double slope = vx > 0 ? cxy / vx : 0;
  t.r_squared = (vx > 0 && vy > 0) ? std::clamp(cxy * cxy / (vx * vy), 0.0, 1.0) : 0;
  t.slope_pct_per_bar = (std::exp(slope) - 1) * 100;
  // Strength: how well a straight line explains the path, and how far it went
  // relative to the noise around it (total move over residual sd).
  const double residual_sd = std::sqrt(std::max(0.0, (vy - slope * cxy) / dn));
  const double move = std::abs(slope) * dn;
  const double signal = residual_sd > 0 ? move / (move + 2 * residual_sd) : (move > 0 ? 1.0 : 0.0);
  t.strength = std::clamp(std::sqrt(t.r_squared) * signal, 0.0, 1.0);
  t.direction = t.strength < 0.2 ? "sideways" : (slope > 0 ? "up" : "down");
  return t;
}

}  // namespace tc::market::analysis
