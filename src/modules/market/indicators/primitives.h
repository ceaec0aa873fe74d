// The building blocks every indicator is made of: a fixed ring buffer, running
// sums, moving averages and rolling extremes. Each has `update(x)` (commits x) and
// `peek(x) const` (the value x would give, committing nothing), both O(1) and
// allocation-free after construction. "Not ready yet" is NaN, so the hot path
// carries no optionals.
#pragma once

#include <cmath>
#include <cstddef>
#include <limits>
#include <utility>
#include <vector>

namespace tc::market::ind {

inline constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
inline bool ready(double v) { return !std::isnan(v); }

// Fixed-capacity FIFO of doubles; push() evicts the oldest when full.
class Ring {
 public:
  explicit Ring(std::size_t capacity) : data_(capacity == 0 ? 1 : capacity) {}
  std::size_t capacity() const noexcept { return data_.size(); }
  std::size_t size() const noexcept { return size_; }
  bool full() const noexcept { return size_ == data_.size(); }
  // The element the next push evicts (valid when full).
  double oldest() const noexcept { return data_[head_]; }
  // i-th element counted from the oldest (0 = oldest).
  double at(std::size_t i) const noexcept { return data_[wrap(head_ + i)]; }
  // i-th element counted from the newest (0 = newest).
  double newest(std::size_t i = 0) const noexcept { return at(size_ - 1 - i); }
  void push(double x) noexcept {
    if (full()) {
      data_[head_] = x;
      head_ = wrap(head_ + 1);
    } else {
      data_[wrap(head_ + size_)] = x;
      ++size_;
    }
  }

 private:
  // i < 2·capacity here, so one conditional subtraction replaces a division.
  std::size_t wrap(std::size_t i) const noexcept { return i >= data_.size() ? i - data_.size() : i; }
  std::vector<double> data_;
  std::size_t head_ = 0;
  std::size_t size_ = 0;
};

// Simple moving average over `period` values (running sum).
class Sma {
 public:
  explicit Sma(int period) : n_(period), window_(static_cast<std::size_t>(period)) {}
  double update(double x) noexcept {
    if (window_.full()) sum_ -= window_.oldest();
    sum_ += x;
    window_.push(x);
    return window_.full() ? sum_ / n_ : kNaN;
  }
  double peek(double x) const noexcept {
    if (window_.size() + 1 < window_.capacity()) return kNaN;
    return (sum_ + x - (window_.full() ? window_.oldest() : 0.0)) / n_;
  }

 private:
  int n_;
  Ring window_;
  double sum_ = 0;
};

// Exponential moving average, k = 2/(n+1), seeded with the SMA of the first n
// values (as TA-Lib and technicalindicators do). `alpha_override` > 0 gives
// Wilder's smoothing (alpha = 1/n) with the same seeding.
class Ema {
 public:
  explicit Ema(int period, double alpha_override = 0)
      : n_(period), k_(alpha_override > 0 ? alpha_override : 2.0 / (period + 1)), keep_(1 - k_) {}
  // value·(1−k) + x·k rather than value + (x − value)·k: x·k does not depend on the
  // previous value, so the chain from one update to the next is a multiply and an
  // add, not a subtract, a multiply and an add (a quarter less latency per update).
  double update(double x) noexcept {
    if (ready(value_)) return value_ = value_ * keep_ + x * k_;
    seed_sum_ += x;
    if (++seeded_ == n_) value_ = seed_sum_ / n_;
    return value_;
  }
  double peek(double x) const noexcept {
    if (ready(value_)) return value_ * keep_ + x * k_;
    return seeded_ + 1 == n_ ? (seed_sum_ + x) / n_ : kNaN;
  }
  double value() const noexcept { return value_; }

 private:
  int n_;
  double k_;
  double keep_;
  double value_ = kNaN;
  double seed_sum_ = 0;
  int seeded_ = 0;
};

// Wilder's smoothing (RMA): EMA with alpha 1/n, SMA-seeded.
inline Ema wilder(int period) { return Ema(period, 1.0 / period); }

// Linearly weighted moving average (weights 1..n, newest heaviest), kept with a
// running weighted sum: O(1) instead of the textbook O(n).
class Wma {
 public:
  explicit Wma(int period) : n_(period), window_(static_cast<std::size_t>(period)) {}
  double update(double x) noexcept {
    auto [num, total] = next(x);
    numerator_ = num;
    total_ = total;
    window_.push(x);
    return window_.full() ? numerator_ / denominator() : kNaN;
  }
  double peek(double x) const noexcept {
    if (window_.size() + 1 < window_.capacity()) return kNaN;
    return next(x).first / denominator();
  }

