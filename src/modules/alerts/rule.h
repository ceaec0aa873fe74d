// An alert rule's condition as a tree: comparisons between values (price, a
// number, an indicator output, a percent move, a volume ratio) joined by and/or.
// Built by the expression parser (rule_parser.h) or from the JSON form; read by
// the engine (engine.h). The grammar and the semantics are in docs/alerts.md.
#pragma once

#include "modules/market/timeframe.h"

#include <cstdint>
#include <string>
#include <vector>

namespace tc::alerts {

enum class ValueKind : std::uint8_t {
  number,        // a constant
  price,         // the last trade price (the bar's close when evaluated on close)
  indicator,     // an indicator output on a timeframe, e.g. rsi(14, 1h)
  change_pct,    // percent move of the price over a window, e.g. change(5m)
  volume_ratio,  // the forming bar's volume / the mean of the last N closed bars
};

struct ValueRef {
  ValueKind kind = ValueKind::number;
  double number = 0;
  std::string indicator;       // registry name (indicator)
  std::vector<double> params;  // resolved, spec order (indicator); {N} (volume_ratio)
  market::Timeframe timeframe = market::Timeframe::m1;
  std::size_t output = 0;      // index into the indicator's outputs
  std::int64_t window_ms = 0;  // change_pct
  // Canonical text, e.g. "rsi(14,1h).value": equal keys share streaming state.
  std::string key;
};

enum class CompareOp : std::uint8_t { crosses_above, crosses_below, gt, lt, ge, le };

struct Node {
  enum class Kind : std::uint8_t { all, any, compare };
  Kind kind = Kind::compare;
  std::vector<Node> children;  // all / any
  ValueRef left;               // compare
  ValueRef right;
  CompareOp op = CompareOp::gt;
  std::size_t leaf = 0;  // index of this comparison within the rule (per-rule crossing state)
};

struct Condition {
  Node root;
  std::size_t leaves = 0;
  std::string text;  // canonical expression (what GET returns as "expression")
};

std::string_view op_name(CompareOp op);
// Canonical text of a tree (also used to render the JSON form back as an expression).
std::string to_text(const Node& node);

}  // namespace tc::alerts
