// CSV import: the common layouts parse; every bad row is reported with its line,
// column and reason, and then nothing is imported; stored candles round-trip.
#include "modules/market/csv_import.h"
#include "app/tests/test_context.h"
#include "modules/market/candle_store.h"
#include "modules/market/market_module.h"

#include <gtest/gtest.h>

namespace tc::market {
namespace {

constexpr std::int64_t kJan2 = 1'704'153'600'000;  // 2024-01-02T00:00:00Z
constexpr std::int64_t kHour = 3'600'000;

TEST(CsvImport, YahooDailyLayoutUsesTheExchangeDay) {
  const auto r = parse_ohlcv_csv(
      "Date,Open,High,Low,Close,Adj Close,Volume\r\n"
      "2024-01-02,187.15,188.44,183.89,185.64,185.40,82488700\r\n"
      "2024-01-03,184.22,185.88,183.43,184.25,184.01,58414500\r\n",
      Timeframe::d1, CalendarKind::us_equities);
  ASSERT_EQ(r.error_count, 0u) << r.errors[0].message;
  ASSERT_EQ(r.candles.size(), 2u);
  // The 1d candle of a US stock starts at New York midnight (05:00Z in winter).
  EXPECT_EQ(r.candles[0].time_ms, kJan2 + kHour * 5);
  EXPECT_EQ(r.candles[0], (Candle{kJan2 + kHour * 5, 187.15, 188.44, 183.89, 185.64, 82488700}));
}

TEST(CsvImport, HeaderlessBinanceKlinesAndIsoTimesAndSemicolons) {
  auto r = parse_ohlcv_csv(
      "1704153600000,42283.58,42554.57,42261.02,42475.23,1271.68,1704157199999,53963045.7,41547,633.5,26893430.2,0\n"
      "1704157200000,42475.23,42775.00,42431.65,42613.56,1196.37,1704160799999,50988117.4,39711,598.3,25502110.6,0\n",
      Timeframe::h1, CalendarKind::always);
  ASSERT_EQ(r.error_count, 0u);
  EXPECT_EQ(r.candles[1].time_ms, kJan2 + 3'600'000);
  EXPECT_EQ(r.candles[1].volume, 1196.37);
  r = parse_ohlcv_csv(
      "time;open;high;low;close\n2024-01-02T10:00:00Z;1.1;1.2;1.0;1.15\n2024-01-02 06:00-05:00;1;1;1;1\n",
      Timeframe::h1, CalendarKind::fx);
  ASSERT_EQ(r.error_count, 0u) << r.errors[0].message;
  EXPECT_EQ(r.candles[0].time_ms, kJan2 + kHour * 10);
  EXPECT_EQ(r.candles[1].time_ms, kJan2 + kHour * 11);
  EXPECT_EQ(r.candles[1].volume, 0);  // volume is optional
  // Unix seconds.
  r = parse_ohlcv_csv("timestamp,o,h,l,c,v\n1704153600,1,2,0.5,1.5,10\n", Timeframe::m1, CalendarKind::always);
  ASSERT_EQ(r.error_count, 0u);
  EXPECT_EQ(r.candles[0].time_ms, kJan2);
}

TEST(CsvImport, EveryBadRowIsReportedAndNothingIsImported) {
  const auto r = parse_ohlcv_csv(
      "time,open,high,low,close,volume\n"
      "2024-01-02T00:00:00Z,10,11,9,10.5,100\n"   // line 2: fine
      "2024-01-02T00:01:00Z,10,abc,9,10.5,100\n"  // line 3: high not a number
      "2024-01-02T00:02:30Z,10,11,9,10.5,100\n"   // line 4: not on a minute
      "2024-01-02T00:01:00Z,10,11,9,10.5,100\n"   // line 5: earlier than line 2's successor
      "\n"                                        // line 6: blank, skipped
      "2024-01-02T00:05:00Z,10,9,9.5,10.5,100\n"  // line 7: high below the close
      "2024-01-02T00:06:00Z,10,11,9,10.5,-1\n"    // line 8: negative volume
      "yesterday,10,11,9,10.5,1\n"                // line 9: no time
      "2024-01-02T00:08:00Z,10,11\n",             // line 10: too few fields
      Timeframe::m1, CalendarKind::always);
  EXPECT_TRUE(r.candles.empty());
  ASSERT_EQ(r.error_count, 7u);
  auto at = [&](std::size_t i) { return std::to_string(r.errors[i].line) + " " + r.errors[i].column; };
  EXPECT_EQ(at(0), "3 high");
  EXPECT_EQ(r.errors[0].message, "\"abc\" is not a number");
  EXPECT_EQ(at(1), "4 time");
  EXPECT_EQ(r.errors[1].message, "not the start of a 1m candle");
  EXPECT_EQ(at(2), "5 time");
  EXPECT_EQ(r.errors[2].message, "same time as the row on line 3");
  EXPECT_EQ(at(3), "7 high");
  EXPECT_EQ(at(4), "8 volume");
  EXPECT_EQ(at(5), "9 time");
  EXPECT_EQ(at(6), "10 ");
  EXPECT_EQ(r.errors[6].message, "expected at least 6 fields, found 3");
}

TEST(CsvImport, TimesOutsideTheSupportedRangeAndGarbageAreRowErrors) {
  auto r =
      parse_ohlcv_csv("time,open,high,low,close\n99999999999999999,1,1,1,1\n", Timeframe::m1, CalendarKind::always);
  ASSERT_EQ(r.error_count, 1u);
  EXPECT_EQ(r.errors[0].message, "outside 1970-01-01 to 2100-01-01");
  // Arbitrary bytes never crash the parser; every line is accounted for.
  std::string junk = "time,open,high,low,close\n";
  for (int i = 0; i < 200; ++i) {
    for (int j = 0; j < 40; ++j) junk += static_cast<char>((i * 131 + j * 17) % 256);
    junk += '\n';
  }
  r = parse_ohlcv_csv(junk, Timeframe::m1, CalendarKind::always);
  EXPECT_TRUE(r.candles.empty());
  EXPECT_GT(r.error_count, 0u);
}

TEST(CsvImport, MissingColumnsAndEmptyFiles) {
  auto r = parse_ohlcv_csv("date,open,close\n2024-01-02,1,1\n", Timeframe::d1, CalendarKind::always);
  ASSERT_EQ(r.error_count, 2u);
  EXPECT_EQ(r.errors[0].column, "high");
  EXPECT_EQ(r.errors[1].column, "low");
  EXPECT_EQ(r.errors[0].message, "missing column");
  EXPECT_EQ(parse_ohlcv_csv("", Timeframe::d1, CalendarKind::always).error_count, 1u);
  EXPECT_EQ(parse_ohlcv_csv("date,open,high,low,close\n", Timeframe::d1, CalendarKind::always).errors[0].message,
            "no rows after the header");
  // Error lists are capped; the count is not.
  std::string many = "time,open,high,low,close\n";
  for (int i = 0; i < 300; ++i) many += "x,1,1,1,1\n";
  r = parse_ohlcv_csv(many, Timeframe::m1, CalendarKind::always);
  EXPECT_EQ(r.error_count, 300u);
  EXPECT_EQ(r.errors.size(), 100u);
}

TEST(CandleStore, WritesUpsertAndReadsBackInOrder) {
  app::testing::TestContext t;
  auto migrate = [](infra::store::Connection& c) {
    for (const auto& m : migrations()) c.execute_script(m.sqlite_sql);
  };
  t.store->run_transaction(migrate);
  std::vector<StoredCandle> batch{{"BTCUSD", Timeframe::h1, {kJan2, 1, 2, 0.5, 1.5, 10}, false},
                                  {"BTCUSD", Timeframe::h1, {kJan2 + 3'600'000, 1.5, 3, 1, 2.5, 20}, false},
                                  {"BTCUSD", Timeframe::m1, {kJan2, 9, 9, 9, 9, 9}, true}};
  auto write = [&](infra::store::Connection& c) { CandleStore::write(c, batch); };
  t.store->run_transaction(write);
  // An amended candle replaces the stored one.
  batch = {{"BTCUSD", Timeframe::h1, {kJan2, 1, 2.2, 0.5, 1.6, 11}, false}};
  t.store->run_transaction(write);
  auto read = [&](infra::store::Connection& c) {
    return CandleStore::read(c, "BTCUSD", Timeframe::h1, 0, INT64_MAX, 10);
  };
  const auto got = t.store->run_with_connection(read);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0], (Candle{kJan2, 1, 2.2, 0.5, 1.6, 11}));
  EXPECT_EQ(got[1].close, 2.5);
}

}  // namespace
}  // namespace tc::market
