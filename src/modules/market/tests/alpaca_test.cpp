// Alpaca's real-time stock stream: the message samples of Alpaca's documentation
// ("WebSocket Stream" and "Real-time Stock Data" pages) through the parser and the
// feed's handshake, and the reconnect backoff. The end-to-end run against a local
// stand-in server is in tests/integration/market.test.mjs.
#include "modules/market/alpaca.h"
#include "app/tests/test_context.h"
#include "modules/market/alpaca_feed.h"
#include "modules/market/market_module.h"
#include "modules/market/reconnect_backoff.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

namespace tc::market {
namespace {

TEST(Alpaca, ParsesTheDocumentedControlMessages) {
  auto m = parse_alpaca_message(R"([{"T":"success","msg":"connected"}])");
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(std::get<AlpacaSuccess>(m[0]).msg, "connected");
  m = parse_alpaca_message(R"([{"T":"success","msg":"authenticated"}])");
  EXPECT_EQ(std::get<AlpacaSuccess>(m.at(0)).msg, "authenticated");
  m = parse_alpaca_message(R"([{"T":"error","code":406,"msg":"connection limit exceeded"}])");
  EXPECT_EQ(std::get<AlpacaError>(m.at(0)).code, 406);
  EXPECT_EQ(std::get<AlpacaError>(m.at(0)).msg, "connection limit exceeded");
  m = parse_alpaca_message(
      R"([{"T":"subscription","trades":["AAPL"],"quotes":["AMD","CLDR"],"bars":["*"],"updatedBars":[],"dailyBars":["VOO"],"statuses":["*"],"lulds":[],"corrections":["AAPL"],"cancelErrors":["AAPL"]}])");
  const auto& sub = std::get<AlpacaSubscription>(m.at(0));
  EXPECT_EQ(sub.trades, std::vector<std::string>{"AAPL"});
  EXPECT_EQ(sub.quotes, (std::vector<std::string>{"AMD", "CLDR"}));
  EXPECT_EQ(sub.bars, std::vector<std::string>{"*"});
}

TEST(Alpaca, ParsesTheDocumentedTradeQuoteAndBar) {
  // The three examples of the stock stream's documentation, in one message (data
  // points may arrive batched).
  const auto m = parse_alpaca_message(R"([
    {"T":"t","i":96921,"S":"AAPL","x":"D","p":126.55,"s":1,"t":"2021-02-22T15:51:44.208Z","c":["@","I"],"z":"C"},
    {"T":"q","S":"AMD","bx":"U","bp":87.66,"bs":1,"ax":"Q","ap":87.68,"as":4,"t":"2021-02-22T15:51:45.335689322Z","c":["R"],"z":"C"},
    {"T":"b","S":"SPY","o":388.985,"h":389.13,"l":388.975,"c":389.12,"v":49378,"t":"2021-02-22T19:15:00Z","n":461,"vw":389.062639}
  ])");
  ASSERT_EQ(m.size(), 3u);
  const auto& t = std::get<AlpacaTrade>(m[0]);
  EXPECT_EQ(t.symbol, "AAPL");
  EXPECT_EQ(t.time_ms, 1'614'009'104'208);
  EXPECT_DOUBLE_EQ(t.price, 126.55);
  EXPECT_DOUBLE_EQ(t.size, 1);
  const auto& q = std::get<AlpacaQuote>(m[1]);
  EXPECT_EQ(q.symbol, "AMD");
  EXPECT_EQ(q.time_ms, 1'614'009'105'335);  // nanoseconds truncated to the millisecond
  EXPECT_DOUBLE_EQ(q.bid, 87.66);
  EXPECT_DOUBLE_EQ(q.ask, 87.68);
  const auto& b = std::get<AlpacaBar>(m[2]);
  EXPECT_EQ(b.symbol, "SPY");
  EXPECT_EQ(b.time_ms, 1'614'021'300'000);
  EXPECT_DOUBLE_EQ(b.open, 388.985);
  EXPECT_DOUBLE_EQ(b.high, 389.13);
  EXPECT_DOUBLE_EQ(b.low, 388.975);
  EXPECT_DOUBLE_EQ(b.close, 389.12);
  EXPECT_DOUBLE_EQ(b.volume, 49378);
}

TEST(Alpaca, SkipsMalformedAndUnusedItems) {
  EXPECT_TRUE(parse_alpaca_message("not json").empty());
  EXPECT_TRUE(parse_alpaca_message(R"({"T":"success","msg":"connected"})").empty());  // not an array
  const auto m = parse_alpaca_message(R"([
    {"T":"t","S":"AAPL","p":"126.55","s":1,"t":"2021-02-22T15:51:44.208Z"},
    {"T":"t","S":"AAPL","p":-1,"s":1,"t":"2021-02-22T15:51:44.208Z"},
    {"T":"t","S":"AAPL","p":126.55,"s":1,"t":"yesterday"},
    {"T":"t","p":126.55,"s":1,"t":"2021-02-22T15:51:44.208Z"},
    {"T":"q","S":"AMD","bp":87.70,"ap":87.68,"t":"2021-02-22T15:51:45Z"},
    {"T":"q","S":"AMD","bp":0,"ap":87.68,"t":"2021-02-22T15:51:45Z"},
    {"T":"b","S":"SPY","o":388.985,"h":388.0,"l":388.975,"c":389.12,"v":49378,"t":"2021-02-22T19:15:00Z"},
    {"T":"d","S":"SPY","o":1,"h":1,"l":1,"c":1,"v":1,"t":"2021-02-22T05:00:00Z"},
    {"T":"s","S":"AAPL","sc":"H","sm":"Trading Halt","t":"2021-02-22T15:51:44.208Z"},
    42,
    {"T":"t","S":"MSFT","p":240,"s":100,"t":"2021-02-22T15:51:44.208Z"}
  ])");
  ASSERT_EQ(m.size(), 1u);  // only the last, well-formed trade
  EXPECT_EQ(std::get<AlpacaTrade>(m[0]).symbol, "MSFT");
}

