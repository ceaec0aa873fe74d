// The catalogue of indicators by name: their parameters (with defaults and
// bounds), their output names, and a factory for a streaming instance. Batch
// computation runs the streaming form over the bars, so the two cannot disagree.
#pragma once

#include "modules/market/indicators/bar.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace tc::market::ind {

// A type-erased streaming indicator.
class AnyIndicator {
 public:
  virtual ~AnyIndicator() = default;
  virtual Values update(const Bar& b) noexcept = 0;
  virtual Values peek(const Bar& b) const noexcept = 0;
};

struct ParamSpec {
  std::string name;
  double default_value = 0;
  double min = 0;
  double max = 0;
  bool integer = true;
};

// What an indicator needs beyond its parameters: the session (trading day) a
// bar belongs to, for session VWAP.
struct IndicatorEnv {
  std::function<std::int64_t(std::int64_t)> session_of = [](std::int64_t t) { return t / 86'400'000; };
};

struct IndicatorSpec {
  std::string name;         // e.g. "macd"
  std::string description;  // one line
  std::vector<ParamSpec> params;
  std::vector<std::string> outputs;  // one ("value") or several named outputs
  std::function<std::unique_ptr<AnyIndicator>(const std::vector<double>&, const IndicatorEnv&)> make;
  // Cross-parameter rules (e.g. fast < slow); nullopt when fine, else why not.
  std::function<std::optional<std::string>(const std::vector<double>&)> check = {};
};

const std::vector<IndicatorSpec>& indicator_specs();
const IndicatorSpec* find_indicator(std::string_view name);
std::string indicator_names();  // "sma, ema, …" for error messages

// Parameter values by name (strings as given, e.g. from a query string) →
// validated numbers in spec order, defaults filled in. Throws tc::Error 400
// naming the parameter, the value and the bound.
std::vector<double> resolve_params(const IndicatorSpec& spec,
                                   const std::vector<std::pair<std::string, std::string>>& given);

// Values for each bar (NaN where an output is not ready).
std::vector<Values> compute_batch(const IndicatorSpec& spec, const std::vector<double>& params,
                                  std::span<const Bar> bars, const IndicatorEnv& env = {});

}  // namespace tc::market::ind
