// A safe arithmetic evaluator for the assistant's "math" tool: a recursive-descent
// parser over a fixed grammar, no variables, no allocation that grows with the input
// beyond the input itself, and hard limits on length and nesting.
//
//   expr    := sum
//   sum     := product (('+' | '-') product)*
//   product := unary (('*' | '/' | '%') unary)*
//   unary   := ('-' | '+') unary | power
//   power   := primary ('^' unary)?          (right-associative: 2^3^2 = 2^9)
//   primary := number | '(' sum ')' | name '(' sum (',' sum)* ')'
//   number  := digits ['.' digits] [('e'|'E') ['+'|'-'] digits]  |  '.' digits …
//
// Unary minus binds looser than ^ (-2^2 = -4, as in mathematics) and tighter than
// * and /. `%` is the floating-point remainder (fmod). Functions: abs sqrt ln log
// (base 10) exp round (to an integer, or round(x, digits) with 0 ≤ digits ≤ 15)
// min max (two or more arguments) pow (two). Names are case-sensitive, lower case.
#pragma once

#include <cstddef>
#include <string>

namespace tc::ai::tools {

inline constexpr std::size_t kMaxExpressionLength = 512;
inline constexpr int kMaxExpressionDepth = 64;

// The value of `expression`. Throws tc::Error 422 "bad-expression" with extension
// members `position` (0-based byte offset of the offending character, or the length
// of the input when it ended too early) and `reason` (a short English sentence):
// syntax errors, unknown functions, wrong argument counts, division or remainder by
// zero, a domain error (sqrt of a negative, ln of 0), or a result (or intermediate
// value) that is not a finite number; also an input longer than kMaxExpressionLength
// (position = the limit) or nested deeper than kMaxExpressionDepth.
double evaluate_expression(const std::string& expression);

}  // namespace tc::ai::tools