TEST(Alpaca, Rfc3339Times) {
  EXPECT_EQ(parse_rfc3339_ms("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(parse_rfc3339_ms("2021-02-22T15:51:44Z"), 1'614'009'104'000);
  EXPECT_EQ(parse_rfc3339_ms("2021-02-22T15:51:44.2Z"), 1'614'009'104'200);
  EXPECT_EQ(parse_rfc3339_ms("2021-02-22T10:51:44.208-05:00"), 1'614'009'104'208);
  EXPECT_EQ(parse_rfc3339_ms("2024-02-29T00:00:00+01:00"), 1'709'161'200'000);
  for (const char* bad : {"", "2021-02-22", "2021-02-22T15:51:44", "2021-02-22T15:51:44.Z", "2021-13-01T00:00:00Z",
                          "2021-02-22T15:51:44Zjunk", "2021-02-22T25:00:00Z", "2021-02-22T15:51:44.1234567890Z"}) {
    EXPECT_FALSE(parse_rfc3339_ms(bad).has_value()) << bad;
  }
}

TEST(Alpaca, OutgoingMessages) {
  const auto auth = boost::json::parse(alpaca_auth_message("AKID", "s3cr\"et")).as_object();
  EXPECT_EQ(auth.at("action").as_string(), "auth");
  EXPECT_EQ(auth.at("key").as_string(), "AKID");
  EXPECT_EQ(auth.at("secret").as_string(), "s3cr\"et");
  const auto sub = boost::json::parse(alpaca_subscribe_message({"AAPL", "MSFT"}, {"AAPL"}, {})).as_object();
  EXPECT_EQ(sub.at("action").as_string(), "subscribe");
  EXPECT_EQ(sub.at("trades").as_array().size(), 2u);
  EXPECT_EQ(sub.at("quotes").as_array().size(), 1u);
  EXPECT_FALSE(sub.contains("bars"));
}

struct FeedFixture {
  FeedFixture() {
    auto migrate = [](infra::store::Connection& c) {
      for (const auto& m : migrations()) c.execute_script(m.sqlite_sql);
    };
    t.store->run_transaction(migrate);
  }
  app::testing::TestContext t;
  MarketState state{[] {
                      auto in = simulated_instruments();
                      for (auto& i : in) i.simulated = false;
                      return in;
                    }(),
                    {}};
  CandleStore store{*t.store};
  std::vector<std::string> channels;
};

TEST(AlpacaFeed, AuthenticatesSubscribesAndTurnsTradesAndQuotesIntoPrices) {
  FeedFixture f;
  AlpacaFeed feed(
      f.state, f.store, [&f](const std::string& channel, const boost::json::value&) { f.channels.push_back(channel); },
      [] { return 0; }, {}, {.key_id = "AKID", .secret_key = "SECRET", .trades = true, .quotes = true});
  // The documented handshake: connected → auth, authenticated → subscribe.
  auto replies = feed.on_message(R"([{"T":"success","msg":"connected"}])");
  ASSERT_EQ(replies.size(), 1u);
  EXPECT_EQ(replies[0], alpaca_auth_message("AKID", "SECRET"));
  EXPECT_FALSE(feed.authenticated());
  replies = feed.on_message(R"([{"T":"success","msg":"authenticated"}])");
  ASSERT_EQ(replies.size(), 1u);
  EXPECT_TRUE(feed.authenticated());
  const auto sub = boost::json::parse(replies[0]).as_object();
  EXPECT_EQ(sub.at("trades").as_array().size(), 12u);  // every stock instrument
  EXPECT_EQ(sub.at("quotes").as_array().size(), 12u);
  EXPECT_FALSE(sub.contains("bars"));
  EXPECT_TRUE(feed.on_message(R"([{"T":"subscription","trades":["AAPL"],"quotes":["AAPL"],"bars":[]}])").empty());

  // A quote, then two trades in one message (one for a symbol we do not list).
  feed.on_message(
      R"([{"T":"q","S":"AAPL","bx":"U","bp":126.50,"bs":1,"ax":"Q","ap":126.56,"as":4,"t":"2021-02-22T15:51:44.100Z","c":["R"],"z":"C"}])");
  feed.on_message(
      R"([{"T":"t","i":96921,"S":"AAPL","x":"D","p":126.55,"s":1,"t":"2021-02-22T15:51:44.208Z","c":["@","I"],"z":"C"},
          {"T":"t","i":5,"S":"FAKEPACA","x":"D","p":10,"s":1,"t":"2021-02-22T15:51:44.208Z"}])");
  EXPECT_FALSE(f.state.quote("AAPL").has_value()) << "trades count on the next step of the feed loop";
  feed.step_once(0);
  const auto q = f.state.quote("AAPL");
  ASSERT_TRUE(q.has_value());
  EXPECT_DOUBLE_EQ(q->last, 126.55);
  EXPECT_DOUBLE_EQ(q->bid, 126.50);
  EXPECT_DOUBLE_EQ(q->ask, 126.56);
  EXPECT_EQ(q->time_ms, 1'614'009'104'208);
  EXPECT_FALSE(q->simulated);
  const auto candles = f.state.candles("AAPL", Timeframe::m1, {});
  ASSERT_EQ(candles.size(), 1u);
  EXPECT_EQ(candles[0].time_ms, 1'614'009'060'000);
  EXPECT_DOUBLE_EQ(candles[0].volume, 1);
  EXPECT_NE(std::find(f.channels.begin(), f.channels.end(), "market:AAPL"), f.channels.end());
  // Minute bars do not count twice when trades are subscribed.
  feed.on_message(
      R"([{"T":"b","S":"AAPL","o":126,"h":127,"l":125,"c":126.5,"v":1000,"t":"2021-02-22T15:51:00Z","n":4,"vw":126.2}])");
  feed.step_once(0);
  EXPECT_DOUBLE_EQ(f.state.candles("AAPL", Timeframe::m1, {})[0].volume, 1);

  // An error is counted (and logged without the key); a new connection starts
  // unauthenticated again.
  feed.on_message(R"([{"T":"error","code":402,"msg":"auth failed"}])");
  EXPECT_EQ(feed.errors(), 1u);
  feed.on_connect();
  EXPECT_FALSE(feed.authenticated());
}

TEST(AlpacaFeed, MinuteBarsWithoutTradesRebuildTheVendorsCandle) {
  FeedFixture f;
  AlpacaFeed feed(
      f.state, f.store, [](const std::string&, const boost::json::value&) {}, [] { return 0; }, {},
      {.key_id = "k", .secret_key = "s", .trades = false, .quotes = false, .bars = true});
  feed.on_message(R"([{"T":"success","msg":"connected"}])");
  const auto sub = boost::json::parse(feed.on_message(R"([{"T":"success","msg":"authenticated"}])").at(0)).as_object();
  EXPECT_EQ(sub.at("bars").as_array().size(), 12u);
  EXPECT_FALSE(sub.contains("trades"));
  feed.on_message(
      R"([{"T":"b","S":"SPY","o":388.985,"h":389.13,"l":388.975,"c":389.12,"v":49378,"t":"2021-02-22T19:15:00Z","n":461,"vw":389.062639},
          {"T":"b","S":"SPY","o":389.12,"h":389.2,"l":388.9,"c":388.95,"v":30000,"t":"2021-02-22T19:16:00Z","n":300,"vw":389.0}])");
  feed.step_once(0);
  const auto c = f.state.candles("SPY", Timeframe::m1, {});
  ASSERT_EQ(c.size(), 2u);
  EXPECT_EQ(c[0], (Candle{1'614'021'300'000, 388.985, 389.13, 388.975, 389.12, 49378}));
  EXPECT_EQ(c[1], (Candle{1'614'021'360'000, 389.12, 389.2, 388.9, 388.95, 30000}));
  const auto five = f.state.candles("SPY", Timeframe::m5, {});
  ASSERT_EQ(five.size(), 1u);
  EXPECT_EQ(five[0], (Candle{1'614'021'300'000, 388.985, 389.2, 388.9, 388.95, 79378}));
}

