// Trend indicators: ADX/DMI, Parabolic SAR, SuperTrend, Ichimoku.
#pragma once

#include "modules/market/indicators/volatility.h"

#include <algorithm>
#include <cmath>

namespace tc::market::ind {

// Outputs: adx, pdi, mdi. Wilder's DMI: +DM/−DM and TR from bar 1, each smoothed
// with Wilder's method (seeded with their mean), +DI/−DI = 100·DM/TR from bar n,
// DX = 100·|+DI − −DI|/(+DI + −DI), ADX = Wilder average of DX (first at bar 2n−1).
class AdxIndicator : public Streaming<AdxIndicator> {
 public:
  explicit AdxIndicator(int period)
      : tr_s_(wilder(period)), pdm_s_(wilder(period)), mdm_s_(wilder(period)), adx_(wilder(period)) {}
  template <bool C, class S>
  static Values step(S& s, const Bar& b) noexcept {
    Values out;
    if (!s.has_prev_) {
      if constexpr (C) {
        s.prev_ = b;
        s.has_prev_ = true;
      }
      return out;
    }
    const double up = b.high - s.prev_.high;
    const double down = s.prev_.low - b.low;
    const double pdm = (up > down && up > 0) ? up : 0.0;
    const double mdm = (down > up && down > 0) ? down : 0.0;
    const double tr = std::max({b.high - b.low, std::abs(b.high - s.prev_.close), std::abs(b.low - s.prev_.close)});
    if constexpr (C) s.prev_ = b;
    const double atr = feed<C>(s.tr_s_, tr);
    const double ap = feed<C>(s.pdm_s_, pdm);
    const double am = feed<C>(s.mdm_s_, mdm);
    if (!ready(atr) || atr == 0) return out;
    out[1] = ap * 100 / atr;
    out[2] = am * 100 / atr;
    const double sum = out[1] + out[2];
    const double dx = sum > 0 ? std::abs(out[1] - out[2]) / sum * 100 : 0.0;
    out[0] = feed<C>(s.adx_, dx);
    return out;
  }

 private:
  Ema tr_s_, pdm_s_, mdm_s_, adx_;
  Bar prev_;
  bool has_prev_ = false;
};

// Wilder's Parabolic SAR, step and maximum acceleration, as technicalindicators
// computes it: the first bar starts long with SAR = its low; the SAR of each bar
// is clamped by the two previous bars' extremes and flips when the bar crosses it.
class PsarIndicator : public Streaming<PsarIndicator> {
 public:
  PsarIndicator(double step, double max) : step_(step), max_(max), accel_(step) {}
  template <bool C, class S>
  static Values step(S& s, const Bar& b) noexcept {
    Values out;
    if (!s.started_) {
      if constexpr (C) {
        s.sar_ = b.low;
        s.extreme_ = b.high;
        s.furthest_ = b;
        s.prev_ = b;
        s.started_ = true;
      }
      out[0] = b.low;
      return out;
    }
    double sar = s.sar_ + s.accel_ * (s.extreme_ - s.sar_);
    double extreme = s.extreme_, accel = s.accel_;
    bool up = s.up_;
    if (up) {
      sar = std::min({sar, s.furthest_.low, s.prev_.low});
      if (b.high > extreme) {
        extreme = b.high;
        accel = std::min(accel + s.step_, s.max_);
      }
    } else {
      sar = std::max({sar, s.furthest_.high, s.prev_.high});
      if (b.low < extreme) {
        extreme = b.low;
        accel = std::min(accel + s.step_, s.max_);
      }
    }
    if ((up && b.low < sar) || (!up && b.high > sar)) {
      accel = s.step_;
      sar = extreme;
      up = !up;
      extreme = up ? b.high : b.low;
    }
    if constexpr (C) {
      s.sar_ = sar;
      s.extreme_ = extreme;
      s.accel_ = accel;
      s.up_ = up;
      s.furthest_ = s.prev_;
      s.prev_ = b;
    }
    out[0] = sar;
    return out;
  }

 private:
  double step_, max_, accel_;
  double sar_ = 0, extreme_ = 0;
  bool up_ = true;
  bool started_ = false;
  Bar furthest_, prev_;
};

// Outputs: value, direction (+1 up, −1 down). The common (TradingView) definition:
// bands at (H+L)/2 ∓ multiplier·ATR that only tighten while the trend holds; the
// line is the lower band in an uptrend and the upper band in a downtrend.
class SuperTrendIndicator : public Streaming<SuperTrendIndicator> {
 public:
  SuperTrendIndicator(int period, double multiplier) : atr_(period), multiplier_(multiplier) {}
  template <bool C, class S>
  static Values step(S& s, const Bar& b) noexcept {
    Values out;
    const double atr = AtrIndicator::atr_step<C>(s.atr_, b);
    if (!ready(atr)) {
      if constexpr (C) s.prev_close_ = b.close;
      return out;
    }
    const double mid = (b.high + b.low) / 2;
    double lower = mid - s.multiplier_ * atr;
    double upper = mid + s.multiplier_ * atr;
    int dir = 1;
    if (s.has_bands_) {
      if (s.prev_close_ > s.lower_) lower = std::max(lower, s.lower_);
      if (s.prev_close_ < s.upper_) upper = std::min(upper, s.upper_);
      dir = s.dir_;
      if (dir == -1 && b.close > s.upper_) dir = 1;
      if (dir == 1 && b.close < s.lower_) dir = -1;
    }
    if constexpr (C) {
      s.lower_ = lower;
      s.upper_ = upper;
      s.dir_ = dir;
      s.has_bands_ = true;
      s.prev_close_ = b.close;
    }
    out[0] = dir == 1 ? lower : upper;
    out[1] = dir;
    return out;
  }

 private:
  AtrIndicator atr_;
  double multiplier_;
  double lower_ = 0, upper_ = 0, prev_close_ = 0;
  int dir_ = 1;
  bool has_bands_ = false;
};

// Outputs: conversion, base, span_a, span_b — the Ichimoku lines at the bar they are
// computed on (technicalindicators' convention; a chart draws the spans
// `displacement` bars ahead). Values appear once the longest window is full.
class IchimokuIndicator : public Streaming<IchimokuIndicator> {
 public:
  IchimokuIndicator(int conversion, int base, int span)
      : conv_hi_(conversion), conv_lo_(conversion), base_hi_(base), base_lo_(base), span_hi_(span), span_lo_(span) {}
  template <bool C, class S>
  static Values step(S& s, const Bar& b) noexcept {
    Values out;
    const double ch = feed<C>(s.conv_hi_, b.high), cl = feed<C>(s.conv_lo_, b.low);
    const double bh = feed<C>(s.base_hi_, b.high), bl = feed<C>(s.base_lo_, b.low);
    const double sh = feed<C>(s.span_hi_, b.high), sl = feed<C>(s.span_lo_, b.low);
    if (!ready(ch) || !ready(bh) || !ready(sh)) return out;
    out[0] = (ch + cl) / 2;
    out[1] = (bh + bl) / 2;
    out[2] = (out[0] + out[1]) / 2;
    out[3] = (sh + sl) / 2;
    return out;
  }

 private:
  RollingMax conv_hi_;
  RollingMin conv_lo_;
  RollingMax base_hi_;
  RollingMin base_lo_;
  RollingMax span_hi_;
  RollingMin span_lo_;
};

}  // namespace tc::market::ind
