#include "modules/market/alpaca_feed.h"

#include "core/log.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace tc::market {
namespace asio = boost::asio;
namespace {

constexpr std::size_t kMaxPending = 100'000;  // a loop that falls behind keeps the newest

// Errors after which Alpaca will not serve this connection: reconnect (later).
bool fatal(std::int64_t code) { return code == 402 || code == 404 || code == 406 || code == 409; }

template <class T>
void bounded_push(std::vector<T>& v, T item) {
  if (v.size() >= kMaxPending) v.erase(v.begin(), v.begin() + kMaxPending / 2);
  v.push_back(std::move(item));
}

}  // namespace

AlpacaFeed::AlpacaFeed(MarketState& state, CandleStore& store, Publish publish, Clock clock, FeedOptions feed_options,
                       AlpacaOptions options)
    : Feed(state, store, std::move(publish), std::move(clock), feed_options), options_(std::move(options)) {
  const auto& instruments = this->state().instruments();
  for (std::size_t i = 0; i < instruments.size(); ++i) {
    if (instruments[i].asset_class != "stock") continue;
    by_symbol_[instruments[i].symbol] = i;
    symbols_.push_back(instruments[i].symbol);
  }
}

std::size_t AlpacaFeed::instrument_of(const std::string& symbol) const {
  auto it = by_symbol_.find(symbol);
  return it == by_symbol_.end() ? MarketState::npos : it->second;
}

std::vector<std::string> AlpacaFeed::on_message(std::string_view message) {
  std::vector<std::string> replies;
  for (auto& m : parse_alpaca_message(message)) {
    if (auto* s = std::get_if<AlpacaSuccess>(&m)) {
      if (s->msg == "connected") {
        replies.push_back(alpaca_auth_message(options_.key_id, options_.secret_key));
      } else if (s->msg == "authenticated") {
        authenticated_ = true;
        const std::vector<std::string> none;
        replies.push_back(alpaca_subscribe_message(options_.trades ? symbols_ : none, options_.quotes ? symbols_ : none,
                                                   options_.bars ? symbols_ : none));
      }
    } else if (auto* sub = std::get_if<AlpacaSubscription>(&m)) {
      log::info("market: Alpaca subscription",
                {{"trades", sub->trades.size()}, {"quotes", sub->quotes.size()}, {"bars", sub->bars.size()}});
    } else if (auto* e = std::get_if<AlpacaError>(&m)) {
      ++errors_;
      log::warn("market: Alpaca stream error", {{"code", e->code}, {"message", e->msg.substr(0, 200)}});
      if (fatal(e->code) && client_) client_->cancel();  // ends the run: the loop reconnects after a backoff
    } else if (auto* t = std::get_if<AlpacaTrade>(&m)) {
      if (instrument_of(t->symbol) != MarketState::npos) bounded_push(trades_, std::move(*t));
    } else if (auto* q = std::get_if<AlpacaQuote>(&m)) {
      if (const auto i = instrument_of(q->symbol); i != MarketState::npos) state().ingest_quote(i, q->bid, q->ask);
    } else if (auto* b = std::get_if<AlpacaBar>(&m)) {
      // With trades subscribed the bar's volume is already counted, trade by trade.
      if (!options_.trades && instrument_of(b->symbol) != MarketState::npos) bounded_push(bars_, std::move(*b));
    }
  }
  return replies;
}

void AlpacaFeed::produce(std::int64_t) {
  for (const auto& t : trades_) emit_tick(instrument_of(t.symbol), t.time_ms, t.price, t.size);
  trades_.clear();
  for (const auto& b : bars_) {
    const auto i = instrument_of(b.symbol);
    const bool falling = b.close < b.open;
    emit_tick(i, b.time_ms, b.open, b.volume / 4);
    emit_tick(i, b.time_ms + 20'000, falling ? b.high : b.low, b.volume / 4);
    emit_tick(i, b.time_ms + 40'000, falling ? b.low : b.high, b.volume / 4);
    emit_tick(i, b.time_ms + 59'999, b.close, b.volume / 4);
  }
  bars_.clear();
}

void AlpacaFeed::on_start(asio::io_context& io) {
  client_ = std::make_unique<http::WsClient>(io.get_executor());
  backoff_timer_ = std::make_unique<asio::steady_timer>(io);
  asio::co_spawn(io, stream_loop(this), [](const std::exception_ptr& e) {
    if (!e) return;
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& ex) {
      log::error("market: Alpaca stream loop failed", {{"error", ex.what()}});
    }
  });
}

void AlpacaFeed::on_stop() {
  if (client_) client_->cancel();
  if (backoff_timer_) backoff_timer_->cancel();
}

asio::awaitable<void> AlpacaFeed::stream_loop(AlpacaFeed* self) {
  while (!self->stopping()) {
    ++self->connections_;
    self->on_connect();
    http::WsClient::Replier handler = [self](const std::string& message) { return self->on_message(message); };
    try {
      co_await self->client_->run_with_replies(self->options_.url, handler);
    } catch (const std::exception& e) {
      if (!self->stopping()) {
        log::warn("market: Alpaca stream ended", {{"host", self->options_.url.host}, {"error", e.what()}});
      }
    }
    if (self->stopping()) break;
    if (self->authenticated_) self->backoff_.reset();  // it worked: start over
    self->backoff_timer_->expires_after(self->backoff_.next());
    co_await self->backoff_timer_->async_wait(asio::as_tuple(asio::use_awaitable));
  }
}

}  // namespace tc::market
