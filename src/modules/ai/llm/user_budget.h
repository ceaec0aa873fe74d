// Per-user limits on model use: requests per hour, tokens (input + output) per
// day, and requests running at once. Fixed windows that start with a user's first
// request in them. Beyond a limit: tc::Error 429 "ai-budget" with `retry_after`
// (seconds). Thread-safe; time is passed in.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace tc::ai::llm {

class UserBudget {
 public:
  using Clock = std::chrono::steady_clock;

  struct Limits {
    std::int64_t requests_per_hour = 0;  // 0 = unlimited
    std::int64_t tokens_per_day = 0;     // 0 = unlimited
    int max_concurrent = 1;
  };

  // Held while a request runs; releases the user's concurrency slot.
  class Lease {
   public:
    Lease(UserBudget* budget, std::string user) : budget_(budget), user_(std::move(user)) {}
    ~Lease();
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;

   private:
    UserBudget* budget_;
    std::string user_;
  };

  explicit UserBudget(Limits limits) : limits_(limits) {}

  // Counts one request; throws 429 ai-budget when a limit is reached.
  std::unique_ptr<Lease> acquire(const std::string& user, Clock::time_point now);
  void add_tokens(const std::string& user, std::int64_t tokens, Clock::time_point now);

 private:
  struct Account {
    Clock::time_point hour_start{};
    std::int64_t requests = 0;
    Clock::time_point day_start{};
    std::int64_t tokens = 0;
    int running = 0;
  };
  void release(const std::string& user);

  Limits limits_;
  std::mutex mutex_;
  std::map<std::string, Account> accounts_;
};

}  // namespace tc::ai::llm
