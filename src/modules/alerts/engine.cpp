#include "modules/alerts/engine.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace tc::alerts {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr std::size_t kMaxVolumeBars = 200;
constexpr std::int64_t kChangeSampleMs = 1000;  // one price sample per second per window

std::string series_key(const ValueRef& v) { return v.key.substr(0, v.key.rfind('.')); }

market::ind::Bar to_bar(const market::Candle& c) { return {c.time_ms, c.open, c.high, c.low, c.close, c.volume}; }

}  // namespace

std::int64_t bar_start(std::int64_t time_ms, market::Timeframe tf) {
  const std::int64_t d = market::duration_ms(tf);
  const std::int64_t q = time_ms / d;
  return (time_ms % d < 0 ? q - 1 : q) * d;
}

// One timeframe's forming bar of one symbol, plus the recent closed volumes.
struct BarState {
  bool has = false;
  market::Candle forming;
  std::deque<double> closed_volumes;  // newest last
};

// Streaming indicator state shared by every rule with the same indicator,
// parameters, timeframe and symbol.
struct SharedIndicator {
  market::Timeframe tf{};
  std::unique_ptr<market::ind::AnyIndicator> impl;
  market::ind::Values live;    // over the forming bar
  market::ind::Values closed;  // after the last closed bar
};

struct ChangeWindow {
  std::deque<std::pair<std::int64_t, double>> samples;  // (time, price), oldest first
};

// Thresholds sorted lazily: additions append, the next tick sorts once. The index
// remembers where the last price it was asked about sits in the array: a tick moves
// the price a little, so the next position is found by stepping a few entries from
// there (one or two cache lines) instead of a binary search over cold memory; a
// large move falls back to the binary search.
class ThresholdIndex {
 public:
  using Entry = std::pair<double, Engine::RuleState*>;
  void add(double t, Engine::RuleState* r) {
    entries_.emplace_back(t, r);
    sorted_ = entries_.size() < 2 || (sorted_ && entries_[entries_.size() - 2].first <= t);
    cursor_valid_ = false;
  }
  void remove(double t, Engine::RuleState* r) {
    sort();
    cursor_valid_ = false;
    auto it =
        std::lower_bound(entries_.begin(), entries_.end(), t, [](const Entry& e, double v) { return e.first < v; });
    for (; it != entries_.end() && it->first == t; ++it) {
      if (it->second == r) {
        entries_.erase(it);
        return;
      }
    }
  }
  // Rules with previous < threshold <= current (above) or current <= threshold < previous (below).
  template <class F>
  void above(double previous, double current, F&& f) {
    if (entries_.empty()) return;
    sort();
    std::size_t i = upper(previous);
    for (; i < entries_.size() && entries_[i].first <= current; ++i) f(entries_[i].second);
    remember(current, i);
  }
  template <class F>
  void below(double previous, double current, F&& f) {
    if (entries_.empty()) return;
    sort();
    // The first threshold >= current is the first one > the double just below current.
    const double just_below = std::nextafter(current, -std::numeric_limits<double>::infinity());
    std::size_t i = upper(just_below);
    remember(just_below, i);
    for (; i < entries_.size() && entries_[i].first < previous; ++i) f(entries_[i].second);
  }

 private:
  static constexpr int kMaxSteps = 16;

  void sort() {
    if (sorted_) return;
    std::stable_sort(entries_.begin(), entries_.end(),
                     [](const Entry& a, const Entry& b) { return a.first < b.first; });
    sorted_ = true;
    cursor_valid_ = false;
  }
  std::size_t binary_upper(double x) const {
    return static_cast<std::size_t>(
        std::upper_bound(entries_.begin(), entries_.end(), x, [](double v, const Entry& e) { return v < e.first; }) -
        entries_.begin());
  }
  // The index of the first threshold > x (std::upper_bound), stepping from the cursor.
  std::size_t upper(double x) const {
    if (!cursor_valid_) return binary_upper(x);
    std::size_t pos = cursor_pos_;
    int steps = 0;
    if (x >= cursor_at_) {
      while (pos < entries_.size() && entries_[pos].first <= x) {
        if (++steps > kMaxSteps) return binary_upper(x);
        ++pos;
      }
    } else {
      while (pos > 0 && entries_[pos - 1].first > x) {
        if (++steps > kMaxSteps) return binary_upper(x);
        --pos;
      }
    }
    return pos;
  }
  void remember(double at, std::size_t pos) {
    cursor_at_ = at;
    cursor_pos_ = pos;
    cursor_valid_ = true;
  }

  std::vector<Entry> entries_;
  bool sorted_ = true;
  bool cursor_valid_ = false;
  double cursor_at_ = 0;
  std::size_t cursor_pos_ = 0;  // binary_upper(cursor_at_)
};

