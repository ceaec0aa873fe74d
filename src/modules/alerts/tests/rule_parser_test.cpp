#include "modules/alerts/rule_parser.h"
#include "core/errors.h"

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

namespace tc::alerts {
namespace {

// The problem's position and reason for an expression that must not parse.
std::pair<std::int64_t, std::string> error_of(std::string_view text) {
  try {
    parse_expression(text);
  } catch (const Error& e) {
    EXPECT_EQ(e.status(), 422);
    return {e.extra().at("position").as_int64(), std::string(e.extra().at("reason").as_string())};
  }
  ADD_FAILURE() << "parsed: " << text;
  return {-1, ""};
}

TEST(AlertRuleParser, ParsesComparisonsAndCanonicalText) {
  auto c = parse_expression("price crosses_above 200 and rsi(14, 1h) < 30");
  EXPECT_EQ(c.leaves, 2u);
  ASSERT_EQ(c.root.kind, Node::Kind::all);
  EXPECT_EQ(c.root.children[0].op, CompareOp::crosses_above);
  EXPECT_EQ(c.root.children[0].right.number, 200);
  EXPECT_EQ(c.root.children[1].left.key, "rsi(14,1h).value");
  EXPECT_EQ(c.text, "price crosses_above 200 and rsi(14,1h).value < 30");
  // The canonical text parses to itself.
  EXPECT_EQ(parse_expression(c.text).text, c.text);
}

TEST(AlertRuleParser, AndBindsTighterThanOrAndParenthesesGroup) {
  auto c = parse_expression("price > 1 or price < 0.5 and change(5m) >= 2");
  ASSERT_EQ(c.root.kind, Node::Kind::any);
  EXPECT_EQ(c.root.children[1].kind, Node::Kind::all);
  auto d = parse_expression("(price > 1 or price < 0.5) and volume_ratio(20, 5m) > 3");
  ASSERT_EQ(d.root.kind, Node::Kind::all);
  EXPECT_EQ(d.root.children[0].kind, Node::Kind::any);
  EXPECT_EQ(d.text, "(price > 1 or price < 0.5) and volume_ratio(20,5m) > 3");
}

TEST(AlertRuleParser, IndicatorDefaultsOutputsAndCrosses) {
  auto macd = parse_expression("macd(1h) crosses_above macd(12, 26, 9, 1h).signal");
  EXPECT_EQ(macd.root.left.key, "macd(12,26,9,1h).macd");
  EXPECT_EQ(macd.root.right.output, 1u);
  auto bb = parse_expression("price <= bollinger(20, 2.5, 15m).lower");
  EXPECT_EQ(bb.root.right.params, (std::vector<double>{20, 2.5}));
  auto ma = parse_expression("sma(50, 1d) crosses_below sma(200, 1d)");
  EXPECT_EQ(ma.root.op, CompareOp::crosses_below);
}

TEST(AlertRuleParser, ErrorsNameThePositionAndTheReason) {
  EXPECT_EQ(error_of("price crosses 200").first, 6);
  EXPECT_EQ(error_of("price > ").first, 8);
  EXPECT_NE(error_of("price > ").second.find("end of the expression"), std::string::npos);
  EXPECT_EQ(error_of("rsi(14, 2h) < 30").first, 8);
  EXPECT_EQ(error_of("rsi(0, 1h) < 30").first, 4);
  EXPECT_NE(error_of("rsi(0, 1h) < 30").second.find("period"), std::string::npos);
  EXPECT_EQ(error_of("foo(1h) > 1").first, 0);
  EXPECT_EQ(error_of("price > 1 and (price < 2").first, 24);
  EXPECT_EQ(error_of("price > 1 price").first, 10);
  EXPECT_EQ(error_of("1 > 2").first, 2);
  EXPECT_EQ(error_of("price > 1 # x").first, 10);
  EXPECT_EQ(error_of("macd(26, 12, 9, 1h) > 0").first, 0);
  EXPECT_EQ(error_of("macd(1h).nope > 0").first, 9);
  EXPECT_EQ(error_of("change(2d) > 1").first, 7);
  EXPECT_EQ(error_of("").first, 0);
  std::string many = "price > 1";
  for (int i = 0; i < 16; ++i) many += " and price > 1";
  EXPECT_NE(error_of(many).second.find("at most"), std::string::npos);
}

TEST(AlertRuleParser, JsonFormMatchesTheExpression) {
  auto j = boost::json::parse(R"({"all":[{"left":"price","op":"crosses_above","right":200},
    {"left":{"indicator":"rsi","params":[14],"timeframe":"1h"},"op":"<","right":30}]})");
  EXPECT_EQ(parse_condition_json(j).text, parse_expression("price crosses_above 200 and rsi(14, 1h) < 30").text);
  try {
    parse_condition_json(boost::json::parse(R"({"all":[{"left":"price","op":"~","right":1}]})"));
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.extra().at("pointer").as_string(), "/all/0/op");
  }
  EXPECT_THROW(parse_condition_json(boost::json::parse(R"({"left":"price","op":">","right":1,"x":1})")), Error);
}

}  // namespace
}  // namespace tc::alerts
