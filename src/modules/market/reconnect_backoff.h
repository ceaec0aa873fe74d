// How long a live feed waits before reconnecting: exponential backoff (1 s doubling
// to 30 s) plus up to 25 % random jitter, so many servers that lost the same vendor
// do not all come back in the same second; reset after a connection that worked.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <random>

namespace tc::market {

class ReconnectBackoff {
 public:
  using ms = std::chrono::milliseconds;
  explicit ReconnectBackoff(std::uint32_t seed, ms first = ms(1000), ms max = ms(30'000))
      : first_(first), max_(max), current_(first), jitter_(seed) {}

  // The wait before the next attempt; the one after it is twice as long (capped).
  ms next() {
    const ms wait = current_ + ms(static_cast<std::int64_t>(jitter_() % (current_.count() / 4 + 1)));
    current_ = std::min(current_ * 2, max_);
    return wait;
  }
  // The connection delivered data: the next failure starts over at `first`.
  void reset() { current_ = first_; }

 private:
  ms first_;
  ms max_;
  ms current_;
  std::minstd_rand jitter_;
};

}  // namespace tc::market
