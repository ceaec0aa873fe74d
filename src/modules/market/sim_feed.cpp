#include "modules/market/sim_feed.h"

#include "core/log.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/object.hpp>

namespace tc::market {
namespace asio = boost::asio;
namespace {

constexpr std::int64_t kMinuteMs = 60'000;
constexpr std::int64_t kHourMs = 60 * kMinuteMs;

void log_failure(const char* what, const std::exception_ptr& e) {
  if (!e) return;
  try {
    std::rethrow_exception(e);
  } catch (const std::exception& ex) {
    log::error("market feed task failed", {{"task", what}, {"error", ex.what()}});
  }
}

}  // namespace

SimFeed::SimFeed(MarketState& state, Simulator simulator, CandleStore& store, Publish publish, Clock clock,
                 SimFeedOptions options)
    : state_(state),
      sim_(std::move(simulator)),
      store_(store),
      publish_(std::move(publish)),
      clock_(std::move(clock)),
      options_(options) {}

SimFeed::~SimFeed() { stop(); }

void SimFeed::backfill() {
  const std::int64_t now = clock_();
  const std::int64_t minute_start = (now / kMinuteMs) * kMinuteMs - kHourMs * 24 * options_.minute_history_days;
  const std::int64_t hour_start = (minute_start / kHourMs) * kHourMs;
  const std::int64_t from = hour_start - static_cast<std::int64_t>(options_.history_days) * 24 * kHourMs;
  auto hourly = [this](std::size_t i, const Candle& c) { state_.ingest_bar(i, c, 60); };
  sim_.history(from, hour_start, 60, hourly);
  auto minutely = [this](std::size_t i, const Candle& c) { state_.ingest_bar(i, c, 1); };
  sim_.history(hour_start, (now / kMinuteMs) * kMinuteMs, 1, minutely);
}

void SimFeed::start() {
  asio::co_spawn(io_, tick_loop(this), [](const std::exception_ptr& e) { log_failure("ticks", e); });
  asio::co_spawn(io_, flush_loop(this), [](const std::exception_ptr& e) { log_failure("candle writes", e); });
  thread_ = std::thread([this] { io_.run(); });
}

void SimFeed::stop() noexcept {
  if (stopping_.exchange(true)) return;
  if (thread_.joinable()) {
    asio::post(io_, [this] {
      tick_timer_.cancel();
      flush_timer_.cancel();
    });
    thread_.join();
  }
  flush_blocking();
}

asio::awaitable<void> SimFeed::tick_loop(SimFeed* self) {
  while (!self->stopping_) {
    self->tick_timer_.expires_after(self->options_.tick_interval);
    co_await self->tick_timer_.async_wait(asio::as_tuple(asio::use_awaitable));
    if (self->stopping_) break;
    self->step_once(self->clock_());
  }
}

asio::awaitable<void> SimFeed::flush_loop(SimFeed* self) {
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

void SimFeed::flush_blocking() noexcept {
  auto batch = store_.take();
  if (batch.empty()) return;
  try {
    auto write = [&batch](infra::store::Connection& c) { CandleStore::write(c, batch); };
    store_.store().run_transaction(write);
  } catch (const std::exception& e) {
    log::warn("market: writing candles at stop failed", {{"error", e.what()}, {"candles", batch.size()}});
  }
}

void SimFeed::publish_candle(const std::string& symbol, Timeframe tf, const Candle& c, bool closed) {
  boost::json::object data{{"symbol", symbol}, {"timeframe", name(tf)}, {"time_ms", c.time_ms}, {"open", c.open},
                           {"high", c.high},   {"low", c.low},          {"close", c.close},     {"volume", c.volume},
                           {"closed", closed}, {"simulated", true}};
  std::string channel = "candles:";
  channel.append(symbol).append(":").append(name(tf));
  publish_(channel, data);
}

void SimFeed::step_once(std::int64_t now_ms) {
  ticks_.clear();
  sim_.step(now_ms, ticks_);
  for (const auto& t : ticks_) {
    const auto& symbol = sim_.instruments()[t.instrument].symbol;
    const auto update = state_.ingest_tick(t.instrument, t.time_ms, t.price, t.size);
    if (!update.accepted) continue;
    boost::json::object tick{
        {"symbol", symbol}, {"time_ms", t.time_ms}, {"price", t.price}, {"size", t.size}, {"simulated", true}};
    if (auto q = state_.quote(symbol)) {
      tick["bid"] = q->bid;
      tick["ask"] = q->ask;
    }
    publish_("market:" + symbol, tick);
    for (auto tf : kTimeframes) {
      const auto effect = update.effects[index(tf)];
      if (effect == TickEffect::opened && update.closed[index(tf)].time_ms != 0) {
        publish_candle(symbol, tf, update.closed[index(tf)], true);
        store_.queue({symbol, tf, update.closed[index(tf)], true});
      }
      if (effect == TickEffect::amended_closed) {
        publish_candle(symbol, tf, update.touched[index(tf)], true);
        store_.queue({symbol, tf, update.touched[index(tf)], true});
      }
      if (effect == TickEffect::updated_forming || effect == TickEffect::opened) {
        publish_candle(symbol, tf, update.touched[index(tf)], false);
      }
    }
  }
}

}  // namespace tc::market
