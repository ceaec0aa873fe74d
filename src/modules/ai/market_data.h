// Market data shaped for the assistant: quotes, indicator values, chart analysis
// and the Deep Stock Analysis report with its chart annotations, every number
// rounded once (numbers.h) so the answer text can quote it verbatim.
#pragma once

#include "modules/market/market.h"

#include <boost/json/object.hpp>

#include <string>
#include <utility>
#include <vector>

namespace tc::ai {

// Throws tc::Error 503 before the first price.
boost::json::object quote_result(const market::Market& market, const market::Instrument& in);
// The newest ready value of each output. Throws 404 (indicator), 400 (params), 503 (too few candles).
boost::json::object indicator_result(const market::Market& market, const market::Instrument& in, market::Timeframe tf,
                                     const std::string& name,
                                     const std::vector<std::pair<std::string, std::string>>& params);
// market::Market::analyze with every double rounded.
boost::json::object rounded_analysis(boost::json::object analysis);

// The benchmark an instrument is compared with: SPY for stocks, BTCUSD for crypto,
// EURUSD for FX (none for the benchmark itself).
const market::Instrument* default_benchmark(const market::Market& market, const market::Instrument& in);

// {"symbol","timeframe","sections":{trend, momentum, volatility, levels, patterns,
// relative_strength, risk}, "annotations": <chart payload>} — see docs/ai.md.
boost::json::object stock_report(const market::Market& market, const market::Instrument& in, market::Timeframe tf,
                                 const market::Instrument* benchmark);

}  // namespace tc::ai
