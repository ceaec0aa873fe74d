// Binance public market streams (no key): trade events, raw or wrapped in the
// combined-stream envelope, into ticks. See docs/market.md.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tc::market {

struct BinanceTrade {
  std::string symbol;  // Binance's, e.g. "BTCUSDT"
  std::int64_t time_ms = 0;
  double price = 0;
  double quantity = 0;
};

// A `trade` or `aggTrade` event ({"e":"trade","s":…,"p":"…","q":"…","T":…}), bare or
// as {"stream":…,"data":{…}}; nullopt for anything else (subscription answers,
// other event types, malformed input).
std::optional<BinanceTrade> parse_binance_trade(std::string_view message);

// Our symbol for a Binance one: a USDT quote counts as USD ("BTCUSDT" → "BTCUSD").
std::string symbol_from_binance(std::string_view binance_symbol);
// The combined-stream target for our crypto symbols:
// "/stream?streams=btcusdt@trade/ethusdt@trade".
std::string binance_stream_target(const std::vector<std::string>& symbols);

}  // namespace tc::market
