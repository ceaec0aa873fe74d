#include "modules/market/feed.h"

#include "core/log.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/object.hpp>

#include <algorithm>

namespace tc::market {
namespace asio = boost::asio;
namespace {

void log_failure(const char* what, const std::exception_ptr& e) {
  if (!e) return;
  try {
    std::rethrow_exception(e);
  } catch (const std::exception& ex) {
    log::error("market feed task failed", {{"task", what}, {"error", ex.what()}});
  }
}

}  // namespace

Feed::Feed(MarketState& state, CandleStore& store, Publish publish, Clock clock, FeedOptions options)
    : state_(state), store_(store), publish_(std::move(publish)), clock_(std::move(clock)), options_(options) {}

Feed::~Feed() { stop(); }

void Feed::start() {
  asio::co_spawn(io_, tick_loop(this), [](const std::exception_ptr& e) { log_failure("ticks", e); });
  asio::co_spawn(io_, flush_loop(this), [](const std::exception_ptr& e) { log_failure("candle writes", e); });
  on_start(io_);
  thread_ = std::thread([this] { io_.run(); });
}

void Feed::stop() noexcept {
  if (stopping_.exchange(true)) return;
  if (thread_.joinable()) {
    asio::post(io_, [this] {
      tick_timer_.cancel();
      flush_timer_.cancel();
      on_stop();
    });
    thread_.join();
  }
  flush_blocking();
}

asio::awaitable<void> Feed::tick_loop(Feed* self) {
  while (!self->stopping_) {
    self->tick_timer_.expires_after(self->options_.tick_interval);
    co_await self->tick_timer_.async_wait(asio::as_tuple(asio::use_awaitable));
    if (self->stopping_) break;
    self->step_once(self->clock_());
  }
}

asio::awaitable<void> Feed::flush_loop(Feed* self) {
  while (!self->stopping_) {
    self->flush_timer_.expires_after(self->options_.flush_interval);
    co_await self->flush_timer_.async_wait(asio::as_tuple(asio::use_awaitable));
    if (self->stopping_) break;
    auto batch = self->store_.take();
    if (batch.empty()) continue;
    try {
      auto write = [batch = std::move(batch)](infra::store::Connection& c) { CandleStore::write(c, batch); };
      co_await self->store_.store().transaction(std::move(write));
    } catch (const std::exception& e) {
      // The candles stay in memory; the next closes are tried again.
      log::warn("market: writing candles failed", {{"error", e.what()}});
    }
  }
}

void Feed::flush_blocking() noexcept {
  auto batch = store_.take();
  if (batch.empty()) return;
  try {
    auto write = [&batch](infra::store::Connection& c) { CandleStore::write(c, batch); };
    store_.store().run_transaction(write);
  } catch (const std::exception& e) {
    log::warn("market: writing candles at stop failed", {{"error", e.what()}, {"candles", batch.size()}});
  }
}

void Feed::publish_candle(const Instrument& in, Timeframe tf, const Candle& c, bool closed) {
  boost::json::object data{{"symbol", in.symbol},      {"timeframe", name(tf)}, {"time_ms", c.time_ms},
                           {"open", c.open},           {"high", c.high},        {"low", c.low},
                           {"close", c.close},         {"volume", c.volume},    {"closed", closed},
                           {"simulated", in.simulated}};
  std::string channel = "candles:";
  channel.append(in.symbol).append(":").append(name(tf));
  publish_(channel, data);
}

void Feed::publish_pending() {
  for (auto i : dirty_) {
    auto& p = pending_[i];
    const auto& in = state_.instruments()[i];
    if (p.tick) publish_("market:" + in.symbol, *p.tick);
    for (auto tf : kTimeframes) {
      if (p.forming[index(tf)]) publish_candle(in, tf, *p.forming[index(tf)], false);
    }
    p = Pending{};
  }
  dirty_.clear();
}

void Feed::emit_tick(std::size_t i, std::int64_t time_ms, double price, double size) {
  const auto& in = state_.instruments()[i];
  const auto update = state_.ingest_tick(i, time_ms, price, size);
  if (!update.accepted) return;
  if (pending_.size() != state_.instruments().size()) pending_.resize(state_.instruments().size());
  auto& pending = pending_[i];
  if (!pending.tick &&
      std::none_of(pending.forming.begin(), pending.forming.end(), [](const auto& c) { return c.has_value(); })) {
    dirty_.push_back(i);
  }
  boost::json::object tick{
      {"symbol", in.symbol}, {"time_ms", time_ms}, {"price", price}, {"size", size}, {"simulated", in.simulated}};
  if (auto q = state_.quote(in.symbol)) {
    tick["bid"] = q->bid;
    tick["ask"] = q->ask;
  }
  pending.tick = std::move(tick);
  for (auto tf : kTimeframes) {
    const auto effect = update.effects[index(tf)];
    if (effect == TickEffect::opened && update.closed[index(tf)].time_ms != 0) {
      publish_candle(in, tf, update.closed[index(tf)], true);
      store_.queue({in.symbol, tf, update.closed[index(tf)], in.simulated});
    }
    if (effect == TickEffect::amended_closed) {
      publish_candle(in, tf, update.touched[index(tf)], true);
      store_.queue({in.symbol, tf, update.touched[index(tf)], in.simulated});
    }
    if (effect == TickEffect::opened) pending.forming[index(tf)].reset();  // it closed: published above
    if (effect == TickEffect::updated_forming || effect == TickEffect::opened) {
      pending.forming[index(tf)] = update.touched[index(tf)];
    }
  }
}

}  // namespace tc::market
