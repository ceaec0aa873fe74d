#include "modules/ai/llm/user_budget.h"

#include "core/errors.h"

namespace tc::ai::llm {
namespace {

constexpr auto kHour = std::chrono::hours(1);
constexpr auto kDay = std::chrono::hours(24);

std::int64_t seconds_until(UserBudget::Clock::time_point at, UserBudget::Clock::time_point now) {
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(at - now).count();
  return std::max<std::int64_t>(1, (ms + 999) / 1000);
}

Error budget_error(std::string detail, std::int64_t retry_after) {
  return Error(429, "ai-budget", "AI budget reached", std::move(detail)).with("retry_after", retry_after);
}

}  // namespace

UserBudget::Lease::~Lease() { budget_->release(user_); }

std::unique_ptr<UserBudget::Lease> UserBudget::acquire(const std::string& user, Clock::time_point now) {
  std::lock_guard lock(mutex_);
  if (accounts_.size() > 10'000) {  // forget users whose windows have all ended
    std::erase_if(accounts_, [now](const auto& kv) {
      const auto& a = kv.second;
      return a.running == 0 && now >= a.hour_start + kHour && now >= a.day_start + kDay;
    });
  }
  auto& a = accounts_[user];
  if (a.hour_start == Clock::time_point{} || now >= a.hour_start + kHour) {
    a.hour_start = now;
    a.requests = 0;
  }
  if (a.day_start == Clock::time_point{} || now >= a.day_start + kDay) {
    a.day_start = now;
    a.tokens = 0;
  }
  if (a.running >= limits_.max_concurrent) {
    throw budget_error("you already have " + std::to_string(a.running) + " answers being written; wait for one to end",
                       1);
  }
  if (limits_.requests_per_hour > 0 && a.requests >= limits_.requests_per_hour) {
    throw budget_error(
        "the limit of " + std::to_string(limits_.requests_per_hour) + " model requests per hour is reached",
        seconds_until(a.hour_start + kHour, now));
  }
  if (limits_.tokens_per_day > 0 && a.tokens >= limits_.tokens_per_day) {
    throw budget_error("the limit of " + std::to_string(limits_.tokens_per_day) + " tokens per day is reached",
                       seconds_until(a.day_start + kDay, now));
  }
  ++a.requests;
  ++a.running;
  return std::make_unique<Lease>(this, user);
}

void UserBudget::add_tokens(const std::string& user, std::int64_t tokens, Clock::time_point now) {
  std::lock_guard lock(mutex_);
  auto& a = accounts_[user];
  if (a.day_start == Clock::time_point{} || now >= a.day_start + kDay) {
    a.day_start = now;
    a.tokens = 0;
  }
  a.tokens += std::max<std::int64_t>(0, tokens);
}

void UserBudget::release(const std::string& user) {
  std::lock_guard lock(mutex_);
  auto it = accounts_.find(user);
  if (it == accounts_.end()) return;
  if (--it->second.running <= 0 && it->second.requests == 0 && it->second.tokens == 0) accounts_.erase(it);
}

}  // namespace tc::ai::llm
