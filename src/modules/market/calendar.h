// Trading calendars: when an instrument trades and where its trading day starts,
// which is where its daily candle begins. Three kinds cover the simulator's
// instruments: crypto (24/7, UTC days), US equities (09:30–16:00 America/New_York,
// Monday to Friday, days at New York midnight, no holiday table) and FX (Sunday
// 17:00 to Friday 17:00 New York, days starting 17:00 New York — the market's
// daily roll). New York's UTC offset follows the US daylight-saving rule since
// 2007 (second Sunday in March to first Sunday in November, 02:00 local); the
// toolchain's standard library has no time-zone database.
#pragma once

#include <cstdint>
#include <string_view>

namespace tc::market {

enum class CalendarKind : std::uint8_t { always, us_equities, fx };

std::string_view calendar_name(CalendarKind kind);       // "24/7", "XNYS", "FX"
std::string_view calendar_time_zone(CalendarKind kind);  // "UTC" or "America/New_York"

// New York's offset from UTC at an instant, in milliseconds (−4 h or −5 h).
std::int64_t new_york_offset_ms(std::int64_t utc_ms);

// The start (UTC ms) of the trading day that contains `utc_ms`.
std::int64_t trading_day_start(CalendarKind kind, std::int64_t utc_ms);

// Whether the market is open at `utc_ms`.
bool is_open(CalendarKind kind, std::int64_t utc_ms);

// Minutes since the session opened and until it closes (for the intraday volume
// profile); both −1 when closed. Crypto reports minutes since UTC midnight.
struct SessionPosition {
  int since_open = -1;
  int until_close = -1;
};
SessionPosition session_position(CalendarKind kind, std::int64_t utc_ms);

}  // namespace tc::market
