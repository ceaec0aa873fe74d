// Market tools: quote, candles, indicator, chart_analysis, stock_report (through
// market::Market, which serves everything from memory) and propose_alert (which
// only records a proposal: the alert exists once the user confirms it).
#include "core/errors.h"
#include "modules/ai/market_data.h"
#include "modules/ai/numbers.h"
#include "modules/ai/tools.h"
#include "modules/market/market.h"

#include <fmt/format.h>
#include <boost/json/parse.hpp>

#include <cmath>

namespace tc::ai {

namespace json = boost::json;

namespace {

json::object schema(const char* text) { return json::parse(text).as_object(); }

const market::Instrument& instrument(const ToolContext& ctx, const json::object& a) {
  if (!ctx.market) throw errors::unavailable("market data is not available in this process");
  const auto symbol = args::required_string(a, "symbol", 32);
  const auto* in = ctx.market->find(symbol);
  if (!in) throw errors::not_found(fmt::format("no instrument \"{}\"", symbol));
  return *in;
}

market::Timeframe timeframe(const json::object& a, market::Timeframe fallback) {
  auto tf = args::optional_string(a, "timeframe", 8);
  if (!tf) return fallback;
  auto parsed = market::parse_timeframe(*tf);
  if (!parsed)
    throw errors::validation(fmt::format("argument \"timeframe\" must be one of {}", market::kTimeframeList));
  return *parsed;
}

}  // namespace

json::object quote_result(const market::Market& market, const market::Instrument& in) {
  auto q = market.quote(in.symbol);
  if (!q) throw errors::unavailable(fmt::format("no price for {} yet", in.symbol));
  const double ref = q->previous_close > 0 ? q->previous_close : q->day_open;
  json::object out{{"symbol", in.symbol},
                   {"name", in.name},
                   {"currency", in.currency},
                   {"last", rounded(q->last)},
                   {"bid", rounded(q->bid)},
                   {"ask", rounded(q->ask)},
                   {"day_open", rounded(q->day_open)},
                   {"day_high", rounded(q->day_high)},
                   {"day_low", rounded(q->day_low)},
                   {"day_volume", std::round(q->day_volume)},
                   {"time_ms", q->time_ms},
                   {"simulated", q->simulated}};
  if (ref > 0) {
    out["reference"] = q->previous_close > 0 ? "previous_close" : "day_open";
    out["change"] = rounded(q->last - ref);
    out["change_pct"] = rounded2((q->last - ref) / ref * 100);
  }
  return out;
}

json::object indicator_result(const market::Market& market, const market::Instrument& in, market::Timeframe tf,
                              const std::string& name, const std::vector<std::pair<std::string, std::string>>& params) {
  const auto* spec = market::ind::find_indicator(name);
  if (!spec) {
    throw errors::not_found(
        fmt::format("no indicator \"{}\"; known: {}", name.substr(0, 32), market::ind::indicator_names()));
  }
  auto series = market.indicator(in.symbol, tf, spec->name, params, market::CandleQuery{.limit = 300});
  json::object values;
  std::int64_t at = 0;
  for (std::size_t i = series.values.size(); i-- > 0;) {
    bool ready = true;
    for (std::size_t k = 0; k < series.outputs.size(); ++k) ready = ready && std::isfinite(series.values[i][k]);
    if (!ready) continue;
    for (std::size_t k = 0; k < series.outputs.size(); ++k) values[series.outputs[k]] = rounded(series.values[i][k]);
    at = series.times[i];
    break;
  }
  json::object used;
  const auto resolved = market::ind::resolve_params(*spec, params);
  for (std::size_t i = 0; i < spec->params.size() && i < resolved.size(); ++i) {
    used[spec->params[i].name] =
        spec->params[i].integer ? json::value(static_cast<std::int64_t>(resolved[i])) : json::value(resolved[i]);
  }
  if (values.empty()) throw errors::unavailable("not enough candles yet to compute it");
  return json::object{
      {"symbol", in.symbol}, {"indicator", spec->name}, {"timeframe", market::name(tf)}, {"params", used},
      {"time_ms", at},       {"values", values},        {"bars", series.times.size()}};
}

void add_market_tools(ToolRegistry& registry) {
  registry.add(Tool{.spec = {"quote", "The latest quote of an instrument: last, bid, ask, day range, change",
                             schema(R"({"type":"object","additionalProperties":false,"required":["symbol"],
                 "properties":{"symbol":{"type":"string","description":"e.g. AAPL, BTCUSD, EURUSD"}}})")},
                    .fields = {"symbol"},
                    .run = [](json::object a, ToolContext ctx) -> boost::asio::awaitable<json::value> {
                      const auto& in = instrument(ctx, a);
                      co_return quote_result(*ctx.market, in);
                    }});

  registry.add(
      Tool{.spec = {"candles", "Recent OHLCV candles of an instrument (newest last)",
                    schema(R"({"type":"object","additionalProperties":false,"required":["symbol"],
                 "properties":{"symbol":{"type":"string"},"timeframe":{"enum":["1m","5m","15m","1h","4h","1d"]},
                 "limit":{"type":"integer","minimum":1,"maximum":100}}})")},
           .fields = {"symbol", "timeframe", "limit"},
           .run = [](json::object a, ToolContext ctx) -> boost::asio::awaitable<json::value> {
             const auto& in = instrument(ctx, a);
             const auto tf = timeframe(a, market::Timeframe::h1);
             const auto limit = static_cast<std::size_t>(args::optional_int(a, "limit", 1, 100).value_or(20));
             auto bars = ctx.market->candles(in.symbol, tf, market::CandleQuery{.limit = limit});
             json::array items;
             for (const auto& c : bars) {
               items.push_back(json::object{{"time_ms", c.time_ms},
                                            {"open", rounded(c.open)},
                                            {"high", rounded(c.high)},
                                            {"low", rounded(c.low)},
                                            {"close", rounded(c.close)},
                                            {"volume", std::round(c.volume)}});
             }
             co_return json::object{{"symbol", in.symbol}, {"timeframe", market::name(tf)}, {"candles", items}};
           }});

  registry.add(
      Tool{.spec = {"indicator", "The latest value of a technical indicator (sma, ema, rsi, macd, bollinger, atr, …)",
                    schema(R"({"type":"object","additionalProperties":false,"required":["symbol","name"],
                 "properties":{"symbol":{"type":"string"},"name":{"type":"string","description":"indicator name"},
                 "timeframe":{"enum":["1m","5m","15m","1h","4h","1d"]},
                 "params":{"type":"object","additionalProperties":{"type":"number"},
                   "description":"e.g. {\"period\": 14}"}}})")},
           .fields = {"symbol", "name", "timeframe", "params"},
           .run = [](json::object a, ToolContext ctx) -> boost::asio::awaitable<json::value> {
             const auto& in = instrument(ctx, a);
             const auto tf = timeframe(a, market::Timeframe::h1);
             const auto name = args::required_string(a, "name", 32);
             std::vector<std::pair<std::string, std::string>> params;
             if (const auto* p = a.if_contains("params"); p && !p->is_null()) {
               if (!p->is_object() || p->as_object().size() > 8) {
                 throw errors::validation("argument \"params\" must be an object of at most 8 numbers");
               }
               for (const auto& [k, v] : p->as_object()) {
                 if (!v.is_number()) throw errors::validation("argument \"params\" must hold numbers");
                 params.emplace_back(std::string(k).substr(0, 32), num(v.to_number<double>()));
               }
             }
             co_return indicator_result(*ctx.market, in, tf, name, params);
           }});

  registry.add(Tool{
      .spec = {"chart_analysis", "Support/resistance levels, trend, candlestick and chart patterns of recent candles",
               schema(R"({"type":"object","additionalProperties":false,"required":["symbol"],
                 "properties":{"symbol":{"type":"string"},"timeframe":{"enum":["1m","5m","15m","1h","4h","1d"]}}})")},
      .fields = {"symbol", "timeframe"},
      .run = [](json::object a, ToolContext ctx) -> boost::asio::awaitable<json::value> {
        const auto& in = instrument(ctx, a);
        co_return rounded_analysis(ctx.market->analyze(in.symbol, timeframe(a, market::Timeframe::h1)));
      }});

  registry.add(
      Tool{.spec = {"stock_report",
                    "A multi-angle report on an instrument: trend, momentum, volatility, levels, patterns, relative "
                    "strength against a benchmark, risk; with chart annotations",
                    schema(R"({"type":"object","additionalProperties":false,"required":["symbol"],
                 "properties":{"symbol":{"type":"string"},"timeframe":{"enum":["1m","5m","15m","1h","4h","1d"]},
                 "benchmark":{"type":"string","description":"default: SPY for stocks, BTCUSD for crypto, EURUSD for fx"}}})")},
           .fields = {"symbol", "timeframe", "benchmark"},
           .run = [](json::object a, ToolContext ctx) -> boost::asio::awaitable<json::value> {
             const auto& in = instrument(ctx, a);
             const auto tf = timeframe(a, market::Timeframe::h1);
             const market::Instrument* bench = nullptr;
             if (auto b = args::optional_string(a, "benchmark", 32)) {
               bench = ctx.market->find(*b);
               if (!bench) throw errors::not_found(fmt::format("no benchmark instrument \"{}\"", *b));
             }
             co_return stock_report(*ctx.market, in, tf, bench);
           }});

  registry.add(
      Tool{.spec = {"propose_alert",
                    "Propose a price alert to the user. Nothing is created: the user sees the proposal and confirms or "
                    "declines it",
                    schema(R"({"type":"object","additionalProperties":false,"required":["symbol","expression"],
                 "properties":{"symbol":{"type":"string"},"name":{"type":"string","maxLength":100},
                 "expression":{"type":"string","maxLength":500,"description":"alert rule, e.g. price crosses_above 200"}}})")},
           .fields = {"symbol", "expression", "name"},
           .run = [](json::object a, ToolContext ctx) -> boost::asio::awaitable<json::value> {
             const auto& in = instrument(ctx, a);
             const auto expression = args::required_string(a, "expression", 500);
             auto name = args::optional_string(a, "name", 100).value_or(in.symbol + " alert");
             json::object arguments{{"symbol", in.symbol}, {"name", name}, {"expression", expression}};
             co_return json::object{{"proposal", {{"kind", "alert"}, {"arguments", arguments}}},
                                    {"status", "pending: the user confirms or declines it; nothing was created"}};
           }});
}

}  // namespace tc::ai
