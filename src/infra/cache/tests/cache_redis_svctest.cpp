#include "infra/cache/tests/cache_conformance.h"
#include "infra/testing/services.h"

#include <cstdlib>
#include <filesystem>

namespace tc::infra::cache::testing {
namespace {

std::string redis_url() {
  const char* url = std::getenv("TRADECHAT_TEST_REDIS_URL");
  if (!url) throw std::runtime_error("TRADECHAT_TEST_REDIS_URL is not set (scripts/services env)");
  return url;
}

INSTANTIATE_TEST_SUITE_P(Redis, CacheConformance,
                         ::testing::Values(Factory([](metrics::Registry& m) { return open_redis(redis_url(), 4, m); })),
                         [](const auto&) { return std::string("engine"); });

TEST(RedisOutage, FailsClearlyWhileDownAndRecovers) {
  metrics::Registry metrics;
  auto cache = open_redis(redis_url(), 2, metrics);
  cache->set("outage:before", "kept", Millis(0));
  ASSERT_EQ(infra::testing::run_services("stop", "redis"), 0);
  try {
    cache->get("outage:before");
    ADD_FAILURE() << "expected an error while Redis is down";
  } catch (const Error& e) {
    EXPECT_EQ(e.status(), 503);
    EXPECT_NE(std::string(e.what()).find("Redis"), std::string::npos) << e.what();
  }
  ASSERT_EQ(infra::testing::run_services("start", "redis"), 0);
  EXPECT_TRUE(cache->rate_limit("outage:rl", 3, Millis(1000)).allowed) << "works again after the restart";
  cache->set("outage:after", "ok", Millis(0));
  EXPECT_EQ(cache->get("outage:after"), "ok");
}

}  // namespace
}  // namespace tc::infra::cache::testing