struct Engine::RuleState {
  RuleSpec spec;
  std::vector<double> prev_diff;  // per comparison: left − right at the previous evaluation (NaN: none yet)
  double threshold = 0;           // indexed rules
};

struct Engine::SymbolState {
  bool has_price = false;
  double last_price = 0;
  std::array<std::unique_ptr<BarState>, market::kTimeframes.size()> bars;
  std::map<std::string, std::unique_ptr<SharedIndicator>> indicators;
  std::map<std::int64_t, ChangeWindow> windows;
  // The index: thresholds of `price crosses_above|below <number>` rules on ticks,
  // each a flat array sorted by threshold (binary search over contiguous memory;
  // a tree of a million nodes costs a cache miss per level).
  ThresholdIndex crosses_above;
  ThresholdIndex crosses_below;
  std::map<std::string, RuleState*> on_tick;  // every other tick rule, by id
  std::array<std::map<std::string, RuleState*>, market::kTimeframes.size()> on_close;
};

namespace {

// What a rule's values read during one evaluation.
struct EvalContext {
  Engine::SymbolState& s;
  std::int64_t time_ms;
  double price;
  bool on_close;  // values of the bar that just closed, not of the forming one
};

double mean_of_last(const std::deque<double>& v, std::size_t n, std::size_t skip_newest) {
  if (v.size() < n + skip_newest) return kNaN;
  double sum = 0;
  for (std::size_t i = 0; i < n; ++i) sum += v[v.size() - 1 - skip_newest - i];
  return sum / static_cast<double>(n);
}

double value_of(const ValueRef& v, const EvalContext& c) {
  switch (v.kind) {
    case ValueKind::number: return v.number;
    case ValueKind::price: return c.price;
    case ValueKind::indicator: {
      auto it = c.s.indicators.find(series_key(v));
      if (it == c.s.indicators.end()) return kNaN;
      return (c.on_close ? it->second->closed : it->second->live)[v.output];
    }
    case ValueKind::change_pct: {
      auto it = c.s.windows.find(v.window_ms);
      if (it == c.s.windows.end() || it->second.samples.empty()) return kNaN;
      const double base = it->second.samples.front().second;
      return base == 0 ? kNaN : (c.price - base) / base * 100.0;
    }
    case ValueKind::volume_ratio: {
      const auto& bar = c.s.bars[market::index(v.timeframe)];
      if (!bar || !bar->has) return kNaN;
      const auto n = static_cast<std::size_t>(v.params.at(0));
      // On close the newest closed volume is the bar being judged: compare it with the n before it.
      const double current =
          c.on_close ? (bar->closed_volumes.empty() ? kNaN : bar->closed_volumes.back()) : bar->forming.volume;
      const double avg = mean_of_last(bar->closed_volumes, n, c.on_close ? 1 : 0);
      return avg > 0 ? current / avg : kNaN;
    }
  }
  return kNaN;
}

// Evaluates every comparison (no short-circuit: each crossing keeps its state).
bool evaluate(const Node& n, const EvalContext& c, std::vector<double>& prev, bool* ready) {
  if (n.kind == Node::Kind::compare) {
    const double l = value_of(n.left, c);
    const double r = value_of(n.right, c);
    if (std::isnan(l) || std::isnan(r)) {
      *ready = false;
      return false;
    }
    const double d = l - r;
    const double p = prev[n.leaf];
    prev[n.leaf] = d;
    switch (n.op) {
      case CompareOp::crosses_above: return !std::isnan(p) && p < 0 && d >= 0;
      case CompareOp::crosses_below: return !std::isnan(p) && p > 0 && d <= 0;
      case CompareOp::gt: return d > 0;
      case CompareOp::lt: return d < 0;
      case CompareOp::ge: return d >= 0;
      case CompareOp::le: return d <= 0;
    }
    return false;
  }
  bool any = false;
  bool all = true;
  for (const auto& child : n.children) {
    const bool v = evaluate(child, c, prev, ready);
    any = any || v;
    all = all && v;
  }
  return n.kind == Node::Kind::all ? all : any;
}

template <class F>
void for_each_value(const Node& n, F&& f) {
  if (n.kind == Node::Kind::compare) {
    f(n.left);
    f(n.right);
    return;
  }
  for (const auto& c : n.children) for_each_value(c, f);
}

}  // namespace

Engine::Engine(History history) : history_(std::move(history)) {}
Engine::~Engine() = default;

Engine::SymbolState& Engine::symbol_state(const std::string& symbol) {
  auto it = symbols_.find(symbol);
  if (it == symbols_.end()) it = symbols_.emplace(symbol, std::make_unique<SymbolState>()).first;
  return *it->second;
}

