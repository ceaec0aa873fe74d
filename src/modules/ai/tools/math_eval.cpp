// Recursive descent over the grammar in math_eval.h. The parser holds only a
// cursor into the input and a depth counter; every recursion goes through
// `enter()` (each parenthesis, function argument and unary sign is a level), so
// nesting is bounded before the stack is.
#include "modules/ai/tools/math_eval.h"

#include "core/errors.h"

#include <array>
#include <cmath>
#include <cstdlib>
#include <string_view>
#include <vector>

namespace tc::ai::tools {
namespace {

[[noreturn]] void fail(std::size_t position, const std::string& reason) {
  throw Error(422, "bad-expression", "Bad expression", "at position " + std::to_string(position) + ": " + reason)
      .with("position", static_cast<std::uint64_t>(position))
      .with("reason", boost::json::string(reason));
}

class Parser {
 public:
  explicit Parser(std::string_view in) : in_(in) {}

  double parse() {
    skip_space();
    if (pos_ == in_.size()) fail(pos_, "empty expression");
    double v = sum();
    skip_space();
    if (pos_ != in_.size()) {
      if (in_[pos_] == ')') fail(pos_, "unmatched ')'");
      fail(pos_, "unexpected character '" + std::string(1, in_[pos_]) + "'");
    }
    return v;
  }

 private:
  struct Depth {
    int& d;
    ~Depth() { --d; }
  };
  [[nodiscard]] Depth enter() {
    if (++depth_ > kMaxExpressionDepth) fail(pos_, "expression nested too deeply (at most 64 levels)");
    return Depth{depth_};
  }

