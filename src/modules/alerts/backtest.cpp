// Backtest: the same Engine over stored candles. Each candle's close is replayed
// as one tick stamped at the candle's last millisecond, with the candle's volume,
// so indicator and volume values build from the same bars the chart shows.
#include "core/errors.h"
#include "modules/alerts/alerts_routes.h"

#include <boost/json/array.hpp>

namespace tc::alerts {
namespace {

namespace json = boost::json;

constexpr std::int64_t kMaxBars = 5000;
constexpr std::size_t kMaxFires = 1000;

std::int64_t optional_int(json::object& o, const char* name, std::int64_t fallback, std::int64_t min,
                          std::int64_t max) {
  if (!o.contains(name)) return fallback;
  const auto& v = o.at(name);
  if (!v.is_int64() || v.get_int64() < min || v.get_int64() > max) {
    throw std::move(errors::validation(std::string(name) + ": expected an integer from " + std::to_string(min) +
                                       " to " + std::to_string(max))
                        .with("field", name));
  }
  const std::int64_t x = v.get_int64();
  o.erase(name);
  return x;
}

}  // namespace

json::object backtest(const market::Market& market, const json::value& body) {
  if (!body.is_object()) throw errors::validation("the body must be a JSON object");
  auto fields = body.get_object();
  const std::int64_t from = optional_int(fields, "from_ms", 0, 0, INT64_MAX);
  const std::int64_t to = optional_int(fields, "to_ms", INT64_MAX, 0, INT64_MAX);
  const std::int64_t limit = optional_int(fields, "limit", 1000, 1, kMaxBars);
  if (from > to) throw std::move(errors::validation("from_ms: after to_ms").with("field", "from_ms"));
  if (fields.contains("channels") || fields.contains("webhook_url") || fields.contains("expires_at_ms")) {
    throw std::move(errors::validation("channels, webhook_url and expires_at_ms do not apply to a backtest")
                        .with("field", "channels"));
  }
  AlertRecord r;
  r.id = "backtest";
  r.frequency = "every_time";
  r.timeframe = "1h";
  auto lookup = [&market](const std::string& s) -> std::optional<std::string> {
    const auto* i = market.find(s);
    return i ? std::optional<std::string>(i->symbol) : std::nullopt;
  };
  apply_body(r, fields, true, lookup);
  if (!fields.contains("cooldown_ms")) r.cooldown_ms = 0;
  const auto tf = market::parse_timeframe(r.timeframe).value_or(market::Timeframe::h1);
  auto candles = market.candles(r.symbol, tf, market::CandleQuery{from, to, static_cast<std::size_t>(limit)});
  Engine engine;
  engine.upsert(to_rule(r));
  std::vector<Fire> fires;
  for (const auto& c : candles) {
    engine.on_tick(r.symbol, c.time_ms + market::duration_ms(tf) - 1, c.close, c.volume, fires);
    if (fires.size() >= kMaxFires) break;
  }
  json::array items;
  for (const auto& f : fires) items.push_back(json::object{{"time_ms", f.time_ms}, {"price", f.price}});
  return {{"symbol", r.symbol},     {"expression", r.expression}, {"timeframe", r.timeframe},
          {"bars", candles.size()}, {"items", std::move(items)},  {"next_cursor", nullptr}};
}

}  // namespace tc::alerts
