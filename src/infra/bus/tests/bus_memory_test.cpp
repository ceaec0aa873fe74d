#include "infra/bus/tests/bus_conformance.h"

namespace tc::infra::bus::testing {
namespace {

INSTANTIATE_TEST_SUITE_P(Memory, BusConformance,
                         ::testing::Values(Factory([](metrics::Registry& m) { return open_memory(m); })),
                         [](const auto&) { return std::string("engine"); });

TEST(SubjectMatching, FollowsNatsRules) {
  EXPECT_TRUE(subject_matches("a.b", "a.b"));
  EXPECT_FALSE(subject_matches("a.b", "a.b.c"));
  EXPECT_TRUE(subject_matches("a.*", "a.b"));
  EXPECT_FALSE(subject_matches("a.*", "a.b.c"));
  EXPECT_TRUE(subject_matches("a.>", "a.b.c"));
  EXPECT_FALSE(subject_matches("a.>", "a"));
  EXPECT_TRUE(subject_matches("*.b.>", "x.b.y.z"));
  EXPECT_FALSE(subject_matches("a.b", "a"));
}

}  // namespace
}  // namespace tc::infra::bus::testing
