#include "infra/cache/cache.h"

namespace tc::infra::cache {

boost::asio::awaitable<RateDecision> Cache::rate_limit(std::string key, std::int64_t limit, Millis window) {
  auto check = [key = std::move(key), limit, window](CacheBackend& b) { return b.rate_limit(key, limit, window); };
  co_return co_await run(std::move(check));
}

boost::asio::awaitable<std::optional<std::string>> Cache::health() {
  try {
    auto ping = [](CacheBackend& b) { b.ping(); };
    co_await run(std::move(ping));
  } catch (const std::exception& e) {
    co_return std::string(e.what());
  }
  co_return std::nullopt;
}

std::unique_ptr<Cache> open(const Config& config, BlockingPool& pool, metrics::Registry& metrics) {
  const auto& url = config.str("redis.url");
  auto backend = url.empty() ? open_memory(static_cast<std::size_t>(config.integer("cache.max_keys")))
                             : open_redis(url, static_cast<std::size_t>(config.integer("cache.pool_size")), metrics);
  return std::make_unique<Cache>(std::move(backend), pool);
}

}  // namespace tc::infra::cache
