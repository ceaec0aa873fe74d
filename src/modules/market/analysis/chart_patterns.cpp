// Chart patterns from swing points (a bar whose high/low is the extreme of three
// bars on each side). Sizes are measured in average true ranges (ATR), so the
// same rules work for BTC and EURUSD:
// - double top/bottom: two swing highs (lows) within 0.75 ATR of each other, at
//   least 5 bars apart, with a trough (peak) at least 2 ATR away between them; the
//   neckline is that trough; confirmed when a later close crosses it;
// - head and shoulders (inverse): three swing highs (lows), the middle one at least
//   1 ATR beyond both shoulders, shoulders within 1.5 ATR of each other; neckline
//   = the mean of the two troughs between;
// - triangles over the last 4 swing highs and 4 swing lows: ascending (flat highs,
//   rising lows), descending (falling highs, flat lows), symmetrical (both converge);
// - breakout/breakdown: the last close beyond the highest high (lowest low) of the
//   20 bars before it, stronger with above-average volume.
#include "modules/market/analysis/analysis.h"

#include <algorithm>
#include <cmath>

namespace tc::market::analysis {
namespace {

constexpr std::size_t kSide = 3;

struct Swing {
  std::size_t bar;
  double price;
};

double clamp01(double v) { return std::clamp(v, 0.0, 1.0); }

double atr_of(const std::vector<Candle>& b) {
  if (b.size() < 2) return 0;
  double sum = 0;
  for (std::size_t i = 1; i < b.size(); ++i) {
    const double pc = b[i - 1].close;
    sum += std::max({b[i].high - b[i].low, std::abs(b[i].high - pc), std::abs(b[i].low - pc)});
  }
  return sum / static_cast<double>(b.size() - 1);
}

void swings(const std::vector<Candle>& b, std::vector<Swing>& highs, std::vector<Swing>& lows) {
  for (std::size_t i = kSide; i + kSide < b.size(); ++i) {
    bool hi = true, lo = true;
    for (std::size_t j = i - kSide; j <= i + kSide; ++j) {
      // Strictly beyond the bars before, at least equal to those after: a peak
      // shared with the next bar (whose open is this close) counts once.
      if (j < i) {
        hi = hi && b[i].high > b[j].high;
        lo = lo && b[i].low < b[j].low;
      } else if (j > i) {
        hi = hi && b[i].high >= b[j].high;
        lo = lo && b[i].low <= b[j].low;
      }
    }
    if (hi) highs.push_back({i, b[i].high});
    if (lo) lows.push_back({i, b[i].low});
  }
}

// The lowest low (highest high when `max`) strictly between two bars.
double extreme_between(const std::vector<Candle>& b, std::size_t from, std::size_t to, bool max) {
  double v = max ? -1e300 : 1e300;
  for (std::size_t i = from + 1; i < to; ++i) v = max ? std::max(v, b[i].high) : std::min(v, b[i].low);
  return v;
}

// First close after `after` beyond `level` (below when `down`).
bool crossed(const std::vector<Candle>& b, std::size_t after, double level, bool down) {
  for (std::size_t i = after + 1; i < b.size(); ++i) {
    if (down ? b[i].close < level : b[i].close > level) return true;
  }
  return false;
}

void doubles(const std::vector<Candle>& b, const std::vector<Swing>& pts, bool top, double atr, std::size_t start,
             std::vector<ChartPattern>& out) {
  for (std::size_t k = 1; k < pts.size(); ++k) {
    const auto& p1 = pts[k - 1];
    const auto& p2 = pts[k];
    if (p2.bar < start || p2.bar - p1.bar < 5) continue;
    const double gap = std::abs(p1.price - p2.price);
    if (gap > 0.75 * atr) continue;
    const double neck = extreme_between(b, p1.bar, p2.bar, !top);
    const double depth = top ? std::min(p1.price, p2.price) - neck : neck - std::max(p1.price, p2.price);
    if (depth < 2 * atr) continue;
    const bool confirmed = crossed(b, p2.bar, neck, top);
    const double confidence =
        clamp01(0.35 + 0.25 * (1 - gap / (0.75 * atr)) + 0.05 * (depth / atr - 2) + (confirmed ? 0.3 : 0.0));
    out.push_back({top ? "double_top" : "double_bottom", top ? "bearish" : "bullish", confidence, p1.bar,
                   confirmed ? b.size() - 1 : p2.bar, neck, confirmed});
  }
}

void head_and_shoulders(const std::vector<Candle>& b, const std::vector<Swing>& pts, bool top, double atr,
                        std::size_t start, std::vector<ChartPattern>& out) {
  for (std::size_t k = 2; k < pts.size(); ++k) {
    const auto& l = pts[k - 2];
    const auto& h = pts[k - 1];
    const auto& r = pts[k];
    if (r.bar < start) continue;
    const double sign = top ? 1 : -1;
    const double above_l = sign * (h.price - l.price), above_r = sign * (h.price - r.price);
    if (above_l < atr || above_r < atr || std::abs(l.price - r.price) > 1.5 * atr) continue;
    const double neck = (extreme_between(b, l.bar, h.bar, !top) + extreme_between(b, h.bar, r.bar, !top)) / 2;
    const bool confirmed = crossed(b, r.bar, neck, top);
    const double symmetry = 1 - std::abs(l.price - r.price) / (1.5 * atr);
    const double confidence =
        clamp01(0.3 + 0.25 * symmetry + 0.05 * std::min(above_l, above_r) / atr + (confirmed ? 0.3 : 0.0));
    out.push_back({top ? "head_and_shoulders" : "inverse_head_and_shoulders", top ? "bearish" : "bullish", confidence,
                   l.bar, confirmed ? b.size() - 1 : r.bar, neck, confirmed});
  }
}

// Least-squares slope of swing prices per bar.
double slope(const std::vector<Swing>& pts) {
  double sx = 0, sy = 0, sxx = 0, sxy = 0;
  const auto n = static_cast<double>(pts.size());
  for (const auto& p : pts) {
    const auto x = static_cast<double>(p.bar);
    sx += x;
    sy += p.price;
    sxx += x * x;
    sxy += x * p.price;
  }
  const double v = sxx - sx * sx / n;
  return v > 0 ? (sxy - sx * sy / n) / v : 0;
}

void triangles(const std::vector<Candle>& b, const std::vector<Swing>& highs, const std::vector<Swing>& lows,
               double atr, std::size_t start, std::vector<ChartPattern>& out) {
  if (highs.size() < 3 || lows.size() < 3) return;
  const std::vector<Swing> h(highs.end() - static_cast<std::ptrdiff_t>(std::min<std::size_t>(4, highs.size())),
                             highs.end());
  const std::vector<Swing> l(lows.end() - static_cast<std::ptrdiff_t>(std::min<std::size_t>(4, lows.size())),
                             lows.end());
  const std::size_t first = std::min(h.front().bar, l.front().bar);
  const std::size_t last = std::max(h.back().bar, l.back().bar);
  if (last < start || last - first < 10) return;
  // Flat: moves less than a tenth of an ATR per 10 bars; sloped: more than a quarter.
  const double flat = 0.01 * atr, sloped = 0.025 * atr;
  const double sh = slope(h), sl = slope(l);
  const double top = h.back().price, bottom = l.back().price;
  if (top - bottom < atr) return;  // already squeezed shut
  auto add = [&](const char* name, const char* dir, double level, bool up) {
    const bool confirmed = crossed(b, last, level, !up);
    out.push_back({name, dir,
                   clamp01(0.45 + (confirmed ? 0.3 : 0.0) + 0.05 * static_cast<double>(h.size() + l.size() - 6)), first,
                   b.size() - 1, level, confirmed});
  };
  if (std::abs(sh) <= flat && sl >= sloped) {
    add("ascending_triangle", "bullish", top, true);
  } else if (std::abs(sl) <= flat && sh <= -sloped) {
    add("descending_triangle", "bearish", bottom, false);
  } else if (sh <= -sloped && sl >= sloped) {
    add("symmetrical_triangle", "neutral", (top + bottom) / 2, true);
  }
}

void breakouts(const std::vector<Candle>& b, std::vector<ChartPattern>& out) {
  constexpr std::size_t n = 20;
  if (b.size() < n + 1) return;
  const std::size_t i = b.size() - 1;
  double hh = -1e300, ll = 1e300, vol = 0;
  for (std::size_t j = i - n; j < i; ++j) {
    hh = std::max(hh, b[j].high);
    ll = std::min(ll, b[j].low);
    vol += b[j].volume;
  }
  vol /= n;
  const double volume_boost = vol > 0 ? std::clamp(b[i].volume / vol - 1, 0.0, 1.0) * 0.3 : 0.0;
  if (b[i].close > hh) out.push_back({"breakout", "bullish", clamp01(0.5 + volume_boost), i - n, i, hh, true});
  if (b[i].close < ll) out.push_back({"breakdown", "bearish", clamp01(0.5 + volume_boost), i - n, i, ll, true});
}

}  // namespace

std::vector<ChartPattern> chart_patterns(const std::vector<Candle>& bars, std::size_t lookback) {
  std::vector<ChartPattern> out;
  const double atr = atr_of(bars);
  if (bars.size() < 2 * kSide + 2 || atr <= 0) return out;
  std::vector<Swing> highs, lows;
  swings(bars, highs, lows);
  const std::size_t start = bars.size() > lookback ? bars.size() - lookback : 0;
  doubles(bars, highs, true, atr, start, out);
  doubles(bars, lows, false, atr, start, out);
  head_and_shoulders(bars, highs, true, atr, start, out);
  head_and_shoulders(bars, lows, false, atr, start, out);
  triangles(bars, highs, lows, atr, start, out);
  breakouts(bars, out);
  std::sort(out.begin(), out.end(),
            [](const ChartPattern& a, const ChartPattern& b) { return a.last_bar < b.last_bar; });
  return out;
}

}  // namespace tc::market::analysis
