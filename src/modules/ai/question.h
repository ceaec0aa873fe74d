// What the offline engine reads from a question: instruments (cashtags like $AAPL,
// symbols, crypto tickers like BTC, instrument names like "bitcoin"), indicator
// names with an optional period ("rsi 14", "rsi(14)", "20-period sma"), a
// timeframe ("1h", "daily"), and an alert request ("alert me when AAPL crosses
// above 250").
#pragma once

#include "modules/market/market.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tc::ai {

struct IndicatorAsk {
  std::string name;           // registry name, e.g. "rsi"
  std::optional<int> period;  // when the question gave one
};

struct AlertAsk {
  std::string direction;  // "crosses_above" or "crosses_below"
  std::string level;      // the number as the user wrote it (digits and a dot)
};

struct Question {
  std::vector<const market::Instrument*> instruments;  // in order of mention, no repeats
  std::vector<IndicatorAsk> indicators;
  std::optional<market::Timeframe> timeframe;
  std::optional<AlertAsk> alert;
  std::vector<std::string> words;  // lower-case words of 3+ letters, for searches
};

Question parse_question(std::string_view text, const market::Market* market);

// The question without filler words, for a search query (at most 200 bytes).
std::string search_terms(std::string_view text);

}  // namespace tc::ai
