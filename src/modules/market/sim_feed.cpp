#include "modules/market/sim_feed.h"

namespace tc::market {
namespace {

constexpr std::int64_t kMinuteMs = 60'000;
constexpr std::int64_t kHourMs = 60 * kMinuteMs;

}  // namespace

SimFeed::SimFeed(MarketState& state, Simulator simulator, CandleStore& store, Publish publish, Clock clock,
                 FeedOptions feed_options, SimFeedOptions options)
    : Feed(state, store, std::move(publish), std::move(clock), feed_options),
      sim_(std::move(simulator)),
      options_(options) {}

void SimFeed::backfill() {
  const std::int64_t now_ms = now();
  const std::int64_t minute_start = (now_ms / kMinuteMs) * kMinuteMs - kHourMs * 24 * options_.minute_history_days;
  const std::int64_t hour_start = (minute_start / kHourMs) * kHourMs;
  const std::int64_t from = hour_start - kHourMs * 24 * options_.history_days;
  auto hourly = [this](std::size_t i, const Candle& c) { state().ingest_bar(i, c, 60); };
  sim_.history(from, hour_start, 60, hourly);
  auto minutely = [this](std::size_t i, const Candle& c) { state().ingest_bar(i, c, 1); };
  sim_.history(hour_start, (now_ms / kMinuteMs) * kMinuteMs, 1, minutely);
}

void SimFeed::produce(std::int64_t now_ms) {
  ticks_.clear();
  sim_.step(now_ms, ticks_);
  for (const auto& t : ticks_) emit_tick(t.instrument, t.time_ms, t.price, t.size);
}

}  // namespace tc::market
