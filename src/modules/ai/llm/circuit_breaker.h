// A circuit breaker per provider: after `failures` consecutive provider faults
// the circuit opens and the provider is skipped for `cooldown`; then one request
// is let through as a probe (half-open): success closes the circuit, failure
// opens it for another cool-down. A 429's Retry-After also keeps the provider
// out until then, whatever the circuit says. Thread-safe; time is passed in so
// tests need no clocks.
#pragma once

#include <chrono>
#include <mutex>

namespace tc::ai::llm {

class CircuitBreaker {
 public:
  using Clock = std::chrono::steady_clock;
  enum class State { closed, open, half_open };

  CircuitBreaker(int failures, std::chrono::milliseconds cooldown) : threshold_(failures), cooldown_(cooldown) {}

  // May a request go to this provider now? In half-open state only one (the probe).
  bool allow(Clock::time_point now);
  void success();
  void failure(Clock::time_point now);
  // The attempt ended without telling anything about the provider (cancelled).
  void abandon();
  void block_until(Clock::time_point until);
  // When the provider may be asked again (for retry_after); `now` when it may already.
  Clock::time_point available_at(Clock::time_point now) const;
  State state(Clock::time_point now) const;

 private:
  mutable std::mutex mutex_;
  int threshold_;
  std::chrono::milliseconds cooldown_;
  int consecutive_ = 0;
  bool open_ = false;
  bool probing_ = false;
  Clock::time_point open_until_{};
  Clock::time_point blocked_until_{};
};

}  // namespace tc::ai::llm
