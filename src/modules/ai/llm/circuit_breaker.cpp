#include "modules/ai/llm/circuit_breaker.h"

#include <algorithm>

namespace tc::ai::llm {

bool CircuitBreaker::allow(Clock::time_point now) {
  std::lock_guard lock(mutex_);
  if (now < blocked_until_) return false;
  if (!open_) return true;
  if (now < open_until_ || probing_) return false;
  probing_ = true;
  return true;
}

void CircuitBreaker::success() {
  std::lock_guard lock(mutex_);
  consecutive_ = 0;
  open_ = false;
  probing_ = false;
}

void CircuitBreaker::failure(Clock::time_point now) {
  std::lock_guard lock(mutex_);
  ++consecutive_;
  if (probing_ || consecutive_ >= threshold_) {
    open_ = true;
    open_until_ = now + cooldown_;
  }
  probing_ = false;
}

void CircuitBreaker::abandon() {
  std::lock_guard lock(mutex_);
  probing_ = false;
}

void CircuitBreaker::block_until(Clock::time_point until) {
  std::lock_guard lock(mutex_);
  blocked_until_ = std::max(blocked_until_, until);
}

CircuitBreaker::Clock::time_point CircuitBreaker::available_at(Clock::time_point now) const {
  std::lock_guard lock(mutex_);
  auto at = std::max(now, blocked_until_);
  if (open_) at = std::max(at, open_until_);
  return at;
}

CircuitBreaker::State CircuitBreaker::state(Clock::time_point now) const {
  std::lock_guard lock(mutex_);
  if (!open_) return State::closed;
  return now < open_until_ ? State::open : State::half_open;
}

}  // namespace tc::ai::llm
