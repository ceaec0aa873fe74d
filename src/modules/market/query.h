// Reading and bounding the query strings of the market routes: timeframe,
// from/to/limit, and the remaining key=value pairs (indicator parameters).
#pragma once

#include "modules/market/market.h"
#include "net/http.h"

#include <string>
#include <utility>
#include <vector>

namespace tc::market {

inline constexpr std::int64_t kMaxTimeMs = 4'102'444'800'000;  // 2100-01-01T00:00:00Z
inline constexpr std::size_t kMaxLimit = 5000;
inline constexpr std::size_t kDefaultLimit = 500;
inline constexpr std::int64_t kMaxSpanBars = 100'000;  // to − from at most this many bars of the timeframe

// Every key=value of the query, percent-decoded, in order. 400 on a malformed
// escape, more than 32 pairs, or a key or value over 64 bytes.
std::vector<std::pair<std::string, std::string>> query_pairs(const http::Request& req);

// `timeframe` (default 1m); 400 listing the allowed ones.
Timeframe timeframe_param(const http::Request& req);

// from, to (Unix ms) and limit, bounded; 400 naming the bound.
CandleQuery candle_query(const http::Request& req, Timeframe tf);

}  // namespace tc::market
