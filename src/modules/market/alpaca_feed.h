// Live US stock prices from Alpaca's real-time stock stream (market.feed = alpaca):
// one WebSocket to `market.alpaca.url`; on the server's "connected" we send the
// auth message with the configured key, on "authenticated" one subscribe message
// for every stock instrument (trades, quotes and/or minute bars, per
// market.alpaca.channels). Trades become ticks on the next step of the feed loop,
// quotes set the bid and ask of the instrument's quote, and minute bars — only when
// trades are not subscribed, which would count the same volume twice — become four
// ticks each (open, low/high, close), so the rebuilt 1m candle equals the vendor's.
// Error messages are logged with their code (the key never is); after any failure,
// close or fatal error (auth failed, auth timeout, connection limit, insufficient
// subscription) the feed reconnects with exponential backoff and jitter, reset
// after a connection that authenticated. Crypto and FX get no prices from it.
#pragma once

#include "modules/market/alpaca.h"
#include "modules/market/feed.h"
#include "modules/market/reconnect_backoff.h"
#include "net/ws_client.h"

#include <unordered_map>
#include <vector>

namespace tc::market {

struct AlpacaOptions {
  http::WsUrl url;         // e.g. wss://stream.data.alpaca.markets/v2/iex
  std::string key_id;      // secret: never logged
  std::string secret_key;  // secret: never logged
  bool trades = true;
  bool quotes = true;
  bool bars = false;
};

class AlpacaFeed final : public Feed {
 public:
  AlpacaFeed(MarketState& state, CandleStore& store, Publish publish, Clock clock, FeedOptions feed_options,
             AlpacaOptions options);
  ~AlpacaFeed() override { stop(); }
  AlpacaFeed(const AlpacaFeed&) = delete;
  AlpacaFeed& operator=(const AlpacaFeed&) = delete;

  void backfill() override {}
  void produce(std::int64_t now_ms) override;
  // One server message; returns what to send back (public for tests).
  std::vector<std::string> on_message(std::string_view message);
  // A new connection begins (public for tests): nothing is authenticated yet.
  void on_connect() { authenticated_ = false; }

  std::uint64_t connections() const noexcept { return connections_; }
  bool authenticated() const noexcept { return authenticated_; }
  std::uint64_t errors() const noexcept { return errors_; }

 private:
  void on_start(boost::asio::io_context& io) override;
  void on_stop() override;
  static boost::asio::awaitable<void> stream_loop(AlpacaFeed* self);
  std::size_t instrument_of(const std::string& symbol) const;

  AlpacaOptions options_;
  std::vector<std::string> symbols_;                        // the stock instruments
  std::unordered_map<std::string, std::size_t> by_symbol_;  // symbol → instrument index
  std::vector<AlpacaTrade> trades_;                         // received since the last step (loop thread only)
  std::vector<AlpacaBar> bars_;
  std::unique_ptr<http::WsClient> client_;
  std::unique_ptr<boost::asio::steady_timer> backoff_timer_;
  ReconnectBackoff backoff_{54321};
  bool authenticated_ = false;
  std::uint64_t connections_ = 0;
  std::uint64_t errors_ = 0;
};

}  // namespace tc::market
