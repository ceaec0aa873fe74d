#include "modules/market/instrument.h"

namespace tc::market {
namespace {

Instrument stock(std::string symbol, std::string name, std::string exchange, double price, double vol, double volume,
                 double loading) {
  return {.symbol = std::move(symbol),
          .name = std::move(name),
          .asset_class = "stock",
          .exchange = std::move(exchange),
          .currency = "USD",
          .tick_size = 0.01,
          .calendar = CalendarKind::us_equities,
          .start_price = price,
          .drift = 0.08,
          .volatility = vol,
          .volume_per_minute = volume,
          .factor_loading = loading,
          .jumps_per_year = 6};
}

Instrument crypto(std::string symbol, std::string name, double price, double tick, double vol, double volume,
                  double loading) {
  return {.symbol = std::move(symbol),
          .name = std::move(name),
          .asset_class = "crypto",
          .exchange = "SIM-CRYPTO",
          .currency = "USD",
          .tick_size = tick,
          .calendar = CalendarKind::always,
          .start_price = price,
          .drift = 0.15,
          .volatility = vol,
          .volume_per_minute = volume,
          .factor_loading = loading,
          .jumps_per_year = 12};
}

Instrument fx(std::string symbol, std::string name, std::string quote, double price, double tick, double vol,
              double loading) {
  return {.symbol = std::move(symbol),
          .name = std::move(name),
          .asset_class = "fx",
          .exchange = "SIM-FX",
          .currency = std::move(quote),
          .tick_size = tick,
          .calendar = CalendarKind::fx,
          .start_price = price,
          .drift = 0.0,
          .volatility = vol,
          .volume_per_minute = 5'000'000,
          .factor_loading = loading,
          .jumps_per_year = 2};
}

}  // namespace

std::vector<Instrument> simulated_instruments() {
  return {
      stock("AAPL", "Apple Inc.", "XNAS", 190, 0.25, 90'000, 0.7),
      stock("MSFT", "Microsoft Corporation", "XNAS", 410, 0.24, 50'000, 0.7),
      stock("NVDA", "NVIDIA Corporation", "XNAS", 120, 0.50, 400'000, 0.7),
      stock("AMZN", "Amazon.com, Inc.", "XNAS", 180, 0.32, 80'000, 0.7),
      stock("GOOGL", "Alphabet Inc. Class A", "XNAS", 170, 0.28, 60'000, 0.7),
      stock("META", "Meta Platforms, Inc.", "XNAS", 500, 0.35, 30'000, 0.65),
      stock("TSLA", "Tesla, Inc.", "XNAS", 240, 0.60, 250'000, 0.55),
      stock("JPM", "JPMorgan Chase & Co.", "XNYS", 200, 0.22, 25'000, 0.6),
      stock("XOM", "Exxon Mobil Corporation", "XNYS", 115, 0.25, 40'000, 0.4),
      stock("KO", "The Coca-Cola Company", "XNYS", 62, 0.15, 35'000, 0.4),
      stock("SPY", "SPDR S&P 500 ETF Trust", "ARCX", 520, 0.16, 150'000, 0.95),
      stock("QQQ", "Invesco QQQ Trust", "XNAS", 440, 0.20, 90'000, 0.9),
      crypto("BTCUSD", "Bitcoin / US Dollar", 65'000, 0.01, 0.60, 12, 0.8),
      crypto("ETHUSD", "Ether / US Dollar", 3'200, 0.01, 0.70, 150, 0.8),
      crypto("SOLUSD", "Solana / US Dollar", 150, 0.001, 0.90, 3'000, 0.7),
      crypto("XRPUSD", "XRP / US Dollar", 0.55, 0.00001, 0.80, 500'000, 0.6),
      crypto("ADAUSD", "Cardano / US Dollar", 0.45, 0.00001, 0.85, 400'000, 0.6),
      crypto("DOGEUSD", "Dogecoin / US Dollar", 0.15, 0.00001, 1.00, 2'000'000, 0.5),
      crypto("LTCUSD", "Litecoin / US Dollar", 80, 0.01, 0.70, 2'000, 0.7),
      crypto("AVAXUSD", "Avalanche / US Dollar", 35, 0.001, 0.95, 5'000, 0.65),
      crypto("LINKUSD", "Chainlink / US Dollar", 15, 0.001, 0.90, 10'000, 0.65),
      crypto("DOTUSD", "Polkadot / US Dollar", 7, 0.001, 0.85, 20'000, 0.65),
      fx("EURUSD", "Euro / US Dollar", "USD", 1.08, 0.00001, 0.07, 0.6),
      fx("GBPUSD", "British Pound / US Dollar", "USD", 1.27, 0.00001, 0.08, 0.6),
      fx("USDJPY", "US Dollar / Japanese Yen", "JPY", 150, 0.001, 0.09, -0.4),
      fx("USDCHF", "US Dollar / Swiss Franc", "CHF", 0.90, 0.00001, 0.08, -0.6),
      fx("AUDUSD", "Australian Dollar / US Dollar", "USD", 0.66, 0.00001, 0.10, 0.5),
      fx("USDCAD", "US Dollar / Canadian Dollar", "CAD", 1.36, 0.00001, 0.06, -0.4),
      fx("NZDUSD", "New Zealand Dollar / US Dollar", "USD", 0.61, 0.00001, 0.11, 0.5),
      fx("EURGBP", "Euro / British Pound", "GBP", 0.85, 0.00001, 0.06, 0.2),
  };
}

}  // namespace tc::market
