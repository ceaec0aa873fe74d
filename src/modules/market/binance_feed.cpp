#include "modules/market/binance_feed.h"

#include "core/log.h"
#include "modules/market/binance.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace tc::market {
namespace asio = boost::asio;

BinanceFeed::BinanceFeed(MarketState& state, CandleStore& store, Publish publish, Clock clock, FeedOptions feed_options,
                         http::WsUrl url)
    : Feed(state, store, std::move(publish), std::move(clock), feed_options), url_(std::move(url)) {
  std::vector<std::string> symbols;
  const auto& instruments = this->state().instruments();
  for (std::size_t i = 0; i < instruments.size(); ++i) {
    if (instruments[i].asset_class != "crypto") continue;
    by_symbol_[instruments[i].symbol] = i;
    symbols.push_back(instruments[i].symbol);
  }
  url_.target = binance_stream_target(symbols);
}

void BinanceFeed::on_message(std::string_view message) {
  auto trade = parse_binance_trade(message);
  if (!trade) return;
  // Bounded: a loop that falls behind keeps the newest trades.
  if (pending_.size() >= 100'000) pending_.erase(pending_.begin(), pending_.begin() + 50'000);
  pending_.push_back(std::move(*trade));
}

void BinanceFeed::produce(std::int64_t) {
  for (const auto& t : pending_) {
    auto it = by_symbol_.find(symbol_from_binance(t.symbol));
    if (it != by_symbol_.end()) emit_tick(it->second, t.time_ms, t.price, t.quantity);
  }
  pending_.clear();
}

void BinanceFeed::on_start(asio::io_context& io) {
  client_ = std::make_unique<http::WsClient>(io.get_executor());
  backoff_timer_ = std::make_unique<asio::steady_timer>(io);
  asio::co_spawn(io, stream_loop(this), [](const std::exception_ptr& e) {
    if (!e) return;
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& ex) {
      log::error("market: Binance stream loop failed", {{"error", ex.what()}});
    }
  });
}

void BinanceFeed::on_stop() {
  if (client_) client_->cancel();
  if (backoff_timer_) backoff_timer_->cancel();
}

asio::awaitable<void> BinanceFeed::stream_loop(BinanceFeed* self) {
  while (!self->stopping()) {
    ++self->connections_;
    std::size_t received = 0;
    auto handler = [self, &received](const std::string& message) {
      ++received;
      self->on_message(message);
    };
    try {
      co_await self->client_->run(self->url_, handler);
    } catch (const std::exception& e) {
      if (!self->stopping()) log::warn("market: Binance stream ended", {{"error", e.what()}});
    }
    if (self->stopping()) break;
    if (received > 0) self->backoff_.reset();  // it worked for a while: start over
    self->backoff_timer_->expires_after(self->backoff_.next());
    co_await self->backoff_timer_->async_wait(asio::as_tuple(asio::use_awaitable));
  }
}

}  // namespace tc::market
