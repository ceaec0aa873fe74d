// Candlestick patterns by their textbook definitions (Nison; the rules TA-Lib's
// CDL functions encode, simplified): sizes are judged against the average body of
// the ten bars before, and reversal patterns require the move they reverse (the
// close five bars back on the other side).
#include "modules/market/analysis/analysis.h"

#include <algorithm>
#include <cmath>

namespace tc::market::analysis {
namespace {

double body(const Candle& c) { return std::abs(c.close - c.open); }
double range(const Candle& c) { return c.high - c.low; }
double upper_shadow(const Candle& c) { return c.high - std::max(c.open, c.close); }
double lower_shadow(const Candle& c) { return std::min(c.open, c.close) - c.low; }
bool bullish(const Candle& c) { return c.close > c.open; }
bool bearish(const Candle& c) { return c.close < c.open; }
double body_top(const Candle& c) { return std::max(c.open, c.close); }
double body_bottom(const Candle& c) { return std::min(c.open, c.close); }
double clamp01(double v) { return std::clamp(v, 0.0, 1.0); }

class Scanner {
 public:
  explicit Scanner(const std::vector<Candle>& bars) : b_(bars) {}

  double avg_body(std::size_t i) const {
    const std::size_t from = i >= 10 ? i - 10 : 0;
    double s = 0;
    for (std::size_t j = from; j < i; ++j) s += body(b_[j]);
    const double a = i > from ? s / static_cast<double>(i - from) : body(b_[i]);
    return a > 0 ? a : 1e-12;
  }
  // +1 after a rise, −1 after a fall, 0 when there is no history.
  int prior_trend(std::size_t i) const {
    if (i < 5) return 0;
    return b_[i - 1].close > b_[i - 5].close ? 1 : (b_[i - 1].close < b_[i - 5].close ? -1 : 0);
  }

  void scan(std::size_t i, std::vector<Pattern>& out) const {
    const auto& c = b_[i];
    const double avg = avg_body(i);
    const double r = range(c);
    const int trend = prior_trend(i);
    if (r > 0 && body(c) <= 0.1 * r) out.push_back({"doji", "neutral", clamp01(1 - body(c) / (0.1 * r) * 0.5), i, i});
    const bool small_body = body(c) > 0 && body(c) <= 0.5 * r;
    if (small_body && lower_shadow(c) >= 2 * body(c) && upper_shadow(c) <= 0.25 * body(c) + 0.05 * r) {
      if (trend < 0) {
        out.push_back({"hammer", "bullish", clamp01(0.5 + 0.1 * lower_shadow(c) / body(c)), i, i});
      } else if (trend > 0) {
        out.push_back({"hanging_man", "bearish", clamp01(0.4 + 0.1 * lower_shadow(c) / body(c)), i, i});
      }
    }
    if (small_body && upper_shadow(c) >= 2 * body(c) && lower_shadow(c) <= 0.25 * body(c) + 0.05 * r && trend > 0) {
      out.push_back({"shooting_star", "bearish", clamp01(0.5 + 0.1 * upper_shadow(c) / body(c)), i, i});
    }
    if (i >= 1) two_bar(i, avg, trend, out);
    if (i >= 2) three_bar(i, avg, out);
  }

 private:
  void two_bar(std::size_t i, double avg, int trend, std::vector<Pattern>& out) const {
    const auto& p = b_[i - 1];
    const auto& c = b_[i];
    const double ratio = body(c) / std::max(body(p), 1e-12);
    if (bearish(p) && bullish(c) && c.close >= p.open && c.open <= p.close && body(c) > body(p) && trend <= 0) {
      out.push_back(
          {"bullish_engulfing", "bullish", clamp01(0.5 + 0.15 * (ratio - 1) + (trend < 0 ? 0.15 : 0)), i - 1, i});
    }
    if (bullish(p) && bearish(c) && c.open >= p.close && c.close <= p.open && body(c) > body(p) && trend >= 0) {
      out.push_back(
          {"bearish_engulfing", "bearish", clamp01(0.5 + 0.15 * (ratio - 1) + (trend > 0 ? 0.15 : 0)), i - 1, i});
    }
    const bool inside = body_top(c) < body_top(p) && body_bottom(c) > body_bottom(p);
    if (inside && body(p) >= avg && body(c) <= 0.6 * body(p)) {
      if (bearish(p) && trend < 0) out.push_back({"bullish_harami", "bullish", clamp01(0.7 - 0.5 * ratio), i - 1, i});
      if (bullish(p) && trend > 0) out.push_back({"bearish_harami", "bearish", clamp01(0.7 - 0.5 * ratio), i - 1, i});
    }
  }

  void three_bar(std::size_t i, double avg, std::vector<Pattern>& out) const {
    const auto& a = b_[i - 2];
    const auto& m = b_[i - 1];
    const auto& c = b_[i];
    const bool star = body(m) <= 0.3 * body(a) && body(a) >= avg;
    const double mid_a = (a.open + a.close) / 2;
    if (star && bearish(a) && body_top(m) <= a.close + 0.1 * body(a) && bullish(c) && c.close > mid_a) {
      out.push_back(
          {"morning_star", "bullish", clamp01(0.6 + 0.4 * (c.close - mid_a) / std::max(body(a), 1e-12)), i - 2, i});
    }
    if (star && bullish(a) && body_bottom(m) >= a.close - 0.1 * body(a) && bearish(c) && c.close < mid_a) {
      out.push_back(
          {"evening_star", "bearish", clamp01(0.6 + 0.4 * (mid_a - c.close) / std::max(body(a), 1e-12)), i - 2, i});
    }
    auto soldier = [avg](const Candle& prev, const Candle& cur) {
      return bullish(cur) && cur.close > prev.close && cur.open >= prev.open && cur.open <= prev.close &&
             upper_shadow(cur) <= 0.3 * body(cur) && body(cur) >= 0.5 * avg;
    };
    auto crow = [avg](const Candle& prev, const Candle& cur) {
      return bearish(cur) && cur.close < prev.close && cur.open <= prev.open && cur.open >= prev.close &&
             lower_shadow(cur) <= 0.3 * body(cur) && body(cur) >= 0.5 * avg;
    };
    if (bullish(a) && body(a) >= 0.5 * avg && soldier(a, m) && soldier(m, c)) {
      out.push_back(
          {"three_white_soldiers", "bullish", clamp01((body(a) + body(m) + body(c)) / (3 * avg) * 0.5), i - 2, i});
    }
    if (bearish(a) && body(a) >= 0.5 * avg && crow(a, m) && crow(m, c)) {
      out.push_back(
          {"three_black_crows", "bearish", clamp01((body(a) + body(m) + body(c)) / (3 * avg) * 0.5), i - 2, i});
    }
  }

  const std::vector<Candle>& b_;
};

}  // namespace

std::vector<Pattern> candlestick_patterns(const std::vector<Candle>& bars, std::size_t lookback) {
  std::vector<Pattern> out;
  const Scanner scanner(bars);
  const std::size_t start = bars.size() > lookback ? bars.size() - lookback : 0;
  for (std::size_t i = start; i < bars.size(); ++i) scanner.scan(i, out);
  return out;
}

}  // namespace tc::market::analysis
