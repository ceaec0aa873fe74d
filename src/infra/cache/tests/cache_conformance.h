// One conformance suite for every cache backend (in-process in cache_memory_test.cpp,
// Redis in cache_redis_svctest.cpp).
#pragma once

#include "core/errors.h"
#include "core/ids.h"
#include "infra/cache/cache.h"

#include <gtest/gtest.h>

#include <atomic>
#include <functional>
#include <thread>

namespace tc::infra::cache::testing {
namespace {

using Factory = std::function<std::unique_ptr<CacheBackend>(metrics::Registry&)>;

class CacheConformance : public ::testing::TestWithParam<Factory> {
 protected:
  void SetUp() override { cache_ = GetParam()(metrics_); }
  // Keys unique to this run, so runs against a shared Redis never collide.
  std::string key(const std::string& name) { return "conf:" + prefix_ + ":" + name; }

  metrics::Registry metrics_;
  std::unique_ptr<CacheBackend> cache_;
  std::string prefix_ = ids::random_hex(6);
};

TEST_P(CacheConformance, GetSetDeleteAndExpiry) {
  EXPECT_FALSE(cache_->get(key("missing")));
  cache_->set(key("a"), "alpha", Millis(0));
  EXPECT_EQ(cache_->get(key("a")), "alpha");
  cache_->set(key("short"), "gone soon", Millis(150));
  EXPECT_EQ(cache_->get(key("short")), "gone soon");
  std::this_thread::sleep_for(Millis(300));
  EXPECT_FALSE(cache_->get(key("short"))) << "expired";
  EXPECT_TRUE(cache_->del(key("a")));
  EXPECT_FALSE(cache_->del(key("a")));
  EXPECT_FALSE(cache_->get(key("a")));
}

TEST_P(CacheConformance, ValuesAreBinarySafe) {
  const std::string nasty[] = {std::string("nul\0inside", 10), "crlf\r\nSET injected 1\r\n",
                               "*3\r\n$3\r\nDEL\r\n",          "emoji 📈",
                               std::string(100000, 'z'),       ""};
  for (std::size_t i = 0; i < std::size(nasty); ++i) {
    cache_->set(key("bin\r\n" + std::to_string(i)), nasty[i], Millis(0));
    EXPECT_EQ(cache_->get(key("bin\r\n" + std::to_string(i))), nasty[i]) << i;
  }
  EXPECT_FALSE(cache_->get("injected"));
}

TEST_P(CacheConformance, CountersAreAtomicUnderConcurrency) {
  std::vector<std::thread> threads;
  threads.reserve(4);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 100; ++i) cache_->incr(key("counter"), 1, Millis(60000));
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(cache_->incr(key("counter"), 0, Millis(60000)), 400);
  EXPECT_EQ(cache_->incr(key("ttl-counter"), 5, Millis(150)), 5);
  std::this_thread::sleep_for(Millis(300));
  EXPECT_EQ(cache_->incr(key("ttl-counter"), 1, Millis(150)), 1) << "a new counter after expiry";
}

TEST_P(CacheConformance, SetsAndSortedSetsForPresence) {
  cache_->sadd(key("room"), "alice");
  cache_->sadd(key("room"), "bob");
  cache_->sadd(key("room"), "alice");
  EXPECT_EQ(cache_->smembers(key("room")), (std::vector<std::string>{"alice", "bob"}));
  cache_->srem(key("room"), "alice");
  EXPECT_EQ(cache_->smembers(key("room")), (std::vector<std::string>{"bob"}));

  cache_->zadd(key("seen"), "client-1", 100);
  cache_->zadd(key("seen"), "client-2", 200);
  cache_->zadd(key("seen"), "client-3", 300);
  cache_->zadd(key("seen"), "client-1", 350);  // refreshed heartbeat
  auto live = cache_->zrange_by_score(key("seen"), 150, 1000);
  ASSERT_EQ(live.size(), 3u);
  EXPECT_EQ(live.front().first, "client-2");
  EXPECT_EQ(live.back().first, "client-1");
  EXPECT_EQ(cache_->zremrange_by_score(key("seen"), 0, 250), 1) << "stale clients swept";
  cache_->zrem(key("seen"), "client-3");
  EXPECT_EQ(cache_->zrange_by_score(key("seen"), 0, 1000).size(), 1u);
  cache_->set(key("str"), "x", Millis(0));
  EXPECT_THROW(cache_->sadd(key("str"), "m"), Error) << "wrong type is an error, not a crash";
}

TEST_P(CacheConformance, RateLimiterAllowsExactlyTheLimitThenSaysWhenToRetry) {
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(cache_->rate_limit(key("rl"), 5, Millis(1000)).allowed) << i;
  auto refused = cache_->rate_limit(key("rl"), 5, Millis(1000));
  EXPECT_FALSE(refused.allowed);
  EXPECT_GT(refused.retry_after.count(), 0);
  EXPECT_LE(refused.retry_after.count(), 200);
  EXPECT_TRUE(cache_->rate_limit(key("other"), 5, Millis(1000)).allowed) << "limits are per key";
  std::this_thread::sleep_for(refused.retry_after + Millis(20));
  EXPECT_TRUE(cache_->rate_limit(key("rl"), 5, Millis(1000)).allowed) << "a token came back";
}

}  // namespace
}  // namespace tc::infra::cache::testing
