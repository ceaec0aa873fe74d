// The tables the market module owns, both dialects.
#include "modules/market/market_module.h"

namespace tc::market {

std::vector<infra::store::Migration> migrations() {
  return {
      {"market", 1, "closed candles",
       R"sql(
CREATE TABLE market_candles (
  symbol TEXT NOT NULL,
  timeframe TEXT NOT NULL,
  time_ms INTEGER NOT NULL,
  open REAL NOT NULL,
  high REAL NOT NULL,
  low REAL NOT NULL,
  close REAL NOT NULL,
  volume REAL NOT NULL,
  simulated INTEGER NOT NULL DEFAULT 1,
  PRIMARY KEY (symbol, timeframe, time_ms)
) WITHOUT ROWID;
)sql",
       R"sql(
CREATE TABLE market_candles (
  symbol TEXT NOT NULL,
  timeframe TEXT NOT NULL,
  time_ms BIGINT NOT NULL,
  open DOUBLE PRECISION NOT NULL,
  high DOUBLE PRECISION NOT NULL,
  low DOUBLE PRECISION NOT NULL,
  close DOUBLE PRECISION NOT NULL,
  volume DOUBLE PRECISION NOT NULL,
  simulated INTEGER NOT NULL DEFAULT 1,
  PRIMARY KEY (symbol, timeframe, time_ms)
);
)sql"},
  };
}

}  // namespace tc::market
