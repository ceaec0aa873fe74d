// Deep Stock Analysis: one report from the market module's candles, indicators and
// chart analysis, plus the annotation payload the web chart draws (lines at levels,
// the fitted trend line, pattern markers and zones).
#include "core/errors.h"
#include "modules/ai/market_data.h"
#include "modules/ai/numbers.h"

#include <algorithm>
#include <cmath>

namespace tc::ai {

namespace json = boost::json;

namespace {

void round_all(json::value& v) {
  if (v.is_double()) {
    v = rounded(v.as_double());
  } else if (v.is_object()) {
    for (auto& [k, x] : v.as_object()) round_all(x);
  } else if (v.is_array()) {
    for (auto& x : v.as_array()) round_all(x);
  }
}

double value_of(const json::object& indicator, const char* output) {
  const auto* v = indicator.at("values").as_object().if_contains(output);
  return v ? v->to_number<double>() : 0;
}

std::optional<json::object> try_indicator(const market::Market& m, const market::Instrument& in, market::Timeframe tf,
                                          const std::string& name,
                                          const std::vector<std::pair<std::string, std::string>>& params) {
  try {
    return indicator_result(m, in, tf, name, params);
  } catch (const Error&) {
    return std::nullopt;
  }
}

double pct(double from, double to) { return from > 0 ? (to - from) / from * 100 : 0; }

}  // namespace

json::object rounded_analysis(json::object analysis) {
  json::value v = std::move(analysis);
  round_all(v);
  auto& o = v.as_object();
  // Counts an answer may quote (a number it writes must be in the result).
  for (const char* list : {"levels", "patterns", "chart_patterns"}) {
    if (const auto* a = o.if_contains(list); a && a->is_array()) {
      o[std::string(list) + "_count"] = static_cast<std::int64_t>(a->as_array().size());
    }
  }
  return std::move(o);
}

const market::Instrument* default_benchmark(const market::Market& market, const market::Instrument& in) {
  const char* symbol = in.asset_class == "crypto" ? "BTCUSD" : in.asset_class == "fx" ? "EURUSD" : "SPY";
  if (in.symbol == symbol) symbol = in.asset_class == "crypto" ? "ETHUSD" : in.asset_class == "fx" ? "GBPUSD" : "QQQ";
  return market.find(symbol);
}

json::object stock_report(const market::Market& market, const market::Instrument& in, market::Timeframe tf,
                          const market::Instrument* benchmark) {
  auto bars = market.candles(in.symbol, tf, market::CandleQuery{.limit = 300});
  if (bars.size() < 30) throw errors::unavailable("fewer than 30 candles: too little history for a report");
  const double last = bars.back().close;
  auto analysis = rounded_analysis(market.analyze(in.symbol, tf));
  json::object sections;

  // Trend: the analysis' fit, and where the close stands against its averages.
  {
    json::object trend = analysis.at("trend").as_object();
    auto sma20 = try_indicator(market, in, tf, "sma", {{"period", "20"}});
    auto sma50 = try_indicator(market, in, tf, "sma", {{"period", "50"}});
    trend["last_close"] = rounded(last);
    trend["sma_fast_period"] = 20;
    trend["sma_slow_period"] = 50;
    if (sma20) trend["sma20"] = value_of(*sma20, "value");
    if (sma50) trend["sma50"] = value_of(*sma50, "value");
    if (sma20 && sma50) {
      trend["close_vs_sma20"] = last >= value_of(*sma20, "value") ? "above" : "below";
      trend["sma20_vs_sma50"] = value_of(*sma20, "value") >= value_of(*sma50, "value") ? "above" : "below";
    }
    sections["trend"] = std::move(trend);
  }
  // Momentum: RSI(14), MACD(12, 26, 9), rate of change over 10 bars.
  {
    json::object momentum{{"rsi_period", 14}, {"roc_period", 10}};
    if (auto rsi = try_indicator(market, in, tf, "rsi", {{"period", "14"}})) {
      const double r = value_of(*rsi, "value");
      momentum["rsi14"] = r;
      momentum["rsi_zone"] = r >= 70 ? "overbought" : r <= 30 ? "oversold" : "neutral";
    }
    if (auto macd = try_indicator(market, in, tf, "macd", {})) {
      momentum["macd"] = macd->at("values");
      const auto& v = macd->at("values").as_object();
      if (const auto* h = v.if_contains("histogram"))
        momentum["macd_bias"] = h->to_number<double>() >= 0 ? "positive" : "negative";
    }
    if (auto roc = try_indicator(market, in, tf, "roc", {{"period", "10"}}))
      momentum["roc10"] = value_of(*roc, "value");
    sections["momentum"] = std::move(momentum);
  }
  // Volatility: ATR(14) in price and as a share of the close; realised volatility of
  // the last 50 bar returns.
  {
    json::object vol{{"atr_period", 14}};
    if (auto atr = try_indicator(market, in, tf, "atr", {{"period", "14"}})) {
      vol["atr14"] = value_of(*atr, "value");
      vol["atr_pct_of_price"] = rounded2(value_of(*atr, "value") / last * 100);
    }
    const std::size_t n = std::min<std::size_t>(50, bars.size() - 1);
    double sum = 0, sq = 0;
    for (std::size_t i = bars.size() - n; i < bars.size(); ++i) {
      const double r = std::log(bars[i].close / bars[i - 1].close);
      sum += r;
      sq += r * r;
    }
    const double mean = sum / static_cast<double>(n);
    const double sd = std::sqrt(std::max(0.0, sq / static_cast<double>(n) - mean * mean));
    vol["stddev_return_pct_per_bar"] = rounded2(sd * 100);
    vol["bars"] = n;
    if (auto bb = try_indicator(market, in, tf, "bollinger", {})) {
      const auto& v = bb->at("values").as_object();
      if (v.contains("upper") && v.contains("lower") && v.contains("middle") &&
          v.at("middle").to_number<double>() > 0) {
        vol["bollinger"] = v;
        vol["bollinger_width_pct"] = rounded2((v.at("upper").to_number<double>() - v.at("lower").to_number<double>()) /
                                              v.at("middle").to_number<double>() * 100);
      }
    }
    sections["volatility"] = std::move(vol);
  }
  // Levels: the nearest support below and resistance above.
  {
    json::object levels{{"all", analysis.at("levels")}, {"count", analysis.at("levels_count")}};
    for (const auto& l : analysis.at("levels").as_array()) {
      const auto& o = l.as_object();
      const double p = o.at("price").to_number<double>();
      if (o.at("kind").as_string() == "support" &&
          (!levels.contains("nearest_support") || p > levels.at("nearest_support").to_number<double>())) {
        levels["nearest_support"] = p;
      }
      if (o.at("kind").as_string() == "resistance" &&
          (!levels.contains("nearest_resistance") || p < levels.at("nearest_resistance").to_number<double>())) {
        levels["nearest_resistance"] = p;
      }
    }
    sections["levels"] = std::move(levels);
  }
  sections["patterns"] =
      json::object{{"candlestick", analysis.at("patterns")}, {"chart", analysis.at("chart_patterns")}};
  // Relative strength: the return over the same bars against the benchmark's.
  const std::size_t span = std::min<std::size_t>(100, bars.size() - 1);
  const double ret = rounded2(pct(bars[bars.size() - 1 - span].close, last));
  {
    json::object rs{{"bars", span}, {"return_pct", ret}};
    if (!benchmark) benchmark = default_benchmark(market, in);
    if (benchmark) {
      auto bb = market.candles(benchmark->symbol, tf, market::CandleQuery{.limit = span + 1});
      if (bb.size() == span + 1) {
        const double bret = rounded2(pct(bb.front().close, bb.back().close));
        rs["benchmark"] = benchmark->symbol;
        rs["benchmark_return_pct"] = bret;
        rs["difference_pct"] = rounded2(ret - bret);
        rs["verdict"] = ret > bret ? "outperformed" : ret < bret ? "underperformed" : "matched";
      }
    }
    sections["relative_strength"] = std::move(rs);
  }
  // Risk: the deepest peak-to-trough fall over the window, and the distance to the
  // nearest support in ATRs.
  {
    double peak = 0, worst = 0;
    for (std::size_t i = bars.size() - 1 - span; i < bars.size(); ++i) {
      peak = std::max(peak, bars[i].high);
      if (peak > 0) worst = std::min(worst, (bars[i].low - peak) / peak * 100);
    }
    json::object risk{{"max_drawdown_pct", rounded2(worst)}, {"bars", span}};
    const auto& levels = sections.at("levels").as_object();
    const auto& vol = sections.at("volatility").as_object();
    if (levels.contains("nearest_support") && vol.contains("atr14") && vol.at("atr14").to_number<double>() > 0) {
      risk["support_distance_atr"] =
          rounded2((last - levels.at("nearest_support").to_number<double>()) / vol.at("atr14").to_number<double>());
    }
    sections["risk"] = std::move(risk);
  }

  // The chart's annotations.
  json::array items;
  for (const auto& l : analysis.at("levels").as_array()) {
    const auto& o = l.as_object();
    items.push_back(
        json::object{{"type", "hline"},
                     {"price", o.at("price")},
                     {"style", o.at("kind")},
                     {"label", std::string(o.at("kind").as_string()) + " " + num(o.at("price").to_number<double>())}});
  }
  {
    // Least-squares line through the last 50 closes (log scale, as the analysis fits).
    const std::size_t n = std::min<std::size_t>(50, bars.size());
    double sx = 0, sy = 0, sxx = 0, sxy = 0;
    for (std::size_t i = 0; i < n; ++i) {
      const double x = static_cast<double>(i);
      const double y = std::log(bars[bars.size() - n + i].close);
      sx += x;
      sy += y;
      sxx += x * x;
      sxy += x * y;
    }
    const double dn = static_cast<double>(n);
    const double slope = (dn * sxy - sx * sy) / std::max(1e-12, dn * sxx - sx * sx);
    const double intercept = (sy - slope * sx) / dn;
    items.push_back(json::object{
        {"type", "trendline"},
        {"from", {{"time_ms", bars[bars.size() - n].time_ms}, {"price", rounded(std::exp(intercept))}}},
        {"to", {{"time_ms", bars.back().time_ms}, {"price", rounded(std::exp(intercept + slope * (dn - 1)))}}},
        {"label", "trend, last " + std::to_string(n) + " bars"}});
  }
  for (const auto& p : analysis.at("patterns").as_array()) {
    const auto& o = p.as_object();
    items.push_back(json::object{{"type", "marker"},
                                 {"time_ms", o.at("end_time_ms")},
                                 {"direction", o.at("direction")},
                                 {"label", o.at("name")}});
  }
  for (const auto& p : analysis.at("chart_patterns").as_array()) {
    const auto& o = p.as_object();
    items.push_back(json::object{{"type", "zone"},
                                 {"from_ms", o.at("start_time_ms")},
                                 {"to_ms", o.at("end_time_ms")},
                                 {"direction", o.at("direction")},
                                 {"label", o.at("name")}});
  }
  json::object annotations{{"version", 1}, {"symbol", in.symbol}, {"timeframe", market::name(tf)}, {"items", items}};
  return json::object{{"symbol", in.symbol},
                      {"name", in.name},
                      {"timeframe", market::name(tf)},
                      {"bars", bars.size()},
                      {"simulated", in.simulated},
                      {"sections", std::move(sections)},
                      {"annotations", std::move(annotations)}};
}

}  // namespace tc::ai
