// Moving averages of the close and the oscillators built from them: SMA, EMA,
// WMA, DEMA, TEMA, MACD.
#pragma once

#include "modules/market/indicators/streaming.h"

namespace tc::market::ind {

class SmaIndicator : public Streaming<SmaIndicator> {
 public:
  explicit SmaIndicator(int period) : sma_(period) {}
  template <bool C, class S>
  static Values step(S& s, const Bar& b) noexcept {
    Values out;
    out[0] = feed<C>(s.sma_, b.close);
    return out;
  }

 private:
  Sma sma_;
};

class EmaIndicator : public Streaming<EmaIndicator> {
 public:
  explicit EmaIndicator(int period) : ema_(period) {}
  template <bool C, class S>
  static Values step(S& s, const Bar& b) noexcept {
    Values out;
    out[0] = feed<C>(s.ema_, b.close);
    return out;
  }

 private:
  Ema ema_;
};

class WmaIndicator : public Streaming<WmaIndicator> {
 public:
  explicit WmaIndicator(int period) : wma_(period) {}
  template <bool C, class S>
  static Values step(S& s, const Bar& b) noexcept {
    Values out;
    out[0] = feed<C>(s.wma_, b.close);
    return out;
  }

 private:
  Wma wma_;
};

// DEMA = 2·EMA − EMA(EMA); TEMA = 3·EMA − 3·EMA(EMA) + EMA(EMA(EMA)) (Mulloy),
// each EMA SMA-seeded as in TA-Lib, so the first value needs 2n−1 / 3n−2 bars.
class DemaIndicator : public Streaming<DemaIndicator> {
 public:
  explicit DemaIndicator(int period) : e1_(period), e2_(period) {}
  template <bool C, class S>
  static Values step(S& s, const Bar& b) noexcept {
    Values out;
    const double a = feed<C>(s.e1_, b.close);
    if (!ready(a)) return out;
    const double bb = feed<C>(s.e2_, a);
    if (ready(bb)) out[0] = 2 * a - bb;
    return out;
  }

 private:
  Ema e1_, e2_;
};

class TemaIndicator : public Streaming<TemaIndicator> {
 public:
  explicit TemaIndicator(int period) : e1_(period), e2_(period), e3_(period) {}
  template <bool C, class S>
  static Values step(S& s, const Bar& b) noexcept {
    Values out;
    const double a = feed<C>(s.e1_, b.close);
    if (!ready(a)) return out;
    const double bb = feed<C>(s.e2_, a);
    if (!ready(bb)) return out;
    const double c = feed<C>(s.e3_, bb);
    if (ready(c)) out[0] = 3 * a - 3 * bb + c;
    return out;
  }

 private:
  Ema e1_, e2_, e3_;
};

// Outputs: macd, signal, histogram. MACD line from the slow EMA's first value on;
// signal and histogram once the signal EMA (of the MACD line) is seeded.
class MacdIndicator : public Streaming<MacdIndicator> {
 public:
  MacdIndicator(int fast, int slow, int signal) : fast_(fast), slow_(slow), signal_(signal) {}
  template <bool C, class S>
  static Values step(S& s, const Bar& b) noexcept {
    Values out;
    const double f = feed<C>(s.fast_, b.close);
    const double sl = feed<C>(s.slow_, b.close);
    if (!ready(f) || !ready(sl)) return out;
    out[0] = f - sl;
    out[1] = feed<C>(s.signal_, out[0]);
    if (ready(out[1])) out[2] = out[0] - out[1];
    return out;
  }

 private:
  Ema fast_, slow_, signal_;
};

}  // namespace tc::market::ind
