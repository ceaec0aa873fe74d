#include "modules/ai/tools/math_eval.h"

#include "core/errors.h"

#include <gtest/gtest.h>

#include <string>

using tc::ai::tools::evaluate_expression;

namespace {

struct Failure {
  std::uint64_t position = 0;
  std::string reason;
};

Failure failure_of(const std::string& expr) {
  try {
    double v = evaluate_expression(expr);
    ADD_FAILURE() << expr << " evaluated to " << v << " instead of failing";
  } catch (const tc::Error& e) {
    EXPECT_EQ(e.status(), 422);
    EXPECT_EQ(e.type(), "bad-expression");
    return {e.extra().at("position").as_uint64(), std::string(e.extra().at("reason").as_string())};
  }
  return {};
}

}  // namespace

TEST(MathEval, PrecedenceOfOperators) {
  EXPECT_DOUBLE_EQ(evaluate_expression("1 + 2 * 3"), 7);
  EXPECT_DOUBLE_EQ(evaluate_expression("(1 + 2) * 3"), 9);
  EXPECT_DOUBLE_EQ(evaluate_expression("10 - 4 - 3"), 3);  // left-associative
  EXPECT_DOUBLE_EQ(evaluate_expression("100 / 10 / 5"), 2);
  EXPECT_DOUBLE_EQ(evaluate_expression("2 * 3 ^ 2"), 18);
  EXPECT_DOUBLE_EQ(evaluate_expression("7 % 4 + 1"), 4);
  EXPECT_DOUBLE_EQ(evaluate_expression("1.5e2 + .5"), 150.5);
}

TEST(MathEval, PowerIsRightAssociative) {
  EXPECT_DOUBLE_EQ(evaluate_expression("2^3^2"), 512);
  EXPECT_DOUBLE_EQ(evaluate_expression("(2^3)^2"), 64);
  EXPECT_DOUBLE_EQ(evaluate_expression("2^-1"), 0.5);
}

TEST(MathEval, UnaryMinusBindsLooserThanPowerTighterThanProduct) {
  EXPECT_DOUBLE_EQ(evaluate_expression("-2^2"), -4);
  EXPECT_DOUBLE_EQ(evaluate_expression("(-2)^2"), 4);
  EXPECT_DOUBLE_EQ(evaluate_expression("3 * -2"), -6);
  EXPECT_DOUBLE_EQ(evaluate_expression("--3"), 3);
  EXPECT_DOUBLE_EQ(evaluate_expression("-(1 - 4)"), 3);
  EXPECT_DOUBLE_EQ(evaluate_expression("+5"), 5);
}

TEST(MathEval, Functions) {
  EXPECT_DOUBLE_EQ(evaluate_expression("abs(-3.5)"), 3.5);
  EXPECT_DOUBLE_EQ(evaluate_expression("sqrt(16)"), 4);
  EXPECT_DOUBLE_EQ(evaluate_expression("ln(exp(2))"), 2);
  EXPECT_DOUBLE_EQ(evaluate_expression("log(1000)"), 3);
  EXPECT_DOUBLE_EQ(evaluate_expression("min(3, 1, 2)"), 1);
  EXPECT_DOUBLE_EQ(evaluate_expression("max(3, 1, 2)"), 3);
  EXPECT_DOUBLE_EQ(evaluate_expression("round(2.5)"), 3);
  EXPECT_DOUBLE_EQ(evaluate_expression("round(187.2345, 2)"), 187.23);
  EXPECT_DOUBLE_EQ(evaluate_expression("pow(2, 10)"), 1024);
  EXPECT_DOUBLE_EQ(evaluate_expression("(105.2 - 100) / 100 * 100"), 5.2000000000000028);
}

TEST(MathEval, DivisionByZeroNamesTheOperator) {
  auto f = failure_of("1 / (2 - 2)");
  EXPECT_EQ(f.position, 2u);
  EXPECT_EQ(f.reason, "division by zero");
  f = failure_of("5 % 0");
  EXPECT_EQ(f.position, 2u);
  EXPECT_EQ(f.reason, "remainder by zero");
  EXPECT_EQ(failure_of("0 ^ -1").position, 2u);
}

TEST(MathEval, NonFiniteResultsAreRefused) {
  EXPECT_EQ(failure_of("10 ^ 400").reason, "the result is not a finite number");
  EXPECT_EQ(failure_of("exp(1000)").reason, "the result is not a finite number");
  EXPECT_EQ(failure_of("1e308 * 10").position, 6u);
  EXPECT_EQ(failure_of("1e999").position, 0u);
  EXPECT_EQ(failure_of("sqrt(-1)").reason, "sqrt of a negative number");
  EXPECT_EQ(failure_of("ln(0)").position, 0u);
  EXPECT_EQ(failure_of("(-8) ^ 0.5").reason, "a negative number to a fractional power");
}

TEST(MathEval, GarbageIsReportedAtItsPosition) {
  EXPECT_EQ(failure_of("").reason, "empty expression");
  EXPECT_EQ(failure_of("   ").position, 3u);
  auto f = failure_of("1 + ");
  EXPECT_EQ(f.position, 4u);
  EXPECT_EQ(f.reason, "unexpected end of expression");
  f = failure_of("2 * (3 + 4");
  EXPECT_EQ(f.position, 10u);
  EXPECT_EQ(f.reason, "missing ')'");
  EXPECT_EQ(failure_of("2 + 3)").position, 5u);
  EXPECT_EQ(failure_of("2 $ 3").position, 2u);
  f = failure_of("foo(1)");
  EXPECT_EQ(f.position, 0u);
  EXPECT_EQ(f.reason, "unknown function 'foo'");
  EXPECT_EQ(failure_of("1 + x").position, 4u);
  EXPECT_EQ(failure_of("1 + X").position, 4u);
  EXPECT_EQ(failure_of("1.2.3").position, 3u);
  EXPECT_EQ(failure_of("1e+").position, 1u);
  EXPECT_EQ(failure_of("sqrt 4").position, 5u);
  EXPECT_EQ(failure_of("pow(2)").reason, "pow takes 2 arguments, got 1");
  EXPECT_EQ(failure_of("min(2)").reason, "min takes two or more arguments");
  EXPECT_EQ(failure_of("round(1, 99)").position, 0u);
  EXPECT_EQ(failure_of("3 4").position, 2u);
  EXPECT_EQ(failure_of("2 ** 3").position, 3u);
}

TEST(MathEval, LimitsOnLengthAndDepth) {
  std::string long_expr(513, '1');
  auto f = failure_of(long_expr);
  EXPECT_EQ(f.position, 512u);
  std::string longest;
  for (int i = 0; i < 255; ++i) longest += "1+";
  longest += "1 ";  // 512 characters
  EXPECT_DOUBLE_EQ(evaluate_expression(longest), 256);
  std::string deep = std::string(100, '(') + "1" + std::string(100, ')');
  f = failure_of(deep);
  EXPECT_EQ(f.reason, "expression nested too deeply (at most 64 levels)");
  EXPECT_LT(f.position, 100u);
  std::string shallow = std::string(60, '(') + "1" + std::string(60, ')');
  EXPECT_DOUBLE_EQ(evaluate_expression(shallow), 1);
  // A long chain of unary minus is depth too, not a stack overflow.
  EXPECT_EQ(failure_of(std::string(300, '-') + "1").reason, "expression nested too deeply (at most 64 levels)");
}
