// Live crypto prices from Binance's public trade streams: one combined-stream
// WebSocket for every crypto instrument; trades become ticks on the next step of
// the feed loop. Reconnects after any failure or close with exponential backoff
// (1 s doubling to 30 s, plus up to 25 % jitter), reset after a connection that
// delivered trades. Stocks and FX get no prices from this feed.
#pragma once

#include "modules/market/binance.h"
#include "modules/market/feed.h"
#include "modules/market/reconnect_backoff.h"
#include "net/ws_client.h"

#include <unordered_map>
#include <vector>

namespace tc::market {

class BinanceFeed final : public Feed {
 public:
  // `url`: ws(s)://host[:port] of the stream service (the target is built here).
  BinanceFeed(MarketState& state, CandleStore& store, Publish publish, Clock clock, FeedOptions feed_options,
              http::WsUrl url);
  ~BinanceFeed() override { stop(); }
  BinanceFeed(const BinanceFeed&) = delete;
  BinanceFeed& operator=(const BinanceFeed&) = delete;

  void backfill() override {}
  void produce(std::int64_t now_ms) override;
  // One raw stream message (public for tests).
  void on_message(std::string_view message);

  std::uint64_t connections() const noexcept { return connections_; }

 private:
  void on_start(boost::asio::io_context& io) override;
  void on_stop() override;
  static boost::asio::awaitable<void> stream_loop(BinanceFeed* self);

  http::WsUrl url_;
  std::unordered_map<std::string, std::size_t> by_symbol_;  // our symbol → instrument index
  std::vector<BinanceTrade> pending_;                       // received since the last step (loop thread only)
  std::unique_ptr<http::WsClient> client_;
  std::unique_ptr<boost::asio::steady_timer> backoff_timer_;
  ReconnectBackoff backoff_{12345};
  std::uint64_t connections_ = 0;
};

}  // namespace tc::market
