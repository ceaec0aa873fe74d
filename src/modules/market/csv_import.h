// Parsing OHLCV history from CSV, all-or-nothing: either every row is a valid
// candle or the caller gets each bad row's line, column and reason (and imports
// nothing). Layouts: a header row naming the columns (Yahoo "Date,Open,High,Low,
// Close,Adj Close,Volume", Stooq, TradingView exports "time,open,high,low,close,
// Volume", any order, extra columns ignored, volume optional) or Binance klines
// without a header (open time, open, high, low, close, volume, …). Delimiter: comma,
// semicolon or tab (from the first line). Times: Unix seconds, milliseconds or
// microseconds, or ISO 8601 ("2024-03-01", "2024-03-01 14:30", "…T14:30:00Z",
// "…+02:00"); a bare date in a 1d import means that trading day of the instrument.
#pragma once

#include "modules/market/calendar.h"
#include "modules/market/candle_series.h"

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace tc::market {

struct CsvError {
  std::size_t line = 0;  // 1-based
  std::string column;    // the column's header name, or "" for the whole line
  std::string message;
};

struct CsvImport {
  std::vector<Candle> candles;   // in time order; empty when there are errors
  std::vector<CsvError> errors;  // at most max_errors
  std::size_t error_count = 0;   // all of them
};

inline constexpr std::size_t kMaxCsvRows = 200'000;

CsvImport parse_ohlcv_csv(std::string_view text, Timeframe tf, CalendarKind calendar, std::size_t max_errors = 100);

}  // namespace tc::market
