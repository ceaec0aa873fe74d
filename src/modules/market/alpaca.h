// Alpaca's real-time stock data stream (Market Data API v2, `wss://stream.data.
// alpaca.markets/v2/{iex|sip}`): the messages we send (auth, subscribe) and the
// ones we read. Every server message is a JSON array of objects tagged by "T":
// control messages `success` ("connected", "authenticated"), `subscription` and
// `error` (code and msg), and data points `t` (trade), `q` (quote) and `b` (minute
// bar). See docs/market.md.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace tc::market {

struct AlpacaSuccess {
  std::string msg;  // "connected" or "authenticated"
};
struct AlpacaSubscription {
  std::vector<std::string> trades, quotes, bars;
};
struct AlpacaError {
  std::int64_t code = 0;  // e.g. 402 auth failed, 406 connection limit exceeded
  std::string msg;
};
struct AlpacaTrade {
  std::string symbol;
  std::int64_t time_ms = 0;
  double price = 0;
  double size = 0;
};
struct AlpacaQuote {
  std::string symbol;
  std::int64_t time_ms = 0;
  double bid = 0;
  double ask = 0;
};
struct AlpacaBar {
  std::string symbol;
  std::int64_t time_ms = 0;  // the minute's start
  double open = 0, high = 0, low = 0, close = 0, volume = 0;
};

using AlpacaMessage = std::variant<AlpacaSuccess, AlpacaSubscription, AlpacaError, AlpacaTrade, AlpacaQuote, AlpacaBar>;

// The items of one server message, in order. Items that are malformed (wrong
// types, non-positive prices, crossed quotes, bad times) or of a kind we do not
// use (daily and updated bars, statuses, LULDs, corrections) are skipped; a
// message that is not a JSON array gives nothing.
std::vector<AlpacaMessage> parse_alpaca_message(std::string_view message);

// RFC 3339 with optional fraction (any precision, truncated to ms) and `Z` or an
// offset: "2021-02-22T15:51:45.335689322Z" → 1614009105335. nullopt when malformed.
std::optional<std::int64_t> parse_rfc3339_ms(std::string_view text);

// {"action":"auth","key":…,"secret":…}. Holds the secret: never log it.
std::string alpaca_auth_message(const std::string& key_id, const std::string& secret_key);
// {"action":"subscribe","trades":[…],"quotes":[…],"bars":[…]} (empty lists omitted).
std::string alpaca_subscribe_message(const std::vector<std::string>& trades, const std::vector<std::string>& quotes,
                                     const std::vector<std::string>& bars);

}  // namespace tc::market
