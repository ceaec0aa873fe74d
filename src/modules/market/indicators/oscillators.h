// Momentum oscillators: RSI (Wilder), Stochastic, Stochastic RSI, Williams %R,
// ROC, CCI, MFI.
#pragma once

#include "modules/market/indicators/streaming.h"

#include <cmath>

namespace tc::market::ind {

// RSI with Wilder's smoothing: average gain and loss seeded with the mean of the
// first n changes; first value at bar n. Not rounded (technicalindicators rounds
// to two decimals).
class RsiIndicator : public Streaming<RsiIndicator> {
 public:
  explicit RsiIndicator(int period) : gain_(wilder(period)), loss_(wilder(period)) {}
  template <bool C, class S>
  static Values step(S& s, const Bar& b) noexcept {
    Values out;
    out[0] = rsi_step<C>(s, b.close);
    return out;
  }
  template <bool C, class S>
  static double rsi_step(S& s, double close) noexcept {
    if (!s.has_prev_) {
      if constexpr (C) {
        s.prev_ = close;
        s.has_prev_ = true;
      }
      return kNaN;
    }
    const double change = close - s.prev_;
    const double g = feed<C>(s.gain_, change > 0 ? change : 0.0);
    const double l = feed<C>(s.loss_, change < 0 ? -change : 0.0);
    if constexpr (C) s.prev_ = close;
    if (!ready(g) || !ready(l)) return kNaN;
    if (l == 0) return 100;
    if (g == 0) return 0;
    return 100 - 100 / (1 + g / l);
  }

 private:
  Ema gain_, loss_;
  double prev_ = 0;
  bool has_prev_ = false;
};

// Outputs: k, d. %K = (close − lowest low) / (highest high − lowest low) · 100 over
// n bars (0 when the range is empty); %D = SMA(%K, signal).
class StochasticIndicator : public Streaming<StochasticIndicator> {
 public:
  StochasticIndicator(int period, int signal) : high_(period), low_(period), d_(signal) {}
  template <bool C, class S>
  static Values step(S& s, const Bar& b) noexcept {
    Values out;
    const double hh = feed<C>(s.high_, b.high);
    const double ll = feed<C>(s.low_, b.low);
    if (!ready(hh)) return out;
    const double k = hh > ll ? (b.close - ll) / (hh - ll) * 100 : 0.0;
    out[0] = k;
    out[1] = feed<C>(s.d_, k);
    return out;
  }

 private:
  RollingMax high_;
  RollingMin low_;
  Sma d_;
};

// Williams %R = (highest high − close) / (highest high − lowest low) · −100.
class WilliamsRIndicator : public Streaming<WilliamsRIndicator> {
 public:
  explicit WilliamsRIndicator(int period) : high_(period), low_(period) {}
  template <bool C, class S>
  static Values step(S& s, const Bar& b) noexcept {
    Values out;
    const double hh = feed<C>(s.high_, b.high);
    const double ll = feed<C>(s.low_, b.low);
    if (ready(hh) && hh > ll) out[0] = (hh - b.close) / (hh - ll) * -100;
    return out;
  }

 private:
  RollingMax high_;
  RollingMin low_;
};

// Rate of change in percent against the close n bars earlier.
class RocIndicator : public Streaming<RocIndicator> {
 public:
  explicit RocIndicator(int period) : past_(static_cast<std::size_t>(period) + 1) {}
  template <bool C, class S>
  static Values step(S& s, const Bar& b) noexcept {
    Values out;
    // Full ring of n+1 after this bar means the bar n back is its oldest-but-new.
    if (s.past_.size() + 1 >= s.past_.capacity()) {
      const double then = s.past_.full() ? s.past_.at(1) : s.past_.at(0);
      if (then != 0) out[0] = (b.close - then) / then * 100;
    }
    if constexpr (C) s.past_.push(b.close);
    return out;
  }

 private:
  Ring past_;
};

// Outputs: stoch_rsi, k, d. The stochastic of RSI over `stoch` bars (0–100), %K its
// SMA over k, %D the SMA of %K over d.
class StochRsiIndicator : public Streaming<StochRsiIndicator> {
 public:
  StochRsiIndicator(int rsi, int stoch, int k, int d) : rsi_(rsi), high_(stoch), low_(stoch), k_(k), d_(d) {}
  template <bool C, class S>
  static Values step(S& s, const Bar& b) noexcept {
    Values out;
    const double r = RsiIndicator::rsi_step<C>(s.rsi_, b.close);
    if (!ready(r)) return out;
    const double hh = feed<C>(s.high_, r);
    const double ll = feed<C>(s.low_, r);
    if (!ready(hh)) return out;
    out[0] = hh > ll ? (r - ll) / (hh - ll) * 100 : 0.0;
    out[1] = feed<C>(s.k_, out[0]);
    if (ready(out[1])) out[2] = feed<C>(s.d_, out[1]);
    return out;
  }

 private:
  RsiIndicator rsi_;
  RollingMax high_;
  RollingMin low_;
  Sma k_, d_;
};

// CCI = (TP − SMA(TP)) / (0.015 · mean deviation), TP = (H+L+C)/3. The mean
// deviation needs the whole window: O(n) per update, the one indicator here
// that is not O(1) (as in TA-Lib and technicalindicators).
class CciIndicator : public Streaming<CciIndicator> {
 public:
  explicit CciIndicator(int period) : n_(period), tp_(static_cast<std::size_t>(period)), sma_(period) {}
  template <bool C, class S>
  static Values step(S& s, const Bar& b) noexcept {
    Values out;
    const double tp = (b.high + b.low + b.close) / 3;
    const double mean = feed<C>(s.sma_, tp);
    if constexpr (C) s.tp_.push(tp);
    if (!ready(mean)) return out;
    double dev = std::abs(tp - mean);
    const std::size_t keep = static_cast<std::size_t>(s.n_) - 1;
    // The window: the newest n−1 earlier values plus this bar's (when peeking the
    // ring still holds the old ones; when committing it already holds this one).
    for (std::size_t i = 0; i < keep; ++i) dev += std::abs(s.tp_.newest(i + (C ? 1 : 0)) - mean);
    dev /= s.n_;
    if (dev > 0) out[0] = (tp - mean) / (0.015 * dev);
    return out;
  }

 private:
  int n_;
  Ring tp_;
  Sma sma_;
};

// MFI over n bars, TA-Lib's definition: money flow TP·volume counted positive
// when TP rose, negative when it fell, neither when unchanged; first value at
// bar n.
class MfiIndicator : public Streaming<MfiIndicator> {
 public:
  explicit MfiIndicator(int period) : pos_(period), neg_(period) {}
  template <bool C, class S>
  static Values step(S& s, const Bar& b) noexcept {
    Values out;
    const double tp = (b.high + b.low + b.close) / 3;
    if (!s.has_prev_) {
      if constexpr (C) {
        s.prev_tp_ = tp;
        s.has_prev_ = true;
      }
      return out;
    }
    const double flow = tp * b.volume;
    const double p = feed<C>(s.pos_, tp > s.prev_tp_ ? flow : 0.0);
    const double n = feed<C>(s.neg_, tp < s.prev_tp_ ? flow : 0.0);
    if constexpr (C) s.prev_tp_ = tp;
    if (!ready(p)) return out;
    out[0] = p + n > 0 ? 100 * p / (p + n) : 50.0;
    return out;
  }

 private:
  Sma pos_, neg_;  // means of the flows; their ratio equals the ratio of the sums
  double prev_tp_ = 0;
  bool has_prev_ = false;
};

}  // namespace tc::market::ind