bool Engine::indexed(const RuleSpec& r) const {
  const auto& n = r.condition.root;
  return r.evaluate_on == EvaluateOn::tick && n.kind == Node::Kind::compare &&
         (n.op == CompareOp::crosses_above || n.op == CompareOp::crosses_below) && n.left.kind == ValueKind::price &&
         n.right.kind == ValueKind::number;
}

void Engine::upsert(RuleSpec rule, std::int64_t now_ms) {
  remove(rule.id);
  if (rule.expires_at_ms != 0 && now_ms >= rule.expires_at_ms) return;
  auto state = std::make_unique<RuleState>();
  state->prev_diff.assign(rule.condition.leaves, kNaN);
  state->spec = std::move(rule);
  auto& r = *state;
  rules_.emplace(r.spec.id, std::move(state));
  attach(r);
  prime(r);
}

void Engine::remove(const std::string& rule_id) {
  auto it = rules_.find(rule_id);
  if (it == rules_.end()) return;
  detach(*it->second);
  rules_.erase(it);
}

void Engine::attach(RuleState& r) {
  auto& s = symbol_state(r.spec.symbol);
  if (indexed(r.spec)) {
    const auto& n = r.spec.condition.root;
    r.threshold = n.right.number;
    (n.op == CompareOp::crosses_above ? s.crosses_above : s.crosses_below).add(r.threshold, &r);
    return;
  }
  // Make sure the state its values read exists, warmed up from recent candles.
  auto ensure_bar = [&](market::Timeframe tf) -> BarState& {
    auto& slot = s.bars[market::index(tf)];
    if (!slot) {
      slot = std::make_unique<BarState>();
      auto candles = history_ ? history_(r.spec.symbol, tf) : std::vector<market::Candle>{};
      for (std::size_t i = 0; i < candles.size(); ++i) {
        if (i + 1 == candles.size()) {
          slot->forming = candles[i];
          slot->has = true;
        } else {
          slot->closed_volumes.push_back(candles[i].volume);
          if (slot->closed_volumes.size() > kMaxVolumeBars) slot->closed_volumes.pop_front();
        }
      }
    }
    return *slot;
  };
  auto need = [&](const ValueRef& v) {
    if (v.kind == ValueKind::volume_ratio) ensure_bar(v.timeframe);
    if (v.kind == ValueKind::change_pct) s.windows.try_emplace(v.window_ms);
    if (v.kind != ValueKind::indicator) return;
    auto& bar = ensure_bar(v.timeframe);
    auto key = series_key(v);
    if (s.indicators.contains(key)) return;
    const auto* spec = market::ind::find_indicator(v.indicator);
    if (!spec) return;  // the parser checked it; a registry that shrank leaves the value NaN
    auto ind = std::make_unique<SharedIndicator>();
    ind->tf = v.timeframe;
    ind->impl = spec->make(v.params, market::ind::IndicatorEnv{});
    auto candles = history_ ? history_(r.spec.symbol, v.timeframe) : std::vector<market::Candle>{};
    for (const auto& c : candles) {
      if (!bar.has || c.time_ms < bar.forming.time_ms) ind->closed = ind->impl->update(to_bar(c));
    }
    if (bar.has) ind->live = ind->impl->peek(to_bar(bar.forming));
    s.indicators.emplace(std::move(key), std::move(ind));
  };
  for_each_value(r.spec.condition.root, need);
  if (r.spec.evaluate_on == EvaluateOn::close) {
    ensure_bar(r.spec.timeframe);
    s.on_close[market::index(r.spec.timeframe)].emplace(r.spec.id, &r);
  } else {
    s.on_tick.emplace(r.spec.id, &r);
  }
}

void Engine::detach(RuleState& r) {
  auto it = symbols_.find(r.spec.symbol);
  if (it == symbols_.end()) return;
  auto& s = *it->second;
  if (indexed(r.spec)) {
    (r.spec.condition.root.op == CompareOp::crosses_above ? s.crosses_above : s.crosses_below).remove(r.threshold, &r);
    return;
  }
  // Shared indicator state stays: another rule may use it, and it is small.
  s.on_tick.erase(r.spec.id);
  s.on_close[market::index(r.spec.timeframe)].erase(r.spec.id);
}

// Records the current left − right of each comparison, so that a crossing is
// judged from the moment the rule exists, not from its second evaluation.
void Engine::prime(RuleState& r) {
  if (indexed(r.spec) || r.spec.evaluate_on != EvaluateOn::tick) return;
  auto& s = symbol_state(r.spec.symbol);
  if (!s.has_price) return;
  bool ready = true;
  evaluate(r.spec.condition.root, EvalContext{s, 0, s.last_price, false}, r.prev_diff, &ready);
}

