// Binance public-stream messages (samples from Binance's WebSocket Streams
// documentation) into ticks.
#include "modules/market/binance.h"
#include "modules/market/binance_feed.h"
#include "net/ws_client.h"

#include <gtest/gtest.h>

namespace tc::market {
namespace {

TEST(Binance, ParsesTradeEventsBareAndCombined) {
  // The "Trade Streams" payload from the documentation.
  const auto t = parse_binance_trade(
      R"({"e":"trade","E":1672515782136,"s":"BNBBTC","t":12345,"p":"0.001","q":"100","T":1672515782136,"m":true,"M":true})");
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(t->symbol, "BNBBTC");
  EXPECT_EQ(t->time_ms, 1672515782136);
  EXPECT_DOUBLE_EQ(t->price, 0.001);
  EXPECT_DOUBLE_EQ(t->quantity, 100);
  // The combined-stream envelope, and the "Aggregate Trade Streams" payload.
  const auto c = parse_binance_trade(
      R"({"stream":"btcusdt@aggTrade","data":{"e":"aggTrade","E":1672515782136,"s":"BTCUSDT","a":12345,"p":"16532.51000000","q":"0.00200000","f":100,"l":105,"T":1672515782136,"m":true,"M":true}})");
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(symbol_from_binance(c->symbol), "BTCUSD");
  EXPECT_DOUBLE_EQ(c->price, 16532.51);
}

TEST(Binance, IgnoresEverythingElse) {
  EXPECT_FALSE(parse_binance_trade(R"({"result":null,"id":1})"));  // a subscription answer
  EXPECT_FALSE(parse_binance_trade(R"({"e":"24hrTicker","s":"BTCUSDT"})"));
  EXPECT_FALSE(parse_binance_trade(R"({"e":"trade","s":"BTCUSDT","p":"abc","q":"1","T":1})"));
  EXPECT_FALSE(parse_binance_trade(R"({"e":"trade","s":"BTCUSDT","p":"-1","q":"1","T":1})"));
  EXPECT_FALSE(parse_binance_trade(R"({"e":"trade","s":"BTCUSDT","p":1.5,"q":"1","T":1})"));  // numbers are strings
  EXPECT_FALSE(parse_binance_trade("not json"));
  EXPECT_FALSE(parse_binance_trade("[1,2]"));
}

TEST(Binance, StreamTargetAndUrls) {
  EXPECT_EQ(binance_stream_target({"BTCUSD", "ETHUSD"}), "/stream?streams=btcusdt@trade/ethusdt@trade");
  const auto u = http::parse_ws_url("wss://stream.binance.com:9443");
  ASSERT_TRUE(u.has_value());
  EXPECT_TRUE(u->tls);
  EXPECT_EQ(u->host, "stream.binance.com");
  EXPECT_EQ(u->port, "9443");
  const auto plain = http::parse_ws_url("ws://127.0.0.1/x?y=1");
  ASSERT_TRUE(plain.has_value());
  EXPECT_EQ(plain->port, "80");
  EXPECT_EQ(plain->target, "/x?y=1");
  EXPECT_FALSE(http::parse_ws_url("http://example.com"));
  EXPECT_FALSE(http::parse_ws_url("ws://:80/"));
}

}  // namespace
}  // namespace tc::market
