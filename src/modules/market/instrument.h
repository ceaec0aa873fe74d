// What an instrument is, and the simulator's catalogue of them.
#pragma once

#include "modules/market/calendar.h"

#include <string>
#include <vector>

namespace tc::market {

struct Instrument {
  std::string symbol;  // upper case, e.g. "AAPL", "BTCUSD", "EURUSD"
  std::string name;
  std::string asset_class;  // "stock", "crypto", "fx"
  std::string exchange;     // MIC or venue
  std::string currency;     // quote currency
  double tick_size = 0.01;
  CalendarKind calendar = CalendarKind::always;
  bool simulated = true;

  // Simulator parameters (annualised drift and volatility, start price, mean
  // volume per trading minute, loading on the asset class's common factor, and
  // jumps per year).
  double start_price = 100;
  double drift = 0.05;
  double volatility = 0.3;
  double volume_per_minute = 1000;
  double factor_loading = 0.5;
  double jumps_per_year = 4;
};

// The simulated universe: US stocks, crypto pairs and FX majors (about 30).
std::vector<Instrument> simulated_instruments();

}  // namespace tc::market
