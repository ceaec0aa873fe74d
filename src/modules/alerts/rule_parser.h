// The alert expression language and its JSON form (docs/alerts.md):
//
//   expr       := and_expr { "or" and_expr }
//   and_expr   := primary { "and" primary }
//   primary    := "(" expr ")" | value op value
//   op         := "crosses_above" | "crosses_below" | ">" | "<" | ">=" | "<="
//   value      := number | "price" | "change" "(" duration ")"
//              |  "volume_ratio" "(" integer "," timeframe ")"
//              |  indicator "(" [ number "," ]* timeframe ")" [ "." output ]
//
// Errors are tc::Error 422 whose problem carries `position` (0-based byte offset
// into the expression) and a reason naming what was expected there.
#pragma once

#include "modules/alerts/rule.h"

#include <boost/json/value.hpp>

#include <string_view>

namespace tc::alerts {

inline constexpr std::size_t kMaxExpressionBytes = 1000;
inline constexpr std::size_t kMaxComparisons = 16;
inline constexpr std::size_t kMaxDepth = 8;
inline constexpr std::int64_t kMaxChangeWindowMs = 86'400'000;

Condition parse_expression(std::string_view text);
// {"all":[…]} | {"any":[…]} | {"left":V,"op":"…","right":V} where V is a number,
// "price", {"change":"5m"}, {"volume_ratio":N,"timeframe":"5m"} or
// {"indicator":"rsi","params":[14],"timeframe":"1h","output":"value"}.
// Errors are 422 with `pointer` (a JSON pointer into the condition).
Condition parse_condition_json(const boost::json::value& v);

}  // namespace tc::alerts
