// The candle timeframes of the contract (1m 5m 15m 1h 4h 1d) and their names.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace tc::market {

enum class Timeframe : std::uint8_t { m1, m5, m15, h1, h4, d1 };

inline constexpr std::array<Timeframe, 6> kTimeframes{Timeframe::m1, Timeframe::m5, Timeframe::m15,
                                                      Timeframe::h1, Timeframe::h4, Timeframe::d1};
inline constexpr std::string_view kTimeframeList = "1m, 5m, 15m, 1h, 4h, 1d";

constexpr std::string_view name(Timeframe tf) {
  constexpr std::array<std::string_view, 6> names{"1m", "5m", "15m", "1h", "4h", "1d"};
  return names[static_cast<std::size_t>(tf)];
}

// Nominal length; a 1d bucket follows the instrument's trading day instead.
constexpr std::int64_t duration_ms(Timeframe tf) {
  constexpr std::array<std::int64_t, 6> ms{60'000, 300'000, 900'000, 3'600'000, 14'400'000, 86'400'000};
  return ms[static_cast<std::size_t>(tf)];
}

constexpr std::size_t index(Timeframe tf) { return static_cast<std::size_t>(tf); }

constexpr std::optional<Timeframe> parse_timeframe(std::string_view s) {
  for (auto tf : kTimeframes) {
    if (name(tf) == s) return tf;
  }
  return std::nullopt;
}

}  // namespace tc::market
