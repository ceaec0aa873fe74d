#include "modules/market/replay_feed.h"

#include "core/log.h"

#include <algorithm>

namespace tc::market {

ReplayFeed::ReplayFeed(MarketState& state, CandleStore& store, Publish publish, Clock clock, FeedOptions feed_options,
                       ReplayOptions options)
    : Feed(state, store, std::move(publish), std::move(clock), feed_options), options_(options) {}

void ReplayFeed::backfill() {
  const auto& instruments = state().instruments();
  cursors_.resize(instruments.size());
  std::int64_t first = INT64_MAX;
  std::size_t total = 0;
  for (std::size_t i = 0; i < instruments.size(); ++i) {
    auto read = [&](infra::store::Connection& c) {
      return CandleStore::read(c, instruments[i].symbol, options_.timeframe, options_.from_ms, INT64_MAX,
                               options_.max_candles);
    };
    cursors_[i].candles = store().store().run_with_connection(read);
    if (!cursors_[i].candles.empty()) first = std::min(first, cursors_[i].candles.front().time_ms);
    total += cursors_[i].candles.size();
  }
  start_market_ms_ = first == INT64_MAX ? 0 : first;
  start_wall_ms_ = now();
  finished_ = total == 0;
  log::info("market: replaying stored candles", {{"timeframe", name(options_.timeframe)},
                                                 {"candles", total},
                                                 {"from_ms", start_market_ms_},
                                                 {"speed", options_.speed}});
}

std::int64_t ReplayFeed::market_time(std::int64_t now_ms) const {
  return start_market_ms_ + (now_ms - start_wall_ms_) * options_.speed;
}

void ReplayFeed::produce(std::int64_t now_ms) {
  if (finished_) return;
  const std::int64_t t = market_time(now_ms);
  bool remaining = false;
  for (std::size_t i = 0; i < cursors_.size(); ++i) {
    auto& cur = cursors_[i];
    while (cur.next < cur.candles.size()) {
      const auto& c = cur.candles[cur.next];
      // A bucket's length: the gap to the next candle, at most the timeframe (1d
      // candles of stocks are shorter than 24 h after a DST change: use the gap).
      std::int64_t length = duration_ms(options_.timeframe);
      if (cur.next + 1 < cur.candles.size()) length = std::min(length, cur.candles[cur.next + 1].time_ms - c.time_ms);
      const bool falling = c.close < c.open;
      const std::int64_t at[4] = {c.time_ms, c.time_ms + length / 3, c.time_ms + 2 * length / 3,
                                  c.time_ms + length - 1};
      const double price[4] = {c.open, falling ? c.high : c.low, falling ? c.low : c.high, c.close};
      if (at[cur.part] > t) break;
      emit_tick(i, at[cur.part], price[cur.part], c.volume / 4);
      if (++cur.part == 4) {
        cur.part = 0;
        ++cur.next;
      }
    }
    remaining = remaining || cur.next < cur.candles.size();
  }
  if (!remaining) {
    finished_ = true;
    log::info("market: replay finished");
  }
}

}  // namespace tc::market
