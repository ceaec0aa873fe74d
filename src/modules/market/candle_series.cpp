#include "modules/market/candle_series.h"

#include <algorithm>

namespace tc::market {

std::int64_t CandleSeries::bucket_of(std::int64_t time_ms) const {
  if (tf_ == Timeframe::d1) return trading_day_start(calendar_, time_ms);
  const std::int64_t d = duration_ms(tf_);
  const std::int64_t q = time_ms / d - ((time_ms % d != 0) && (time_ms < 0));
  return q * d;
}

void CandleSeries::merge_tick(Slot& s, std::int64_t time_ms, double price, double size) {
  auto& c = s.candle;
  c.high = std::max(c.high, price);
  c.low = std::min(c.low, price);
  c.volume += size;
  if (time_ms < s.first_ms) {
    s.first_ms = time_ms;
    c.open = price;
  }
  if (time_ms >= s.last_ms) {
    s.last_ms = time_ms;
    c.close = price;
  }
}

void CandleSeries::push(Slot s) {
  bars_.push_back(s);
  while (bars_.size() > capacity_) bars_.pop_front();
}

TickEffect CandleSeries::apply_tick(std::int64_t time_ms, double price, double size) {
  const std::int64_t bucket = bucket_of(time_ms);
  if (bars_.empty() || bucket > bars_.back().candle.time_ms) {
    push({{bucket, price, price, price, price, size}, time_ms, time_ms});
    return bars_.size() == 1 ? TickEffect::updated_forming : TickEffect::opened;
  }
  if (bucket == bars_.back().candle.time_ms) {
    merge_tick(bars_.back(), time_ms, price, size);
    return TickEffect::updated_forming;
  }
  if (bars_.size() >= 2 && bucket == bars_[bars_.size() - 2].candle.time_ms) {
    merge_tick(bars_[bars_.size() - 2], time_ms, price, size);
    return TickEffect::amended_closed;
  }
  return TickEffect::dropped;
}

void CandleSeries::apply_bar(const Candle& bar) {
  const std::int64_t bucket = bucket_of(bar.time_ms);
  if (!bars_.empty() && bars_.back().candle.time_ms == bucket) {
    auto& c = bars_.back().candle;
    c.high = std::max(c.high, bar.high);
    c.low = std::min(c.low, bar.low);
    c.close = bar.close;
    c.volume += bar.volume;
    bars_.back().last_ms = bar.time_ms;
    return;
  }
  if (!bars_.empty() && bucket < bars_.back().candle.time_ms) return;  // out of order: refused
  Candle c = bar;
  c.time_ms = bucket;
  push({c, bar.time_ms, bar.time_ms});
}

std::vector<Candle> CandleSeries::range(std::int64_t from, std::int64_t to, std::size_t limit) const {
  auto last = std::upper_bound(bars_.begin(), bars_.end(), to,
                               [](std::int64_t t, const Slot& s) { return t < s.candle.time_ms; });
  auto first =
      std::lower_bound(bars_.begin(), last, from, [](const Slot& s, std::int64_t t) { return s.candle.time_ms < t; });
  if (static_cast<std::size_t>(last - first) > limit) first = last - static_cast<std::ptrdiff_t>(limit);
  std::vector<Candle> out;
  out.reserve(static_cast<std::size_t>(last - first));
  for (auto it = first; it != last; ++it) out.push_back(it->candle);
  return out;
}

std::vector<Candle> aggregate(const std::vector<Candle>& finer, Timeframe to, CalendarKind calendar) {
  CandleSeries series(to, calendar, finer.size() + 1);
  for (const auto& c : finer) series.apply_bar(c);
  return series.range(INT64_MIN, INT64_MAX, finer.size() + 1);
}

}  // namespace tc::market
