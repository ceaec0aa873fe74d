#include "modules/alerts/preferences.h"
#include "core/errors.h"
#include "modules/alerts/time_zone.h"

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

namespace tc::alerts {
namespace {

TEST(AlertTimeZone, OffsetsFollowTheSystemTzifFiles) {
  // Expected values from Python's zoneinfo over the same files.
  EXPECT_EQ(utc_offset_seconds("Europe/Berlin", 1719835200), 7200);  // 2024-07-01, summer time
  EXPECT_EQ(utc_offset_seconds("Europe/Berlin", 1704110400), 3600);  // 2024-01-01
  EXPECT_EQ(utc_offset_seconds("America/New_York", 1719835200), -14400);
  EXPECT_EQ(utc_offset_seconds("Asia/Kolkata", 1719835200), 19800);
  EXPECT_EQ(utc_offset_seconds("Australia/Lord_Howe", 1704110400), 39600);
  EXPECT_EQ(utc_offset_seconds("UTC", 1704110400), 0);
  EXPECT_FALSE(utc_offset_seconds("Mars/Olympus", 0));
  EXPECT_FALSE(utc_offset_seconds("../../etc/passwd", 0));
  EXPECT_FALSE(is_known_time_zone("/etc/passwd"));
}

TEST(AlertPreferences, QuietHoursAreLocalAndMayWrapMidnight) {
  Preferences p;
  apply_preferences(
      p, boost::json::parse(R"({"quiet_hours":{"start":"22:00","end":"07:00"},"time_zone":"Europe/Berlin"})"));
  const std::int64_t july_1_utc = 1719792000000;  // 2024-07-01 00:00 UTC = 02:00 in Berlin
  EXPECT_TRUE(in_quiet_hours(p, july_1_utc));
  EXPECT_TRUE(in_quiet_hours(p, july_1_utc + 4 * std::int64_t{3'600'000}));    // 06:00 local
  EXPECT_FALSE(in_quiet_hours(p, july_1_utc + 5 * std::int64_t{3'600'000}));   // 07:00 local: the end is not quiet
  EXPECT_FALSE(in_quiet_hours(p, july_1_utc + 19 * std::int64_t{3'600'000}));  // 21:00 local
  EXPECT_TRUE(in_quiet_hours(p, july_1_utc + 20 * std::int64_t{3'600'000}));   // 22:00 local
  EXPECT_FALSE(pushes(p, july_1_utc));
  EXPECT_TRUE(pushes(p, july_1_utc + 10 * std::int64_t{3'600'000}));
  apply_preferences(p, boost::json::parse(R"({"in_app":false})"));
  EXPECT_FALSE(pushes(p, july_1_utc + 10 * std::int64_t{3'600'000}));
  apply_preferences(p, boost::json::parse(R"({"quiet_hours":null,"in_app":true})"));
  EXPECT_TRUE(pushes(p, july_1_utc));
  EXPECT_EQ(to_json(p).at("quiet_hours"), nullptr);
}

TEST(AlertPreferences, BadBodiesNameTheField) {
  Preferences p;
  auto field_of = [&p](const char* body) {
    try {
      apply_preferences(p, boost::json::parse(body));
    } catch (const Error& e) {
      EXPECT_EQ(e.status(), 422);
      return std::string(e.extra().at("field").as_string());
    }
    return std::string("accepted");
  };
  EXPECT_EQ(field_of(R"({"colour":1})"), "colour");
  EXPECT_EQ(field_of(R"({"time_zone":"Nowhere/City"})"), "time_zone");
  EXPECT_EQ(field_of(R"({"quiet_hours":{"start":"24:00","end":"07:00"}})"), "quiet_hours.start");
  EXPECT_EQ(field_of(R"({"quiet_hours":{"start":"07:00","end":"07:00"}})"), "quiet_hours");
  EXPECT_EQ(field_of(R"({"in_app":"yes"})"), "in_app");
  EXPECT_EQ(to_json(p).at("time_zone"), "UTC") << "nothing changed";
}

}  // namespace
}  // namespace tc::alerts
