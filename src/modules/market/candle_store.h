// Closed candles in the system of record (table market_candles), written in
// batches: the feed queues them and a flush writes every queued candle in one
// transaction with one multi-row statement per batch (upserts, so an amended
// candle replaces the stored one).
#pragma once

#include "infra/store/store.h"
#include "modules/market/candle_series.h"

#include <mutex>
#include <string>
#include <vector>

namespace tc::market {

struct StoredCandle {
  std::string symbol;
  Timeframe timeframe = Timeframe::m1;
  Candle candle;
  bool simulated = true;
};

class CandleStore {
 public:
  explicit CandleStore(infra::store::Store& store) : store_(store) {}

  void queue(StoredCandle c);
  std::size_t queued() const;
  // Takes everything queued (for one flush).
  std::vector<StoredCandle> take();
  // Writes a batch on a connection inside the caller's transaction.
  static void write(infra::store::Connection& c, const std::vector<StoredCandle>& batch);
  // Stored candles of one series, oldest first (reads; blocking — call via the store).
  static std::vector<Candle> read(infra::store::Connection& c, const std::string& symbol, Timeframe tf,
                                  std::int64_t from_ms, std::int64_t to_ms, std::size_t limit);

  infra::store::Store& store() { return store_; }

 private:
  infra::store::Store& store_;
  mutable std::mutex mutex_;
  std::vector<StoredCandle> pending_;
};

}  // namespace tc::market
