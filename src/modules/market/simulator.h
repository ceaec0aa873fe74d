// The simulated feed's price model, with no I/O (the module drives it from a
// timer). Per instrument: geometric Brownian motion with its own drift and
// volatility; GARCH(1,1) volatility clustering on the per-minute variance;
// Poisson jumps; moves correlated through one common factor per asset class; and
// volume following an intraday profile (U-shaped for stocks, busier in the
// London/New York overlap for FX, a daily wave for crypto). Only open markets
// move. The same seed, instruments and step times give the same prices.
#pragma once

#include "modules/market/candle_series.h"
#include "modules/market/instrument.h"

#include <array>
#include <cstdint>
#include <functional>
#include <vector>

namespace tc::market {

// xoshiro256** seeded through splitmix64: fast, and the same sequence on every
// platform (std::normal_distribution is implementation-defined).
class Rng {
 public:
  explicit Rng(std::uint64_t seed);
  std::uint64_t next() noexcept;
  double uniform() noexcept;  // [0, 1)
  double normal() noexcept;   // standard normal (Marsaglia polar method)

 private:
  std::array<std::uint64_t, 4> s_{};
  double spare_ = 0;
  bool has_spare_ = false;
};

struct SimTick {
  std::size_t instrument = 0;  // index into instruments()
  std::int64_t time_ms = 0;
  double price = 0;
  double size = 0;
};

class Simulator {
 public:
  Simulator(std::vector<Instrument> instruments, std::uint64_t seed);

  const std::vector<Instrument>& instruments() const noexcept { return instruments_; }

  // History as bars of `step_minutes` (1 or 60) over [from_ms, to_ms): calls
  // sink(instrument, bar) in time order for each step in which the instrument's
  // market was open. Moves the model's clock to to_ms.
  void history(std::int64_t from_ms, std::int64_t to_ms, int step_minutes,
               const std::function<void(std::size_t, const Candle&)>& sink);

  // One live step at now_ms: a tick for every open instrument (appended to out).
  void step(std::int64_t now_ms, std::vector<SimTick>& out);

  double price(std::size_t instrument) const;

 private:
  struct State {
    double log_price = 0;
    double h = 0;      // per-minute variance (GARCH state)
    double h_bar = 0;  // its long-run level
    std::int64_t last_ms = 0;
  };
  struct Move {
    double log_return = 0;
    double shock = 0;  // the standardised shock (for volume)
  };
  Move move(std::size_t i, double minutes, double class_factor);
  double round_to_tick(std::size_t i, double log_price) const;
  double volume(std::size_t i, std::int64_t t, double minutes, double shock);
  std::array<double, 3> class_factors();

  std::vector<Instrument> instruments_;
  std::vector<State> state_;
  Rng rng_;
};

}  // namespace tc::market