 private:
  std::pair<double, double> next(double x) const noexcept {
    if (window_.full()) return {numerator_ - total_ + n_ * x, total_ - window_.oldest() + x};
    return {numerator_ + static_cast<double>(window_.size() + 1) * x, total_ + x};
  }
  double denominator() const noexcept { return n_ * (n_ + 1) / 2.0; }
  int n_;
  Ring window_;
  double numerator_ = 0;
  double total_ = 0;
};

// Highest (Max = true) or lowest value of the last n, with a monotonic deque held
// in a fixed ring: amortised O(1) update, O(1) peek.
template <bool Max>
class RollingExtreme {
 public:
  explicit RollingExtreme(int period) : n_(static_cast<std::size_t>(period)), idx_(n_ + 1), val_(n_ + 1) {}
  double update(double x) noexcept {
    const std::size_t i = count_++;
    while (len_ > 0 && !better(val_[slot(len_ - 1)], x)) --len_;
    idx_[slot(len_)] = i;
    val_[slot(len_)] = x;
    ++len_;
    while (idx_[slot(0)] + n_ <= i) pop_front();
    return count_ >= n_ ? val_[slot(0)] : kNaN;
  }
  double peek(double x) const noexcept {
    if (count_ + 1 < n_) return kNaN;
    // The window after x: the newest n-1 values already seen, plus x.
    double best = x;
    for (std::size_t k = 0; k < len_ && k < 2; ++k) {
      if (idx_[slot(k)] + n_ > count_) {
        if (better(val_[slot(k)], best)) best = val_[slot(k)];
        break;
      }
    }
    return best;
  }

 private:
  static bool better(double a, double b) noexcept { return Max ? a > b : a < b; }
  // head_ + k < 2·capacity: a conditional subtraction instead of a division.
  std::size_t slot(std::size_t k) const noexcept {
    const std::size_t s = head_ + k;
    return s >= idx_.size() ? s - idx_.size() : s;
  }
  void pop_front() noexcept {
    head_ = slot(1);
    --len_;
  }
  std::size_t n_;
  std::vector<std::size_t> idx_;
  std::vector<double> val_;
  std::size_t head_ = 0;
  std::size_t len_ = 0;
  std::size_t count_ = 0;
};
using RollingMax = RollingExtreme<true>;
using RollingMin = RollingExtreme<false>;

// Population mean and standard deviation of the last n values. Sums are kept
// relative to the first value seen, which avoids the cancellation of large
// squares (a BTC price squared is ~1e10).
class RollingStats {
 public:
  explicit RollingStats(int period) : n_(period), window_(static_cast<std::size_t>(period)) {}
  struct Value {
    double mean = kNaN;
    double sd = kNaN;
  };
  Value update(double x) noexcept {
    if (!has_ref_) {
      ref_ = x;
      has_ref_ = true;
    }
    const double d = x - ref_;
    if (window_.full()) {
      const double o = window_.oldest() - ref_;
      sum_ -= o;
      sumsq_ -= o * o;
    }
    sum_ += d;
    sumsq_ += d * d;
    window_.push(x);
    return window_.full() ? make(sum_, sumsq_) : Value{};
  }
  Value peek(double x) const noexcept {
    if (window_.size() + 1 < window_.capacity()) return {};
    const double r = has_ref_ ? ref_ : x;
    double s = sum_, q = sumsq_;
    if (window_.full()) {
      const double o = window_.oldest() - r;
      s -= o;
      q -= o * o;
    }
    s += x - r;
    q += (x - r) * (x - r);
    return make(s, q, r);
  }

 private:
  Value make(double s, double q) const noexcept { return make(s, q, ref_); }
  Value make(double s, double q, double r) const noexcept {
    const double mean = s / n_;
    const double var = q / n_ - mean * mean;
    return {mean + r, std::sqrt(var > 0 ? var : 0)};
  }
  int n_;
  Ring window_;
  double ref_ = 0;
  bool has_ref_ = false;
  double sum_ = 0;
  double sumsq_ = 0;
};

// Commits or peeks a primitive: lets an indicator write its logic once as
// `template <bool Commit, class Self> static Out step(Self& self, const Bar&)`,
// instantiated with a mutable self for update() and a const self for peek().
template <bool Commit, class P>
auto feed(P& p, double x) noexcept {
  if constexpr (Commit) {
    return p.update(x);
  } else {
    return p.peek(x);
  }
}

}  // namespace tc::market::ind
