#include "modules/market/calendar.h"

#include <chrono>

namespace tc::market {
namespace {

constexpr std::int64_t kMinute = 60'000;
constexpr std::int64_t kHour = 60 * kMinute;
constexpr std::int64_t kDay = 24 * kHour;

std::int64_t floor_div(std::int64_t a, std::int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

std::int64_t sys_ms(std::chrono::sys_days d) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(d.time_since_epoch()).count();
}

// Weekday of a local day number (days since 1970-01-01, a Thursday): 0 = Sunday.
int weekday(std::int64_t day) { return static_cast<int>(((day % 7) + 11) % 7); }

}  // namespace

std::string_view calendar_name(CalendarKind kind) {
  switch (kind) {
    case CalendarKind::always: return "24/7";
    case CalendarKind::us_equities: return "XNYS";
    case CalendarKind::fx: return "FX";
  }
  return "?";
}

std::string_view calendar_time_zone(CalendarKind kind) {
  return kind == CalendarKind::always ? "UTC" : "America/New_York";
}

std::int64_t new_york_offset_ms(std::int64_t utc_ms) {
  using namespace std::chrono;
  const auto day = sys_days(days(floor_div(utc_ms, kDay)));
  const auto y = year_month_day(day).year();
  // 02:00 EST = 07:00 UTC on the second Sunday of March; 02:00 EDT = 06:00 UTC on
  // the first Sunday of November.
  const std::int64_t start = sys_ms(sys_days(y / March / Sunday[2])) + 7 * kHour;
  const std::int64_t end = sys_ms(sys_days(y / November / Sunday[1])) + 6 * kHour;
  return (utc_ms >= start && utc_ms < end) ? -4 * kHour : -5 * kHour;
}

std::int64_t trading_day_start(CalendarKind kind, std::int64_t utc_ms) {
  switch (kind) {
    case CalendarKind::always: return floor_div(utc_ms, kDay) * kDay;
    case CalendarKind::us_equities: {
      const std::int64_t off = new_york_offset_ms(utc_ms);
      return floor_div(utc_ms + off, kDay) * kDay - off;
    }
    case CalendarKind::fx: {
      // The FX day runs 17:00–17:00 New York: shift by 7 h so it starts at "midnight".
      const std::int64_t off = new_york_offset_ms(utc_ms) + 7 * kHour;
      return floor_div(utc_ms + off, kDay) * kDay - off;
    }
  }
  return utc_ms;
}

bool is_open(CalendarKind kind, std::int64_t utc_ms) { return session_position(kind, utc_ms).since_open >= 0; }

SessionPosition session_position(CalendarKind kind, std::int64_t utc_ms) {
  if (kind == CalendarKind::always) {
    const auto m = static_cast<int>((utc_ms - floor_div(utc_ms, kDay) * kDay) / kMinute);
    return {m, 24 * 60 - m};
  }
  const std::int64_t local = utc_ms + new_york_offset_ms(utc_ms);
  const std::int64_t day = floor_div(local, kDay);
  const int wd = weekday(day);
  const auto minute = static_cast<int>((local - day * kDay) / kMinute);
  if (kind == CalendarKind::us_equities) {
    constexpr int open = 9 * 60 + 30, close = 16 * 60;
    if (wd == 0 || wd == 6 || minute < open || minute >= close) return {};
    return {minute - open, close - minute};
  }
  // FX: open from Sunday 17:00 to Friday 17:00 New York.
  constexpr int roll = 17 * 60;
  if (wd == 6 || (wd == 0 && minute < roll) || (wd == 5 && minute >= roll)) return {};
  const int since = minute >= roll ? minute - roll : minute + 24 * 60 - roll;
  return {since, 24 * 60 - since};
}

}  // namespace tc::market
