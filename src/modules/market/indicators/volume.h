// Volume indicators: OBV and session VWAP.
#pragma once

#include "modules/market/indicators/streaming.h"

#include <cstdint>
#include <functional>
#include <utility>

namespace tc::market::ind {

// On-balance volume, as technicalindicators counts it: the first bar only sets
// the reference close, the second bar gives the first value (±its volume).
class ObvIndicator : public Streaming<ObvIndicator> {
 public:
  template <bool C, class S>
  static Values step(S& s, const Bar& b) noexcept {
    Values out;
    if (!s.has_prev_) {
      if constexpr (C) {
        s.prev_close_ = b.close;
        s.has_prev_ = true;
      }
      return out;
    }
    double total = s.total_;
    if (b.close > s.prev_close_) total += b.volume;
    if (b.close < s.prev_close_) total -= b.volume;
    if constexpr (C) {
      s.total_ = total;
      s.prev_close_ = b.close;
    }
    out[0] = total;
    return out;
  }

 private:
  double total_ = 0;
  double prev_close_ = 0;
  bool has_prev_ = false;
};

// Session VWAP: Σ(typical price · volume) / Σ volume since the session began.
// `session_of(time_ms)` names the session a bar belongs to (the instrument's
// trading day); the sums restart when it changes.
class VwapIndicator : public Streaming<VwapIndicator> {
 public:
  using SessionOf = std::function<std::int64_t(std::int64_t)>;
  explicit VwapIndicator(SessionOf session_of) : session_of_(std::move(session_of)) {}
  template <bool C, class S>
  static Values step(S& s, const Bar& b) noexcept {
    Values out;
    const std::int64_t session = s.session_of_(b.time_ms);
    double pv = s.pv_, vol = s.vol_;
    if (!s.started_ || session != s.session_) pv = vol = 0;
    pv += (b.high + b.low + b.close) / 3 * b.volume;
    vol += b.volume;
    if constexpr (C) {
      s.pv_ = pv;
      s.vol_ = vol;
      s.session_ = session;
      s.started_ = true;
    }
    if (vol > 0) out[0] = pv / vol;
    return out;
  }

 private:
  SessionOf session_of_;
  double pv_ = 0;
  double vol_ = 0;
  std::int64_t session_ = 0;
  bool started_ = false;
};

}  // namespace tc::market::ind
