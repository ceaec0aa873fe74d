#include "modules/market/indicators/registry.h"

#include "core/errors.h"
#include "modules/market/indicators/moving_averages.h"
#include "modules/market/indicators/oscillators.h"
#include "modules/market/indicators/trend.h"
#include "modules/market/indicators/volatility.h"
#include "modules/market/indicators/volume.h"

#include <fmt/format.h>

#include <charconv>
#include <cmath>

namespace tc::market::ind {
namespace {

template <class I>
class Erased final : public AnyIndicator {
 public:
  explicit Erased(I ind) : ind_(std::move(ind)) {}
  Values update(const Bar& b) noexcept override { return ind_.update(b); }
  Values peek(const Bar& b) const noexcept override { return ind_.peek(b); }

 private:
  I ind_;
};

template <class I, class... A>
std::unique_ptr<AnyIndicator> make(A&&... args) {
  return std::make_unique<Erased<I>>(I(std::forward<A>(args)...));
}

int as_int(double v) { return static_cast<int>(v); }

ParamSpec period(double def, const char* name = "period") { return {name, def, 1, 1000, true}; }

std::vector<IndicatorSpec> build() {
  using P = const std::vector<double>&;
  using E = const IndicatorEnv&;
  std::vector<IndicatorSpec> s;
  s.push_back({"sma", "simple moving average of the close", {period(20)}, {"value"}, [](P p, E) {
                 return make<SmaIndicator>(as_int(p[0]));
               }});
  s.push_back({"ema", "exponential moving average of the close (SMA-seeded)", {period(20)}, {"value"}, [](P p, E) {
                 return make<EmaIndicator>(as_int(p[0]));
               }});
  s.push_back({"wma", "linearly weighted moving average of the close", {period(20)}, {"value"}, [](P p, E) {
                 return make<WmaIndicator>(as_int(p[0]));
               }});
  s.push_back({"dema", "double exponential moving average", {period(20)}, {"value"}, [](P p, E) {
                 return make<DemaIndicator>(as_int(p[0]));
               }});
  s.push_back({"tema", "triple exponential moving average", {period(20)}, {"value"}, [](P p, E) {
                 return make<TemaIndicator>(as_int(p[0]));
               }});
  s.push_back({"macd",
               "moving average convergence/divergence (EMAs)",
               {period(12, "fast"), period(26, "slow"), period(9, "signal")},
               {"macd", "signal", "histogram"},
               [](P p, E) { return make<MacdIndicator>(as_int(p[0]), as_int(p[1]), as_int(p[2])); },
               [](P p) -> std::optional<std::string> {
                 if (p[0] >= p[1]) return "fast must be smaller than slow";
                 return std::nullopt;
               }});
  s.push_back({"rsi", "relative strength index (Wilder)", {period(14)}, {"value"}, [](P p, E) {
                 return make<RsiIndicator>(as_int(p[0]));
               }});
  s.push_back(
      {"stochastic", "stochastic oscillator %K and %D", {period(14), period(3, "signal")}, {"k", "d"}, [](P p, E) {
         return make<StochasticIndicator>(as_int(p[0]), as_int(p[1]));
       }});
  s.push_back({"stoch_rsi",
               "stochastic RSI with %K and %D",
               {period(14, "rsi_period"), period(14, "stochastic_period"), period(3, "k"), period(3, "d")},
               {"stoch_rsi", "k", "d"},
               [](P p, E) { return make<StochRsiIndicator>(as_int(p[0]), as_int(p[1]), as_int(p[2]), as_int(p[3])); }});
  s.push_back({"williams_r", "Williams %R", {period(14)}, {"value"}, [](P p, E) {
                 return make<WilliamsRIndicator>(as_int(p[0]));
               }});
  s.push_back({"roc", "rate of change in percent", {period(12)}, {"value"}, [](P p, E) {
                 return make<RocIndicator>(as_int(p[0]));
               }});
  s.push_back({"cci", "commodity channel index", {period(20)}, {"value"}, [](P p, E) {
                 return make<CciIndicator>(as_int(p[0]));
               }});
  s.push_back({"mfi", "money flow index (TA-Lib definition)", {period(14)}, {"value"}, [](P p, E) {
                 return make<MfiIndicator>(as_int(p[0]));
               }});
  s.push_back({"bollinger",
               "Bollinger Bands (SMA ± k population standard deviations)",
               {period(20), {"stddev", 2, 0.1, 10, false}},
               {"middle", "upper", "lower", "pb"},
               [](P p, E) { return make<BollingerIndicator>(as_int(p[0]), p[1]); }});
  s.push_back({"atr", "average true range (Wilder)", {period(14)}, {"value"}, [](P p, E) {
                 return make<AtrIndicator>(as_int(p[0]));
               }});
  s.push_back({"donchian", "Donchian channel", {period(20)}, {"upper", "middle", "lower"}, [](P p, E) {
                 return make<DonchianIndicator>(as_int(p[0]));
               }});
  s.push_back({"keltner",
               "Keltner channel (EMA ± multiplier · ATR)",
               {period(20), period(10, "atr_period"), {"multiplier", 2, 0.1, 10, false}},
               {"middle", "upper", "lower"},
               [](P p, E) { return make<KeltnerIndicator>(as_int(p[0]), as_int(p[1]), p[2]); }});
  s.push_back({"obv", "on-balance volume", {}, {"value"}, [](P, E) { return make<ObvIndicator>(); }});
  s.push_back(
      {"vwap", "session volume-weighted average price (restarts each trading day)", {}, {"value"}, [](P, E env) {
         return make<VwapIndicator>(env.session_of);
       }});
  s.push_back(
      {"adx", "average directional index with +DI and -DI (Wilder)", {period(14)}, {"adx", "pdi", "mdi"}, [](P p, E) {
         return make<AdxIndicator>(as_int(p[0]));
       }});
  s.push_back({"psar",
               "parabolic SAR",
               {{"step", 0.02, 0.001, 1, false}, {"max", 0.2, 0.001, 1, false}},
               {"value"},
               [](P p, E) { return make<PsarIndicator>(p[0], p[1]); },
               [](P p) -> std::optional<std::string> {
                 if (p[0] > p[1]) return "step must not exceed max";
                 return std::nullopt;
               }});
  s.push_back({"supertrend",
               "SuperTrend (ATR bands around the median price)",
               {period(10), {"multiplier", 3, 0.1, 20, false}},
               {"value", "direction"},
               [](P p, E) { return make<SuperTrendIndicator>(as_int(p[0]), p[1]); }});
  s.push_back({"ichimoku",
               "Ichimoku cloud lines (not displaced)",
               {period(9, "conversion"), period(26, "base"), period(52, "span")},
               {"conversion", "base", "span_a", "span_b"},
               [](P p, E) { return make<IchimokuIndicator>(as_int(p[0]), as_int(p[1]), as_int(p[2])); }});
  return s;
}

std::string format_number(double v) { return fmt::format("{}", v); }

}  // namespace

const std::vector<IndicatorSpec>& indicator_specs() {
  static const std::vector<IndicatorSpec> specs = build();
  return specs;
}

const IndicatorSpec* find_indicator(std::string_view name) {
  for (const auto& s : indicator_specs()) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

std::string indicator_names() {
  std::string out;
  for (const auto& s : indicator_specs()) out += (out.empty() ? "" : ", ") + s.name;
  return out;
}

std::vector<double> resolve_params(const IndicatorSpec& spec,
                                   const std::vector<std::pair<std::string, std::string>>& given) {
  std::vector<double> values;
  values.reserve(spec.params.size());
  for (const auto& p : spec.params) values.push_back(p.default_value);
  for (const auto& [name, text] : given) {
    std::size_t i = 0;
    while (i < spec.params.size() && spec.params[i].name != name) ++i;
    if (i == spec.params.size()) {
      std::string allowed;
      for (const auto& p : spec.params) allowed += (allowed.empty() ? "" : ", ") + p.name;
      throw errors::bad_request(fmt::format("{} has no parameter \"{}\"; its parameters: {}", spec.name, name,
                                            allowed.empty() ? "none" : allowed));
    }
    const auto& p = spec.params[i];
    double v = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(v)) {
      throw errors::bad_request(fmt::format("{}={} is not a number", name, text));
    }
    if (p.integer && v != std::floor(v))
      throw errors::bad_request(fmt::format("{}={} must be a whole number", name, text));
    if (v < p.min || v > p.max) {
      throw errors::bad_request(
          fmt::format("{}={} is out of range: {} to {}", name, text, format_number(p.min), format_number(p.max)));
    }
    values[i] = v;
  }
  if (spec.check) {
    if (auto why = spec.check(values)) throw errors::bad_request(spec.name + ": " + *why);
  }
  return values;
}

std::vector<Values> compute_batch(const IndicatorSpec& spec, const std::vector<double>& params,
                                  std::span<const Bar> bars, const IndicatorEnv& env) {
  auto ind = spec.make(params, env);
  std::vector<Values> out;
  out.reserve(bars.size());
  for (const auto& b : bars) out.push_back(ind->update(b));
  return out;
}

}  // namespace tc::market::ind
