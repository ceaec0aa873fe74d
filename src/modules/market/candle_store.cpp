#include "modules/market/candle_store.h"

namespace tc::market {

void CandleStore::queue(StoredCandle c) {
  std::lock_guard lock(mutex_);
  // Bounded: when the database is far behind, the oldest closed candles are the
  // first to go (the in-memory series still has them).
  if (pending_.size() >= 100'000) pending_.erase(pending_.begin(), pending_.begin() + 10'000);
  pending_.push_back(std::move(c));
}

std::size_t CandleStore::queued() const {
  std::lock_guard lock(mutex_);
  return pending_.size();
}

std::vector<StoredCandle> CandleStore::take() {
  std::lock_guard lock(mutex_);
  return std::exchange(pending_, {});
}

void CandleStore::write(infra::store::Connection& c, const std::vector<StoredCandle>& batch) {
  using infra::store::Value;
  std::vector<std::vector<Value>> rows;
  rows.reserve(batch.size());
  for (const auto& s : batch) {
    rows.push_back({Value(s.symbol), Value(std::string(name(s.timeframe))), Value(s.candle.time_ms),
                    Value(s.candle.open), Value(s.candle.high), Value(s.candle.low), Value(s.candle.close),
                    Value(s.candle.volume), Value(static_cast<std::int64_t>(s.simulated ? 1 : 0))});
  }
  c.execute_many(
      "INSERT INTO market_candles (symbol, timeframe, time_ms, open, high, low, close, volume, simulated) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) "
      "ON CONFLICT (symbol, timeframe, time_ms) DO UPDATE SET open = excluded.open, high = excluded.high, "
      "low = excluded.low, close = excluded.close, volume = excluded.volume, simulated = excluded.simulated",
      rows);
}

std::vector<Candle> CandleStore::read(infra::store::Connection& c, const std::string& symbol, Timeframe tf,
                                      std::int64_t from_ms, std::int64_t to_ms, std::size_t limit) {
  using infra::store::Value;
  const std::vector<Value> params{Value(symbol), Value(std::string(name(tf))), Value(from_ms), Value(to_ms),
                                  Value(static_cast<std::int64_t>(limit))};
  auto result = c.execute(
      "SELECT time_ms, open, high, low, close, volume FROM market_candles "
      "WHERE symbol = ?1 AND timeframe = ?2 AND time_ms >= ?3 AND time_ms <= ?4 ORDER BY time_ms DESC LIMIT ?5",
      params);
  std::vector<Candle> out;
  out.reserve(result.rows.size());
  for (auto it = result.rows.rbegin(); it != result.rows.rend(); ++it) {
    out.push_back({it->integer(0), it->real(1), it->real(2), it->real(3), it->real(4), it->real(5)});
  }
  return out;
}

}  // namespace tc::market
