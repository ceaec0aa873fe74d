// The input and output of every indicator: one OHLCV bar in, up to five named
// values out (NaN where an output is not ready yet).
#pragma once

#include "modules/market/indicators/primitives.h"

#include <array>
#include <cstdint>

namespace tc::market::ind {

struct Bar {
  std::int64_t time_ms = 0;
  double open = 0;
  double high = 0;
  double low = 0;
  double close = 0;
  double volume = 0;
};

struct Values {
  static constexpr std::size_t kMax = 5;
  std::array<double, kMax> v{kNaN, kNaN, kNaN, kNaN, kNaN};
  double operator[](std::size_t i) const noexcept { return v[i]; }
  double& operator[](std::size_t i) noexcept { return v[i]; }
};

}  // namespace tc::market::ind
