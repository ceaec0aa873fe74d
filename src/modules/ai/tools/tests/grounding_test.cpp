#include "modules/ai/tools/grounding.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

using tc::ai::tools::extract_numbers;
using tc::ai::tools::ungrounded_numbers;

namespace {

std::vector<std::string> marked(const std::string& reply, const std::vector<std::string>& sources) {
  std::vector<std::string> out;
  for (const auto& m : ungrounded_numbers(reply, sources)) {
    EXPECT_EQ(reply.substr(m.start, m.end - m.start), m.text);
    out.push_back(m.text);
  }
  return out;
}

using Texts = std::vector<std::string>;

}  // namespace

TEST(Grounding, ExtractsValuesWithSeparatorsSignsCurrencyAndPercent) {
  auto n = extract_numbers("Up 1,234.50 or -3.2% to $187.23, volume 1.2M, range 10-12, −4");
  ASSERT_EQ(n.size(), 7u);
  EXPECT_DOUBLE_EQ(n[0].value, 1234.5);
  EXPECT_EQ(n[0].decimals, 2);
  EXPECT_DOUBLE_EQ(n[1].value, -3.2);
  EXPECT_DOUBLE_EQ(n[2].value, 187.23);
  EXPECT_DOUBLE_EQ(n[3].value, 1.2e6);
  EXPECT_DOUBLE_EQ(n[4].value, 10);
  EXPECT_DOUBLE_EQ(n[5].value, 12);  // a range, not 10 and -12
  EXPECT_DOUBLE_EQ(n[6].value, -4);  // U+2212 minus sign
}

TEST(Grounding, MarksOnlyNumbersNoSourceHolds) {
  Texts sources{R"({"symbol":"AAPL","price":187.2345,"change_pct":-1.25,"volume":51234567})"};
  auto m = marked("AAPL trades at $187.23, down 1.25% today on 51,234,567 shares; target $250.", sources);
  EXPECT_EQ(m, Texts{"$250"});
}

TEST(Grounding, RoundingToTheReplysPrecisionIsTolerated) {
  Texts sources{R"({"close":187.2345})"};
  EXPECT_TRUE(marked("Close 187.23", sources).empty());
  EXPECT_TRUE(marked("Close 187.2", sources).empty());
  EXPECT_TRUE(marked("Close 187", sources).empty());
  EXPECT_EQ(marked("Close 187.3", sources), Texts{"187.3"});
  EXPECT_EQ(marked("Close 187.24", sources), Texts{"187.24"});
  // More precision than the source has is made up.
  EXPECT_EQ(marked("Close 187.23451", sources), Texts{"187.23451"});
  EXPECT_EQ(marked("Close 188", sources), Texts{"188"});
}

TEST(Grounding, NormalisationOfSeparatorsTrailingZerosAndPercent) {
  EXPECT_TRUE(marked("It cost 1,234.50", {"the price was 1234.5"}).empty());
  EXPECT_TRUE(marked("RSI moved 12%", {R"({"delta":12})"}).empty());
  EXPECT_TRUE(marked("a 5.23% gain", {R"({"change":0.0523})"}).empty());
  EXPECT_TRUE(marked("about 1.2M shares", {R"({"volume":1234567})"}).empty());
  EXPECT_EQ(marked("about 1.3M shares", {R"({"volume":1234567})"}), Texts{"1.3M"});
  EXPECT_TRUE(marked("$2.5 billion", {R"({"cap":2512000000})"}).empty());
}

TEST(Grounding, NumbersInJsonStringsAndKeysCountAndArraysAreNotGlued) {
  // A JSON array [1,234] holds 1 and 234, not 1234.
  EXPECT_EQ(marked("1234", {"[1,234]"}), Texts{"1234"});
  EXPECT_TRUE(marked("234", {"[1,234]"}).empty());
  EXPECT_TRUE(marked("closed at 99.5", {R"({"close":"99.50"})"}).empty());
  // A source that is not valid JSON is read as text.
  EXPECT_TRUE(marked("99.5", {R"({"close": 99.5,)"}).empty());
}

TEST(Grounding, StructuralNumbersAreExempt) {
  std::string reply =
      "1. RSI(14) is high\n2) The 50-day SMA and EMA 20 cross\n### 3. Levels\nAs the S&P 500 fell [1][2], "
      "MACD(12, 26, 9) turned; on 2024-05-01 at 14:30 (May 2024, Q3 2024) — the 2nd time. RSI14 on H4.";
  EXPECT_TRUE(marked(reply, {}).empty()) << ::testing::PrintToString(marked(reply, {}));
}

TEST(Grounding, YearsAndSmallNumbersOutsideThoseFormsAreChecked) {
  // A bare 2024 may be a price (ETH at 2024): it must be grounded.
  EXPECT_EQ(marked("ETH is at 2024 now", {}), Texts{"2024"});
  EXPECT_EQ(marked("There are 3 reasons", {}), Texts{"3"});
  EXPECT_EQ(marked("Stop at -5% or -$5", {}), (Texts{"-5%", "-$5"}));
}

TEST(Grounding, TheUsersOwnNumbersGround) {
  Texts sources{"What is 15% of 2,000?", R"({"result":300})"};
  EXPECT_TRUE(marked("15% of 2000 is 300.", sources).empty());
  EXPECT_EQ(marked("15% of 2000 is 320.", sources), Texts{"320"});
}

TEST(Grounding, SpansAreByteOffsetsInUtf8Text) {
  std::string reply = "Prix: 12,5 € — hausse de 3 %";
  auto marks = ungrounded_numbers(reply, {});
  ASSERT_FALSE(marks.empty());
  for (const auto& m : marks) EXPECT_EQ(reply.substr(m.start, m.end - m.start), m.text);
  std::string euro = "€12.50 ok";
  auto e = ungrounded_numbers(euro, {});
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].start, 0u);
  EXPECT_EQ(e[0].text, "€12.50");
}

TEST(Grounding, LargeInputsStayLinear) {
  std::string reply, source = "[";
  for (int i = 0; i < 20000; ++i) {
    reply += std::to_string(i) + ".5 ";
    source += std::to_string(i) + ".5,";
  }
  source += "0]";
  EXPECT_TRUE(ungrounded_numbers(reply, {source}).empty());
}