// Out-of-order and late trades through a live feed (docs/market.md, "Late ticks"):
// a trade within market.late_tick_window of the newest, for the minute that just
// closed, amends that candle, which is published again as closed and stored again
// (an upsert); a later one is dropped.
TEST(AlpacaFeed, ALateTradeAmendsTheClosedCandleWhichIsRepublishedAndStoredAgain) {
  FeedFixture f;
  std::vector<boost::json::object> closed;
  AlpacaFeed feed(
      f.state, f.store,
      [&closed](const std::string& channel, const boost::json::value& data) {
        if (channel == "candles:AAPL:1m" && data.as_object().at("closed").as_bool()) closed.push_back(data.as_object());
      },
      [] { return 0; }, {}, {.key_id = "k", .secret_key = "s"});
  auto trade = [&feed](const char* time, double price, double size) {
    feed.on_message(fmt::format(R"([{{"T":"t","S":"AAPL","p":{},"s":{},"t":"{}"}}])", price, size, time));
    feed.step_once(0);
  };
  trade("2021-02-22T15:51:30Z", 100, 1);
  trade("2021-02-22T15:52:00.500Z", 101, 1);  // opens 15:52: 15:51 closes
  ASSERT_EQ(closed.size(), 1u);
  EXPECT_DOUBLE_EQ(closed[0].at("close").to_number<double>(), 100);
  trade("2021-02-22T15:51:59Z", 99, 2);  // 1.5 s behind the newest: amends 15:51
  ASSERT_EQ(closed.size(), 2u);
  EXPECT_EQ(closed[1].at("time_ms").as_int64(), 1'614'009'060'000);
  EXPECT_DOUBLE_EQ(closed[1].at("low").to_number<double>(), 99);
  EXPECT_DOUBLE_EQ(closed[1].at("close").to_number<double>(), 99);
  EXPECT_DOUBLE_EQ(closed[1].at("volume").to_number<double>(), 3);
  trade("2021-02-22T15:51:57Z", 98, 1);  // 3.5 s behind: dropped everywhere
  EXPECT_EQ(f.state.late_ticks_dropped(), 1u);
  EXPECT_EQ(closed.size(), 2u);
  feed.stop();  // writes what is queued
  auto read = [](infra::store::Connection& c) { return CandleStore::read(c, "AAPL", Timeframe::m1, 0, INT64_MAX, 10); };
  const auto stored = f.t.store->run_with_connection(read);
  ASSERT_EQ(stored.size(), 1u);  // the forming 15:52 candle is not stored yet
  EXPECT_EQ(stored[0], (Candle{1'614'009'060'000, 100, 100, 99, 99, 3}));
}

TEST(ReconnectBackoff, DoublesToTheCapWithBoundedJitterAndResets) {
  using ms = std::chrono::milliseconds;
  ReconnectBackoff b(7);
  std::int64_t base = 1000;
  for (int i = 0; i < 8; ++i) {
    const auto wait = b.next().count();
    EXPECT_GE(wait, base) << i;
    EXPECT_LE(wait, base + base / 4) << i;
    base = std::min<std::int64_t>(base * 2, 30'000);
  }
  EXPECT_GE(b.next(), ms(30'000));
  b.reset();
  EXPECT_LE(b.next(), ms(1250));
  // Jitter differs between servers (seeds), so they do not reconnect in step.
  ReconnectBackoff x(1), y(2);
  bool differ = false;
  for (int i = 0; i < 5; ++i) differ = differ || x.next() != y.next();
  EXPECT_TRUE(differ);
}

}  // namespace
}  // namespace tc::market
