#include "modules/market/market_json.h"

namespace tc::market {

boost::json::object instrument_json(const Instrument& in) {
  const char* hours = in.calendar == CalendarKind::always        ? "24/7"
                      : in.calendar == CalendarKind::us_equities ? "Mon-Fri 09:30-16:00 America/New_York"
                                                                 : "Sun 17:00 - Fri 17:00 America/New_York";
  const char* day = in.calendar == CalendarKind::always        ? "00:00 UTC"
                    : in.calendar == CalendarKind::us_equities ? "00:00 America/New_York"
                                                               : "17:00 America/New_York";
  return {{"symbol", in.symbol},
          {"name", in.name},
          {"asset_class", in.asset_class},
          {"exchange", in.exchange},
          {"currency", in.currency},
          {"tick_size", in.tick_size},
          {"calendar",
           {{"name", calendar_name(in.calendar)},
            {"time_zone", calendar_time_zone(in.calendar)},
            {"trading_hours", hours},
            {"daily_candle_starts", day}}},
          {"simulated", in.simulated}};
}

boost::json::object quote_json(const Quote& q) {
  boost::json::object o{
      {"symbol", q.symbol},         {"last", q.last},          {"bid", q.bid},           {"ask", q.ask},
      {"time_ms", q.time_ms},       {"day_open", q.day_open},  {"day_high", q.day_high}, {"day_low", q.day_low},
      {"day_volume", q.day_volume}, {"simulated", q.simulated}};
  if (q.previous_close > 0) {
    o["previous_close"] = q.previous_close;
    o["change_pct"] = (q.last - q.previous_close) / q.previous_close * 100;
  } else {
    o["previous_close"] = nullptr;
    o["change_pct"] = nullptr;
  }
  return o;
}

boost::json::object candle_json(const Candle& c) {
  return {{"time_ms", c.time_ms}, {"open", c.open},   {"high", c.high},
          {"low", c.low},         {"close", c.close}, {"volume", c.volume}};
}

}  // namespace tc::market
