#include "modules/market/simulator.h"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace tc::market {
namespace {

constexpr double kGarchAlpha = 0.06;
constexpr double kGarchBeta = 0.93;
constexpr std::int64_t kMinuteMs = 60'000;

double minutes_per_year(CalendarKind kind) {
  switch (kind) {
    case CalendarKind::always: return 365.25 * 1440;
    case CalendarKind::us_equities: return 252.0 * 390;
    case CalendarKind::fx: return 260.0 * 1440;
  }
  return 365.25 * 1440;
}

std::size_t class_index(const Instrument& in) {
  if (in.asset_class == "stock") return 0;
  if (in.asset_class == "crypto") return 1;
  return 2;
}

// Relative trading activity by time of day (about 1 on average).
double intraday_profile(CalendarKind kind, std::int64_t t) {
  const auto pos = session_position(kind, t);
  if (pos.since_open < 0) return 0;
  switch (kind) {
    case CalendarKind::us_equities:
      // Heavy at the open and into the close, quiet at lunch (the U shape).
      return 0.6 + 2.0 * std::exp(-pos.since_open / 25.0) + 1.2 * std::exp(-pos.until_close / 30.0);
    case CalendarKind::always: {
      // Busiest around 15:00 UTC, quietest around 03:00.
      const double phase = 2 * std::numbers::pi * (pos.since_open - 15 * 60) / 1440.0;
      return 0.55 + 0.45 * (1 + std::cos(phase));
    }
    case CalendarKind::fx: {
      const double utc_minute = static_cast<double>((t / kMinuteMs) % 1440);
      const double overlap = (utc_minute - 14 * 60) / 180.0;
      return 0.5 + 1.2 * std::exp(-overlap * overlap);
    }
  }
  return 1;
}

std::uint64_t splitmix64(std::uint64_t& x) {
  std::uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

}  // namespace

Rng::Rng(std::uint64_t seed) {
  for (auto& w : s_) w = splitmix64(seed);
}

std::uint64_t Rng::next() noexcept {
  const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
  const std::uint64_t t = s_[1] << 17;
  s_[2] ^= s_[0];
  s_[3] ^= s_[1];
  s_[1] ^= s_[2];
  s_[0] ^= s_[3];
  s_[2] ^= t;
  s_[3] = rotl(s_[3], 45);
  return result;
}

double Rng::uniform() noexcept { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

double Rng::normal() noexcept {
  if (has_spare_) {
    has_spare_ = false;
    return spare_;
  }
  double u = 0, v = 0, s = 0;
  do {
    u = 2 * uniform() - 1;
    v = 2 * uniform() - 1;
    s = u * u + v * v;
  } while (s >= 1 || s == 0);
  const double f = std::sqrt(-2 * std::log(s) / s);
  spare_ = v * f;
  has_spare_ = true;
  return u * f;
}

Simulator::Simulator(std::vector<Instrument> instruments, std::uint64_t seed)
    : instruments_(std::move(instruments)), rng_(seed) {
  state_.reserve(instruments_.size());
  for (const auto& in : instruments_) {
    const double h_bar = in.volatility * in.volatility / minutes_per_year(in.calendar);
    state_.push_back({std::log(in.start_price), h_bar, h_bar, 0});
  }
}

std::array<double, 3> Simulator::class_factors() { return {rng_.normal(), rng_.normal(), rng_.normal()}; }

Simulator::Move Simulator::move(std::size_t i, double minutes, double class_factor) {
  const auto& in = instruments_[i];
  auto& s = state_[i];
  const double loading = std::clamp(in.factor_loading, -0.99, 0.99);
  const double shock = loading * class_factor + std::sqrt(1 - loading * loading) * rng_.normal();
  const double mpy = minutes_per_year(in.calendar);
  double r = (in.drift / mpy - 0.5 * s.h) * minutes + std::sqrt(s.h * minutes) * shock;
  // Jumps: Poisson arrivals, normal sizes of a twentieth of the annual volatility.
  if (rng_.uniform() < in.jumps_per_year / mpy * minutes) r += rng_.normal() * in.volatility * 0.05;
  // GARCH(1,1) on the per-minute variance. A step of a minute or more is one
  // GARCH step; shorter (live) steps move it proportionally toward that.
  const double omega = s.h_bar * (1 - kGarchAlpha - kGarchBeta);
  const double garch = omega + kGarchAlpha * s.h * shock * shock + kGarchBeta * s.h;
  s.h = minutes >= 1 ? garch : s.h + minutes * (garch - s.h);
  s.h = std::clamp(s.h, 0.05 * s.h_bar, 25 * s.h_bar);
  s.log_price += r;
  return {r, shock};
}

double Simulator::round_to_tick(std::size_t i, double log_price) const {
  const double tick = instruments_[i].tick_size;
  return std::max(tick, std::round(std::exp(log_price) / tick) * tick);
}

double Simulator::price(std::size_t i) const { return round_to_tick(i, state_[i].log_price); }

double Simulator::volume(std::size_t i, std::int64_t t, double minutes, double shock) {
  const auto& in = instruments_[i];
  const double noise = std::exp(0.3 * rng_.normal() - 0.045);
  const double v =
      in.volume_per_minute * minutes * intraday_profile(in.calendar, t) * (0.6 + 0.5 * std::abs(shock)) * noise;
  return std::max(0.0001, std::round(v * 10000) / 10000);
}

void Simulator::history(std::int64_t from_ms, std::int64_t to_ms, int step_minutes,
                        const std::function<void(std::size_t, const Candle&)>& sink) {
  const std::int64_t step = step_minutes * kMinuteMs;
  // Sample open minutes every quarter hour (a minute for minute steps).
  const std::int64_t probe = std::min<std::int64_t>(step, 15 * kMinuteMs);
  for (std::int64_t t = from_ms; t < to_ms; t += step) {
    const auto factors = class_factors();
    for (std::size_t i = 0; i < instruments_.size(); ++i) {
      int open_probes = 0;
      for (std::int64_t p = t; p < t + step; p += probe) open_probes += is_open(instruments_[i].calendar, p) ? 1 : 0;
      if (open_probes == 0) continue;
      const double minutes = static_cast<double>(open_probes * probe) / kMinuteMs;
      const double open = price(i);
      const double sd = std::sqrt(state_[i].h * minutes);
      const auto mv = move(i, minutes, factors[class_index(instruments_[i])]);
      const double close = price(i);
      const double tick = instruments_[i].tick_size;
      // Extremes beyond open and close, as a Brownian path of that variance makes.
      const double high =
          std::round(std::max(open, close) * std::exp(std::abs(rng_.normal()) * sd * 0.5) / tick) * tick;
      const double low = std::max(
          tick, std::round(std::min(open, close) * std::exp(-std::abs(rng_.normal()) * sd * 0.5) / tick) * tick);
      sink(i, {t, open, std::max({high, open, close}), std::min({low, open, close}), close,
               volume(i, t, minutes, mv.shock)});
      state_[i].last_ms = t + step;
    }
  }
  for (auto& s : state_) s.last_ms = std::max(s.last_ms, to_ms);
}

void Simulator::step(std::int64_t now_ms, std::vector<SimTick>& out) {
  const auto factors = class_factors();
  for (std::size_t i = 0; i < instruments_.size(); ++i) {
    auto& s = state_[i];
    if (s.last_ms == 0) s.last_ms = now_ms;
    if (now_ms <= s.last_ms || !is_open(instruments_[i].calendar, now_ms)) continue;
    const double minutes = std::min(1.0, static_cast<double>(now_ms - s.last_ms) / kMinuteMs);
    s.last_ms = now_ms;
    const auto mv = move(i, minutes, factors[class_index(instruments_[i])]);
    out.push_back({i, now_ms, price(i), volume(i, now_ms, minutes, mv.shock)});
  }
}

}  // namespace tc::market