void Engine::consider(RuleState& r, std::int64_t time_ms, double price, std::vector<Fire>& out,
                      std::vector<std::string>& finished) {
  const auto& spec = r.spec;
  if (spec.expires_at_ms != 0 && time_ms >= spec.expires_at_ms) {
    finished.push_back(spec.id);
    return;
  }
  Fire f{spec.id, spec.user_id, spec.symbol, time_ms, price, -1, {}, false};
  switch (spec.frequency) {
    case Frequency::once:
      f.key = spec.id + ":once";
      f.final = true;
      finished.push_back(spec.id);
      break;
    case Frequency::once_per_bar: {
      const std::int64_t bar = bar_start(time_ms, spec.timeframe);
      if (bar == spec.last_fired_bar) return;
      f.bar = bar;
      f.key = spec.id + ":bar:" + std::to_string(bar);
      r.spec.last_fired_bar = bar;
      break;
    }
    case Frequency::every_time:
      if (spec.last_fired_ms != 0 && time_ms - spec.last_fired_ms < spec.cooldown_ms) return;
      f.key = spec.id + ":t:" + std::to_string(time_ms);
      break;
  }
  r.spec.last_fired_ms = time_ms;
  out.push_back(std::move(f));
}

void Engine::on_tick(std::string_view symbol, std::int64_t time_ms, double price, double size, std::vector<Fire>& out) {
  auto it = symbols_.find(symbol);
  if (it == symbols_.end() || !std::isfinite(price)) return;
  auto& s = *it->second;

  // 1. Bars, and the indicators of every bar that this tick closed.
  std::array<const market::Candle*, market::kTimeframes.size()> closed{};
  std::array<market::Candle, market::kTimeframes.size()> closed_bars{};
  for (auto tf : market::kTimeframes) {
    auto& bar = s.bars[market::index(tf)];
    if (!bar) continue;
    const std::int64_t start = bar_start(time_ms, tf);
    if (bar->has && start < bar->forming.time_ms) continue;  // late for this timeframe
    if (!bar->has || start > bar->forming.time_ms) {
      if (bar->has) {
        closed_bars[market::index(tf)] = bar->forming;
        closed[market::index(tf)] = &closed_bars[market::index(tf)];
        bar->closed_volumes.push_back(bar->forming.volume);
        if (bar->closed_volumes.size() > kMaxVolumeBars) bar->closed_volumes.pop_front();
      }
      bar->forming = market::Candle{start, price, price, price, price, 0};
      bar->has = true;
    }
    auto& f = bar->forming;
    f.high = std::max(f.high, price);
    f.low = std::min(f.low, price);
    f.close = price;
    f.volume += size;
  }
  for (auto& [key, ind] : s.indicators) {
    const auto i = market::index(ind->tf);
    if (closed[i]) ind->closed = ind->impl->update(to_bar(*closed[i]));
    if (s.bars[i] && s.bars[i]->has) ind->live = ind->impl->peek(to_bar(s.bars[i]->forming));
  }
  // 2. Percent-move windows.
  for (auto& [window, w] : s.windows) {
    while (!w.samples.empty() && w.samples.front().first < time_ms - window) w.samples.pop_front();
    if (w.samples.empty() || time_ms - w.samples.back().first >= kChangeSampleMs)
      w.samples.emplace_back(time_ms, price);
  }

  auto& finished = finished_;
  finished.clear();
  // 3. The index: only thresholds inside the move are visited.
  if (s.has_price && price != s.last_price) {
    auto& hits = hits_;
    hits.clear();
    const double p0 = s.last_price;
    auto collect = [&hits](RuleState* r) { hits.push_back(r); };
    if (price > p0) {
      s.crosses_above.above(p0, price, collect);
    } else {
      s.crosses_below.below(p0, price, collect);
    }
    visits_ += hits.size();
    for (auto* r : hits) consider(*r, time_ms, price, out, finished);
  }
  // 4. Other rules of this symbol on the tick.
  const EvalContext tick_ctx{s, time_ms, price, false};
  for (auto& [id, r] : s.on_tick) {
    ++visits_;
    bool ready = true;
    if (evaluate(r->spec.condition.root, tick_ctx, r->prev_diff, &ready) && ready) {
      consider(*r, time_ms, price, out, finished);
    }
  }
  // 5. Rules judged on a closed bar: the bar's close and its indicator values.
  for (auto tf : market::kTimeframes) {
    const auto* bar = closed[market::index(tf)];
    if (!bar) continue;
    const EvalContext close_ctx{s, bar->time_ms, bar->close, true};
    for (auto& [id, r] : s.on_close[market::index(tf)]) {
      ++visits_;
      bool ready = true;
      if (evaluate(r->spec.condition.root, close_ctx, r->prev_diff, &ready) && ready) {
        consider(*r, time_ms, bar->close, out, finished);
      }
    }
  }
  s.has_price = true;
  s.last_price = price;
  for (std::size_t i = 0; i < finished.size(); ++i) remove(finished[i]);
}

}  // namespace tc::alerts
