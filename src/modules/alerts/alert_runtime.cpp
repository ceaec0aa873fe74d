#include "modules/alerts/alert_runtime.h"

#include "core/log.h"
#include "modules/alerts/fire_log.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>

#include <chrono>

namespace tc::alerts {
namespace {

namespace asio = boost::asio;
using infra::store::Connection;

constexpr std::size_t kWarmupBars = 300;

void log_failure(const char* what, const std::exception_ptr& e) {
  if (!e) return;
  try {
    std::rethrow_exception(e);
  } catch (const std::exception& ex) {
    log::error(std::string("alerts: ") + what + " failed", {{"error", ex.what()}});
  }
}

Engine::History history_from(market::Market* market) {
  if (!market) return {};
  return [market](const std::string& symbol, market::Timeframe tf) -> std::vector<market::Candle> {
    try {
      return market->candles(symbol, tf, market::CandleQuery{.limit = kWarmupBars});
    } catch (const std::exception&) {
      return {};
    }
  };
}

}  // namespace

AlertRuntime::AlertRuntime(infra::store::Store& store, Inbox& inbox, market::Market* market)
    : store_(store), inbox_(inbox), market_(market), engine_(history_from(market)) {}

AlertRuntime::~AlertRuntime() { stop(); }

void AlertRuntime::start() {
  auto load = [](Connection& c) { return repo::active(c); };
  const std::int64_t now = now_ms();
  for (const auto& r : store_.run_with_connection(load)) {
    try {
      engine_.upsert(to_rule(r), now);
    } catch (const std::exception& e) {
      log::warn("alerts: a stored rule no longer parses; skipped", {{"alert_id", r.id}, {"error", e.what()}});
    }
  }
  log::info("alerts: engine rebuilt", {{"rules", engine_.size()}});
  work_.emplace(io_.get_executor());
  ++busy_;
  asio::co_spawn(io_, redeliver(this), [this](const std::exception_ptr& e) {
    log_failure("redelivery", e);
    --busy_;
  });
  thread_ = std::thread([this] { io_.run(); });
  if (market_) {
    // Runs on the feed thread: copy the tick and hand it over, nothing else.
    auto listener = [this](const market::Tick& t) {
      asio::post(io_, [this, symbol = std::string(t.symbol), time = t.time_ms, price = t.price, size = t.size] {
        on_tick(symbol, time, price, size);
      });
    };
    listener_ = market_->add_tick_listener(std::move(listener));
  }
}

void AlertRuntime::stop() noexcept {
  if (stopped_.exchange(true)) return;
  stopping_ = true;
  if (market_ && listener_) market_->remove_tick_listener(*listener_);
  // Let fires already being recorded finish (each is one short transaction).
  while (thread_.joinable() && busy_.load() > 0) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  work_.reset();
  io_.stop();
  if (thread_.joinable()) thread_.join();
}

void AlertRuntime::upsert(const AlertRecord& r) {
  if (r.status != "active") {
    remove(r.id);
    return;
  }
  auto apply = [this, rule = to_rule(r)]() mutable { engine_.upsert(std::move(rule), now_ms()); };
  asio::post(io_, std::move(apply));
}

void AlertRuntime::remove(const std::string& id) {
  asio::post(io_, [this, id] { engine_.remove(id); });
}

void AlertRuntime::on_tick(const std::string& symbol, std::int64_t time_ms, double price, double size) {
  if (stopping_) return;
  scratch_.clear();
  engine_.on_tick(symbol, time_ms, price, size, scratch_);
  if (scratch_.empty()) return;
  ++busy_;
  asio::co_spawn(io_, deliver(this, std::move(scratch_)), [this](const std::exception_ptr& e) {
    log_failure("fire", e);
    --busy_;
  });
  scratch_ = {};
}

asio::awaitable<void> AlertRuntime::deliver(AlertRuntime* self, std::vector<Fire> fires) {
  for (auto& fire : fires) {
    const std::int64_t now = now_ms();
    auto record = [fire, now](Connection& c) { return record_fire(c, fire, now); };
    auto recorded = co_await self->store_.transaction(std::move(record));
    if (!recorded) continue;        // recorded before: never push twice
    if (!recorded->push) continue;  // inbox only (preferences, quiet hours); already marked delivered
    self->inbox_.publish(recorded->user_id, recorded->notification);
    auto done = [key = recorded->fire_key](Connection& c) { mark_delivered(c, key); };
    co_await self->store_.with_connection(std::move(done));
  }
}

asio::awaitable<void> AlertRuntime::redeliver(AlertRuntime* self) {
  auto pending = [](Connection& c) { return undelivered(c); };
  auto fires = co_await self->store_.with_connection(std::move(pending));
  for (const auto& f : fires) {
    self->inbox_.publish(f.user_id, f.notification);
    auto done = [key = f.fire_key](Connection& c) { mark_delivered(c, key); };
    co_await self->store_.with_connection(std::move(done));
  }
  if (!fires.empty()) log::info("alerts: pushed fires recorded before the restart", {{"count", fires.size()}});
}

}  // namespace tc::alerts