  void skip_space() {
    while (pos_ < in_.size() && (in_[pos_] == ' ' || in_[pos_] == '\t' || in_[pos_] == '\n' || in_[pos_] == '\r'))
      ++pos_;
  }
  bool eat(char c) {
    skip_space();
    if (pos_ < in_.size() && in_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  static double finite(double v, std::size_t at) {
    if (!std::isfinite(v)) fail(at, "the result is not a finite number");
    return v;
  }

  double sum() {
    auto guard = enter();
    double v = product();
    for (;;) {
      skip_space();
      std::size_t at = pos_;
      if (eat('+')) {
        v = finite(v + product(), at);
      } else if (eat('-')) {
        v = finite(v - product(), at);
      } else {
        return v;
      }
    }
  }

  double product() {
    double v = unary();
    for (;;) {
      skip_space();
      std::size_t at = pos_;
      if (eat('*')) {
        v = finite(v * unary(), at);
      } else if (eat('/')) {
        double d = unary();
        if (d == 0) fail(at, "division by zero");
        v = finite(v / d, at);
      } else if (eat('%')) {
        double d = unary();
        if (d == 0) fail(at, "remainder by zero");
        v = finite(std::fmod(v, d), at);
      } else {
        return v;
      }
    }
  }

  double unary() {
    if (eat('-')) {
      auto guard = enter();
      return -unary();
    }
    if (eat('+')) {
      auto guard = enter();
      return unary();
    }
    return power();
  }

  double power() {
    double base = primary();
    skip_space();
    std::size_t at = pos_;
    if (eat('^')) {
      double exponent = unary();  // right-associative, and 2^-1 is allowed
      if (base == 0 && exponent < 0) fail(at, "division by zero (0 to a negative power)");
      if (base < 0 && exponent != std::floor(exponent)) fail(at, "a negative number to a fractional power");
      return finite(std::pow(base, exponent), at);
    }
    return base;
  }

  double primary() {
    skip_space();
    if (pos_ == in_.size()) fail(pos_, "unexpected end of expression");
    char c = in_[pos_];
    if (c == '(') {
      ++pos_;
      double v = sum();
      if (!eat(')')) fail(pos_, pos_ == in_.size() ? "missing ')'" : "expected ')'");
      return v;
    }
    if ((c >= '0' && c <= '9') || c == '.') return number();
    if (c >= 'a' && c <= 'z') return call();
    if (c == ')') fail(pos_, "unmatched ')'");
    if (c >= 'A' && c <= 'Z') fail(pos_, "unknown name (functions are lower case; variables are not supported)");
    fail(pos_, "unexpected character '" + std::string(1, c) + "'");
  }

  double number() {
    std::size_t start = pos_;
    auto digits = [&] {
      std::size_t n = 0;
      while (pos_ < in_.size() && in_[pos_] >= '0' && in_[pos_] <= '9') ++pos_, ++n;
      return n;
    };
    std::size_t int_digits = digits();
    std::size_t frac_digits = 0;
    if (pos_ < in_.size() && in_[pos_] == '.') {
      ++pos_;
      frac_digits = digits();
    }
    if (int_digits + frac_digits == 0) fail(start, "a number needs digits");
    if (pos_ < in_.size() && (in_[pos_] == 'e' || in_[pos_] == 'E')) {
      std::size_t e = pos_++;
      if (pos_ < in_.size() && (in_[pos_] == '+' || in_[pos_] == '-')) ++pos_;
      if (digits() == 0) fail(e, "exponent needs digits");
    }
    if (pos_ < in_.size() && (in_[pos_] == '.' || (in_[pos_] >= 'a' && in_[pos_] <= 'z') || in_[pos_] == '_'))
      fail(pos_, "malformed number");
    // The slice is at most 512 bytes and holds only [0-9.eE+-]: strtod cannot misread it.
    std::string text(in_.substr(start, pos_ - start));
    double v = std::strtod(text.c_str(), nullptr);
    return finite(v, start);
  }

  double call() {
    std::size_t start = pos_;
    while (pos_ < in_.size() && ((in_[pos_] >= 'a' && in_[pos_] <= 'z') || (in_[pos_] >= '0' && in_[pos_] <= '9')))
      ++pos_;
    std::string name(in_.substr(start, pos_ - start));
    static constexpr std::array<std::string_view, 9> known{"abs", "sqrt", "ln",    "log", "exp",
                                                           "min", "max",  "round", "pow"};
    bool ok = false;
    for (auto k : known) ok = ok || k == name;
    if (!ok) fail(start, "unknown function '" + name + "'");
    skip_space();
    if (!eat('(')) fail(pos_, "expected '(' after " + name);
    // The vector is bounded by the input length (each argument needs a byte or more).
    std::vector<double> args;
    args.push_back(sum());
    while (eat(',')) args.push_back(sum());
    if (!eat(')')) fail(pos_, pos_ == in_.size() ? "missing ')'" : "expected ',' or ')'");
    return apply(name, args, start);
  }

  static double apply(const std::string& f, const std::vector<double>& a, std::size_t at) {
    auto arity = [&](std::size_t n) {
      if (a.size() != n)
        fail(at, f + " takes " + std::to_string(n) + " argument" + (n == 1 ? "" : "s") + ", got " +
                     std::to_string(a.size()));
    };
    if (f == "abs") return arity(1), std::fabs(a[0]);
    if (f == "sqrt") {
      arity(1);
      if (a[0] < 0) fail(at, "sqrt of a negative number");
      return std::sqrt(a[0]);
    }
    if (f == "ln" || f == "log") {
      arity(1);
      if (a[0] <= 0) fail(at, f + " of a number that is not positive");
      return f == "ln" ? std::log(a[0]) : std::log10(a[0]);
    }
    if (f == "exp") return arity(1), finite(std::exp(a[0]), at);
    if (f == "pow") {
      arity(2);
      if (a[0] == 0 && a[1] < 0) fail(at, "division by zero (0 to a negative power)");
      if (a[0] < 0 && a[1] != std::floor(a[1])) fail(at, "a negative number to a fractional power");
      return finite(std::pow(a[0], a[1]), at);
    }
    if (f == "min" || f == "max") {
      if (a.size() < 2) fail(at, f + " takes two or more arguments");
      double v = a[0];
      for (double x : a) v = f == "min" ? std::fmin(v, x) : std::fmax(v, x);
      return v;
    }
    // round
    if (a.size() == 1) return std::round(a[0]);
    if (a.size() != 2) fail(at, "round takes 1 or 2 arguments, got " + std::to_string(a.size()));
    if (a[1] != std::floor(a[1]) || a[1] < 0 || a[1] > 15) fail(at, "round's digits must be an integer from 0 to 15");
    double scale = std::pow(10.0, a[1]);
    double r = std::round(a[0] * scale) / scale;
    return std::isfinite(r) ? r : a[0];  // a huge value has no digits to round
  }

  std::string_view in_;
  std::size_t pos_ = 0;
  int depth_ = 0;
};

}  // namespace

double evaluate_expression(const std::string& expression) {
  if (expression.size() > kMaxExpressionLength) fail(kMaxExpressionLength, "expression longer than 512 characters");
  double v = Parser(expression).parse();
  return v == 0 ? 0.0 : v;  // no "-0" in answers
}

}  // namespace tc::ai::tools
