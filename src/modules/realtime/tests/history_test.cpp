#include "modules/realtime/history.h"

#include <gtest/gtest.h>

namespace tc::realtime {
namespace {

TEST(ChannelHistory, OffsetsIncreaseAndRecoveryReturnsExactlyTheMissed) {
  ChannelHistory h("e1", 10);
  for (int i = 1; i <= 5; ++i) EXPECT_EQ(h.append("{\"n\":" + std::to_string(i) + "}", "", i).offset, std::uint64_t(i));
  auto r = h.since(3, "e1", 100);
  ASSERT_TRUE(r.recovered);
  ASSERT_EQ(r.publications.size(), 2u);
  EXPECT_EQ(r.publications[0].offset, 4u);
  EXPECT_EQ(r.publications[1].data, "{\"n\":5}");
  auto none = h.since(5, "e1", 100);
  EXPECT_TRUE(none.recovered);
  EXPECT_TRUE(none.publications.empty());
}

TEST(ChannelHistory, RecoveryIsRefusedWhenItCannotBeComplete) {
  ChannelHistory h("e1", 3);
  for (int i = 0; i < 6; ++i) h.append("{}", "", i);  // offsets 1..6, 4..6 kept
  EXPECT_FALSE(h.since(2, "e1", 100).recovered) << "offset 3 was evicted";
  EXPECT_TRUE(h.since(3, "e1", 100).recovered);
  EXPECT_FALSE(h.since(3, "other-epoch", 100).recovered) << "a different epoch";
  EXPECT_FALSE(h.since(9, "e1", 100).recovered) << "an offset from the future";
  EXPECT_FALSE(h.since(3, "e1", 2).recovered) << "more than the caller may replay";
}

TEST(ChannelHistory, RangeForwardAndReverse) {
  ChannelHistory h("e", 100);
  for (int i = 0; i < 10; ++i) h.append("{}", "", i);
  auto fwd = h.range(std::nullopt, 3, false);
  EXPECT_EQ(fwd.front().offset, 1u);
  EXPECT_EQ(fwd.back().offset, 3u);
  auto after = h.range(7, 10, false);
  EXPECT_EQ(after.size(), 3u);
  auto rev = h.range(std::nullopt, 3, true);
  EXPECT_EQ(rev.front().offset, 10u);
  EXPECT_EQ(rev.back().offset, 8u);
  auto before = h.range(5, 2, true);
  EXPECT_EQ(before.front().offset, 4u);
  EXPECT_EQ(before.back().offset, 3u);
}

}  // namespace
}  // namespace tc::realtime
