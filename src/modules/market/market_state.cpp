#include "modules/market/market_state.h"

#include "core/errors.h"
#include "modules/market/analysis/analysis.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>

namespace tc::market {
namespace {

std::string upper(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

bool contains_ci(std::string_view hay, std::string_view needle) {
  if (needle.empty()) return true;
  auto it = std::search(hay.begin(), hay.end(), needle.begin(), needle.end(), [](char a, char b) {
    return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
  });
  return it != hay.end();
}

}  // namespace

MarketState::MarketState(std::vector<Instrument> instruments, MarketStateOptions options)
    : instruments_(std::move(instruments)), options_(options) {
  data_.resize(instruments_.size());
  for (std::size_t i = 0; i < instruments_.size(); ++i) {
    by_symbol_[instruments_[i].symbol] = i;
    for (auto tf : kTimeframes)
      data_[i].series.emplace_back(tf, instruments_[i].calendar, options_.capacity[index(tf)]);
  }
}

std::size_t MarketState::index_of(std::string_view symbol) const {
  auto it = by_symbol_.find(upper(symbol));
  return it == by_symbol_.end() ? npos : it->second;
}

std::size_t MarketState::require(std::string_view symbol) const {
  const auto i = index_of(symbol);
  if (i == npos) throw errors::not_found(fmt::format("no instrument \"{}\"", symbol.substr(0, 32)));
  return i;
}

TickUpdate MarketState::ingest_tick(std::size_t instrument, std::int64_t time_ms, double price, double size) {
  TickUpdate u;
  {
    std::unique_lock lock(mutex_);
    auto& d = data_[instrument];
    if (d.watermark_ms != INT64_MIN && time_ms < d.watermark_ms - options_.late_tick_window_ms) {
      late_dropped_.fetch_add(1, std::memory_order_relaxed);
      return u;
    }
    u.accepted = true;
    for (auto tf : kTimeframes) {
      auto& series = d.series[index(tf)];
      const Candle* before = series.empty() ? nullptr : &series.newest();
      const Candle prior = before ? *before : Candle{};
      const auto effect = series.apply_tick(time_ms, price, size);
      u.effects[index(tf)] = effect;
      if (effect == TickEffect::opened) u.closed[index(tf)] = prior;
      if (effect == TickEffect::amended_closed) u.touched[index(tf)] = *series.previous();
      if (effect == TickEffect::updated_forming || effect == TickEffect::opened) u.touched[index(tf)] = series.newest();
    }
    if (time_ms >= d.last_ms) {
      d.last = price;
      d.last_ms = time_ms;
    }
    d.watermark_ms = std::max(d.watermark_ms, time_ms);
    if (options_.tick_retention > 0) {
      if (d.ticks.size() < options_.tick_retention) {
        d.ticks.push_back({time_ms, price, size});
      } else {
        d.ticks[d.ticks_head] = {time_ms, price, size};
        d.ticks_head = d.ticks_head + 1 == d.ticks.size() ? 0 : d.ticks_head + 1;
      }
    }
  }
  const Tick tick{instruments_[instrument].symbol, time_ms, price, size};
  std::lock_guard lock(listeners_mutex_);
  for (const auto& [id, fn] : listeners_) fn(tick);
  return u;
}

void MarketState::ingest_bar(std::size_t instrument, const Candle& bar, int bar_minutes) {
  std::unique_lock lock(mutex_);
  auto& d = data_[instrument];
  for (auto tf : kTimeframes) {
    if (duration_ms(tf) >= bar_minutes * 60'000LL) d.series[index(tf)].apply_bar(bar);
  }
  if (bar.time_ms >= d.last_ms) {
    d.last = bar.close;
    d.last_ms = bar.time_ms + bar_minutes * 60'000LL - 1;
  }
}

void MarketState::ingest_quote(std::size_t instrument, double bid, double ask) {
  std::unique_lock lock(mutex_);
  data_[instrument].bid = bid;
  data_[instrument].ask = ask;
}

const Instrument* MarketState::find(std::string_view symbol) const {
  const auto i = index_of(symbol);
  return i == npos ? nullptr : &instruments_[i];
}

std::vector<const Instrument*> MarketState::search(std::string_view text, std::size_t limit) const {
  std::vector<const Instrument*> by_symbol, by_name;
  for (const auto& in : instruments_) {
    if (contains_ci(in.symbol, text)) {
      by_symbol.push_back(&in);
    } else if (contains_ci(in.name, text)) {
      by_name.push_back(&in);
    }
  }
  by_symbol.insert(by_symbol.end(), by_name.begin(), by_name.end());
  if (by_symbol.size() > limit) by_symbol.resize(limit);
  return by_symbol;
}

std::vector<RecentTick> MarketState::recent_ticks(std::string_view symbol, std::size_t limit) const {
  const auto i = require(symbol);
  std::shared_lock lock(mutex_);
  const auto& d = data_[i];
  const std::size_t n = std::min(limit, d.ticks.size());
  std::vector<RecentTick> out;
  out.reserve(n);
  // In arrival order: the oldest is at ticks_head once the ring is full.
  for (std::size_t k = d.ticks.size() - n; k < d.ticks.size(); ++k) {
    out.push_back(d.ticks[(d.ticks_head + k) % d.ticks.size()]);
  }
  return out;
}

std::optional<Quote> MarketState::quote(std::string_view symbol) const {
  const auto i = require(symbol);
  const auto& in = instruments_[i];
  std::shared_lock lock(mutex_);
  const auto& d = data_[i];
  if (d.last_ms == 0) return std::nullopt;
  Quote q;
  q.symbol = in.symbol;
  q.last = d.last;
  q.time_ms = d.last_ms;
  q.simulated = in.simulated;
  // A vendor's quote when a feed streams one; otherwise a simulated spread: one
  // basis point, at least one tick, centred on the last price.
  const double half = std::max(in.tick_size, std::round(d.last * 0.0001 / in.tick_size) * in.tick_size) / 2;
  q.bid = d.bid > 0 ? d.bid : d.last - half;
  q.ask = d.ask > 0 ? d.ask : d.last + half;
  const auto& daily = d.series[index(Timeframe::d1)];
  if (!daily.empty()) {
    const auto& today = daily.newest();
    q.day_open = today.open;
    q.day_high = today.high;
    q.day_low = today.low;
    q.day_volume = today.volume;
    if (const auto* prev = daily.previous()) q.previous_close = prev->close;
  }
  return q;
}

std::vector<Candle> MarketState::candles(std::string_view symbol, Timeframe tf, const CandleQuery& q) const {
  const auto i = require(symbol);
  std::shared_lock lock(mutex_);
  return data_[i].series[index(tf)].range(q.from_ms, q.to_ms, q.limit);
}

IndicatorSeries MarketState::indicator(std::string_view symbol, Timeframe tf, std::string_view name,
                                       const std::vector<std::pair<std::string, std::string>>& params,
                                       const CandleQuery& q) const {
  const auto i = require(symbol);
  const auto* spec = ind::find_indicator(name);
  if (!spec) {
    throw errors::not_found(fmt::format("no indicator \"{}\"; known: {}", name.substr(0, 32), ind::indicator_names()))
        .with("known", [] {
          boost::json::array a;
          for (const auto& s : ind::indicator_specs()) a.emplace_back(s.name);
          return a;
        }());
  }
  const auto values = ind::resolve_params(*spec, params);
  const auto bars = candles(symbol, tf, q);
  std::vector<ind::Bar> input;
  input.reserve(bars.size());
  for (const auto& c : bars) input.push_back({c.time_ms, c.open, c.high, c.low, c.close, c.volume});
  const auto kind = instruments_[i].calendar;
  ind::IndicatorEnv env{.session_of = [kind](std::int64_t t) { return trading_day_start(kind, t); }};
  IndicatorSeries out;
  out.outputs = spec->outputs;
  out.values = ind::compute_batch(*spec, values, input, env);
  out.times.reserve(bars.size());
  for (const auto& c : bars) out.times.push_back(c.time_ms);
  return out;
}

boost::json::object MarketState::analyze(std::string_view symbol, Timeframe tf) const {
  const auto bars = candles(symbol, tf, {.limit = 300});
  return analysis::analyze(bars);
}

std::uint64_t MarketState::add_tick_listener(TickListener listener) {
  std::lock_guard lock(listeners_mutex_);
  const auto id = next_listener_++;
  listeners_.emplace(id, std::move(listener));
  return id;
}

void MarketState::remove_tick_listener(std::uint64_t id) {
  std::lock_guard lock(listeners_mutex_);
  listeners_.erase(id);
}

}  // namespace tc::market
