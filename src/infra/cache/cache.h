// Cache, presence and rate limits: in-process by default, Redis (hiredis) when
// redis.url is set. Blocking calls run on the blocking pool; callers co_await.
// Values are binary-safe: every argument reaches Redis as a separate bulk string
// (redisCommandArgv), never formatted into a command line.
#pragma once

#include "core/blocking_pool.h"
#include "core/config.h"
#include "core/metrics.h"

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace tc::infra::cache {

using Millis = std::chrono::milliseconds;

struct RateDecision {
  bool allowed = false;
  Millis retry_after{0};  // when refused: how long until the next request is allowed
};

// The operations, synchronous; implementations may block (network).
class CacheBackend {
 public:
  virtual ~CacheBackend() = default;
  virtual std::optional<std::string> get(const std::string& key) = 0;
  virtual void set(const std::string& key, const std::string& value, Millis ttl) = 0;  // ttl 0 = no expiry
  virtual bool del(const std::string& key) = 0;
  // Adds `by`; a new counter gets `ttl`. Atomic across processes.
  virtual std::int64_t incr(const std::string& key, std::int64_t by, Millis ttl) = 0;
  virtual void sadd(const std::string& key, const std::string& member) = 0;
  virtual void srem(const std::string& key, const std::string& member) = 0;
  virtual std::vector<std::string> smembers(const std::string& key) = 0;
  virtual void zadd(const std::string& key, const std::string& member, double score) = 0;
  virtual void zrem(const std::string& key, const std::string& member) = 0;
  virtual std::vector<std::pair<std::string, double>> zrange_by_score(const std::string& key, double min,
                                                                      double max) = 0;
  virtual std::int64_t zremrange_by_score(const std::string& key, double min, double max) = 0;
  // Token bucket: `limit` requests per `window`, bursting up to `limit`.
  virtual RateDecision rate_limit(const std::string& key, std::int64_t limit, Millis window) = 0;
  virtual void ping() = 0;  // throws when unreachable
  virtual std::string describe() const = 0;
};

class Cache {
 public:
  Cache(std::unique_ptr<CacheBackend> backend, BlockingPool& pool) : backend_(std::move(backend)), pool_(pool) {}
  CacheBackend& backend() { return *backend_; }

  template <class F>
  boost::asio::awaitable<std::invoke_result_t<F&, CacheBackend&>> run(F fn) {
    auto work = [this, fn = std::move(fn)]() mutable { return fn(*backend_); };
    co_return co_await pool_.run(std::move(work));
  }
  boost::asio::awaitable<RateDecision> rate_limit(std::string key, std::int64_t limit, Millis window);
  boost::asio::awaitable<std::optional<std::string>> health();

 private:
  std::unique_ptr<CacheBackend> backend_;
  BlockingPool& pool_;
};

void add_config_keys(ConfigSchema& schema);
std::unique_ptr<CacheBackend> open_memory(std::size_t max_keys);
std::unique_ptr<CacheBackend> open_redis(const std::string& url, std::size_t pool_size, metrics::Registry& metrics);
// In-process when redis.url is empty, else Redis.
std::unique_ptr<Cache> open(const Config& config, BlockingPool& pool, metrics::Registry& metrics);

}  // namespace tc::infra::cache
