#include "modules/market/analysis/analysis.h"

#include <boost/json/array.hpp>

namespace tc::market::analysis {

boost::json::object analyze(const std::vector<Candle>& bars) {
  namespace json = boost::json;
  json::object out;
  out["bars"] = bars.size();
  if (!bars.empty()) {
    out["from_ms"] = bars.front().time_ms;
    out["to_ms"] = bars.back().time_ms;
    out["last_close"] = bars.back().close;
  }
  json::array levels;
  for (const auto& l : support_resistance(bars)) {
    levels.push_back({{"price", l.price},
                      {"kind", l.kind},
                      {"touches", l.touches},
                      {"strength", l.strength},
                      {"first_time_ms", l.first_time_ms},
                      {"last_time_ms", l.last_time_ms}});
  }
  out["levels"] = std::move(levels);
  const auto t = trend(bars);
  out["trend"] = {{"direction", t.direction},
                  {"strength", t.strength},
                  {"slope_pct_per_bar", t.slope_pct_per_bar},
                  {"r_squared", t.r_squared},
                  {"bars", t.bars}};
  json::array patterns;
  for (const auto& p : candlestick_patterns(bars)) {
    patterns.push_back({{"name", p.name},
                        {"direction", p.direction},
                        {"confidence", p.confidence},
                        {"start_time_ms", bars[p.first_bar].time_ms},
                        {"end_time_ms", bars[p.last_bar].time_ms},
                        {"bars", p.last_bar - p.first_bar + 1}});
  }
  out["patterns"] = std::move(patterns);
  json::array charts;
  for (const auto& p : chart_patterns(bars)) {
    charts.push_back({{"name", p.name},
                      {"direction", p.direction},
                      {"confidence", p.confidence},
                      {"level", p.level},
                      {"confirmed", p.confirmed},
                      {"start_time_ms", bars[p.first_bar].time_ms},
                      {"end_time_ms", bars[p.last_bar].time_ms},
                      {"bars", p.last_bar - p.first_bar + 1}});
  }
  out["chart_patterns"] = std::move(charts);
  return out;
}

}  // namespace tc::market::analysis
