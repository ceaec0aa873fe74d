// Volatility and channels: Bollinger Bands, ATR, Donchian, Keltner.
#pragma once

#include "modules/market/indicators/streaming.h"

#include <algorithm>
#include <cmath>

namespace tc::market::ind {

// Outputs: middle, upper, lower, pb. SMA ± k population standard deviations;
// pb = (close − lower) / (upper − lower).
class BollingerIndicator : public Streaming<BollingerIndicator> {
 public:
  BollingerIndicator(int period, double k) : stats_(period), k_(k) {}
  template <bool C, class S>
  static Values step(S& s, const Bar& b) noexcept {
    Values out;
    const auto st = feed<C>(s.stats_, b.close);
    if (!ready(st.mean)) return out;
    out[0] = st.mean;
    out[1] = st.mean + s.k_ * st.sd;
    out[2] = st.mean - s.k_ * st.sd;
    if (out[1] > out[2]) out[3] = (b.close - out[2]) / (out[1] - out[2]);
    return out;
  }

 private:
  RollingStats stats_;
  double k_;
};

// True range needs the previous close, so the first bar gives none (as in TA-Lib
// and technicalindicators); ATR is Wilder's smoothing of TR, first value at bar n.
class TrueRange {
 public:
  template <bool C, class S>
  static double step(S& s, const Bar& b) noexcept {
    if (!s.has_prev_) {
      if constexpr (C) {
        s.prev_close_ = b.close;
        s.has_prev_ = true;
      }
      return kNaN;
    }
    const double tr = std::max({b.high - b.low, std::abs(b.high - s.prev_close_), std::abs(b.low - s.prev_close_)});
    if constexpr (C) s.prev_close_ = b.close;
    return tr;
  }

 private:
  double prev_close_ = 0;
  bool has_prev_ = false;
};

class AtrIndicator : public Streaming<AtrIndicator> {
 public:
  explicit AtrIndicator(int period) : atr_(wilder(period)) {}
  template <bool C, class S>
  static double atr_step(S& s, const Bar& b) noexcept {
    const double tr = TrueRange::step<C>(s.tr_, b);
    return ready(tr) ? feed<C>(s.atr_, tr) : kNaN;
  }
  template <bool C, class S>
  static Values step(S& s, const Bar& b) noexcept {
    Values out;
    out[0] = atr_step<C>(s, b);
    return out;
  }

 private:
  TrueRange tr_;
  Ema atr_;
};

// Outputs: upper, middle, lower: the highest high and lowest low of n bars.
class DonchianIndicator : public Streaming<DonchianIndicator> {
 public:
  explicit DonchianIndicator(int period) : high_(period), low_(period) {}
  template <bool C, class S>
  static Values step(S& s, const Bar& b) noexcept {
    Values out;
    const double hh = feed<C>(s.high_, b.high);
    const double ll = feed<C>(s.low_, b.low);
    if (!ready(hh)) return out;
    out[0] = hh;
    out[1] = (hh + ll) / 2;
    out[2] = ll;
    return out;
  }

 private:
  RollingMax high_;
  RollingMin low_;
};

// Outputs: middle, upper, lower: EMA(close, n) ± multiplier · ATR(atr_period)
// (technicalindicators' KeltnerChannels with useSMA = false).
class KeltnerIndicator : public Streaming<KeltnerIndicator> {
 public:
  KeltnerIndicator(int period, int atr_period, double multiplier)
      : ema_(period), atr_(atr_period), multiplier_(multiplier) {}
  template <bool C, class S>
  static Values step(S& s, const Bar& b) noexcept {
    Values out;
    const double mid = feed<C>(s.ema_, b.close);
    const double atr = AtrIndicator::atr_step<C>(s.atr_, b);
    if (!ready(mid) || !ready(atr)) return out;
    out[0] = mid;
    out[1] = mid + s.multiplier_ * atr;
    out[2] = mid - s.multiplier_ * atr;
    return out;
  }

 private:
  Ema ema_;
  AtrIndicator atr_;
  double multiplier_;
};

}  // namespace tc::market::ind
