#include "infra/cache/tests/cache_conformance.h"

namespace tc::infra::cache::testing {
namespace {

INSTANTIATE_TEST_SUITE_P(Memory, CacheConformance,
                         ::testing::Values(Factory([](metrics::Registry&) { return open_memory(10000); })),
                         [](const auto&) { return std::string("engine"); });

TEST(MemoryCache, EvictsWhenFull) {
  auto c = open_memory(100);
  for (int i = 0; i < 500; ++i) c->set("k" + std::to_string(i), "v", Millis(0));
  int present = 0;
  for (int i = 0; i < 500; ++i) present += c->get("k" + std::to_string(i)) ? 1 : 0;
  EXPECT_LE(present, 100);
  EXPECT_TRUE(c->get("k499")) << "the newest key is kept";
}

}  // namespace
}  // namespace tc::infra::cache::testing
