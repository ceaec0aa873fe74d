// When the daily digest is due: the most recent local digest time, in the user's
// zone, across a DST change, never before the digest was switched on.
#include "modules/alerts/digest.h"

#include "core/errors.h"

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

#include <chrono>

namespace tc::alerts {
namespace {

using namespace std::chrono;

std::int64_t ms(sys_days day, hours h, minutes m = minutes{0}) {
  return duration_cast<milliseconds>((day + h + m).time_since_epoch()).count();
}
constexpr sys_days kMar28 = sys_days{year{2026} / 3 / 28};
constexpr sys_days kMar29 = sys_days{year{2026} / 3 / 29};

Preferences berlin_at_eight() {
  Preferences p;
  apply_preferences(p, boost::json::parse(R"({"digest":true,"digest_time":"08:00","time_zone":"Europe/Berlin"})"), 1);
  return p;
}

TEST(AlertDigest, DueAtTheLocalTimeOfTheUsersZoneAcrossADstChange) {
  const auto p = berlin_at_eight();
  EXPECT_EQ(p.digest_since_ms, 1) << "stamped when switched on";
  // 08:00 CET is 07:00 UTC on the 28th; 08:00 CEST is 06:00 UTC on the 29th.
  auto slot = due_digest(p, ms(kMar28, hours{7}));
  ASSERT_TRUE(slot);
  EXPECT_EQ(slot->at_ms, ms(kMar28, hours{7}));
  EXPECT_EQ(slot->local_date, "2026-03-28");
  slot = due_digest(p, ms(kMar28, hours{6}, minutes{59}));
  ASSERT_TRUE(slot);
  EXPECT_EQ(slot->local_date, "2026-03-27") << "before 08:00 the latest digest is yesterday's";
  slot = due_digest(p, ms(kMar29, hours{6}));
  ASSERT_TRUE(slot);
  EXPECT_EQ(slot->local_date, "2026-03-29");
  EXPECT_EQ(slot->at_ms, ms(kMar29, hours{6}));
  EXPECT_EQ(slot->from_ms, ms(kMar28, hours{7})) << "the window is the 23-hour local day";
  EXPECT_EQ(local_to_utc_ms("Europe/Berlin", 20541, 8 * 60), ms(kMar29, hours{6}));  // 20541 = 2026-03-29
}

TEST(AlertDigest, NotDueWhenOffOrBeforeItWasSwitchedOn) {
  auto p = berlin_at_eight();
  p.digest_since_ms = ms(kMar28, hours{7}, minutes{1});
  EXPECT_FALSE(due_digest(p, ms(kMar28, hours{12}))) << "switched on after today's time: tomorrow is the first";
  EXPECT_TRUE(due_digest(p, ms(kMar29, hours{6})));
  apply_preferences(p, boost::json::parse(R"({"digest":false})"), 2);
  EXPECT_FALSE(due_digest(p, ms(kMar29, hours{6})));
  apply_preferences(p, boost::json::parse(R"({"digest":true})"), 99);
  EXPECT_EQ(p.digest_since_ms, 99) << "switching on again restarts from now";
  apply_preferences(p, boost::json::parse(R"({"digest":true})"), 123);
  EXPECT_EQ(p.digest_since_ms, 99) << "staying on keeps it";
  EXPECT_THROW(apply_preferences(p, boost::json::parse(R"({"digest_time":"8:00"})")), Error);
}

}  // namespace
}  // namespace tc::alerts
