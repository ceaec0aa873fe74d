// The evaluation engine: every active rule in memory, indexed by symbol, fed one
// tick at a time on a single thread (the alerts strand; never the feed thread).
// It does no I/O: it returns the fires, and the caller persists them (with their
// idempotency key) before anything is delivered.
//
// Cost per tick: a rule of the form `price crosses_above|crosses_below <number>`
// sits in a per-symbol ordered index and is visited only when the tick's move
// spans its threshold; other rules are visited on their own symbol's ticks (or
// on their timeframe's close). Streaming indicator state is kept once per
// (symbol, indicator, parameters, timeframe) and shared by every rule that uses it.
#pragma once

#include "modules/alerts/rule.h"
#include "modules/market/candle_series.h"
#include "modules/market/indicators/registry.h"

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace tc::alerts {

enum class EvaluateOn : std::uint8_t { tick, close };
enum class Frequency : std::uint8_t { once, once_per_bar, every_time };

struct RuleSpec {
  std::string id;
  std::string user_id;
  std::string symbol;  // upper case, as the market names it
  Condition condition;
  EvaluateOn evaluate_on = EvaluateOn::tick;
  market::Timeframe timeframe = market::Timeframe::m1;  // the bar of `close` and of `once_per_bar`
  Frequency frequency = Frequency::once;
  std::int64_t cooldown_ms = 0;    // every_time: the least time between two fires
  std::int64_t expires_at_ms = 0;  // 0 = never
  // Restored from storage so a restart neither repeats nor forgets a fire.
  std::int64_t last_fired_ms = 0;  // 0 = never fired
  std::int64_t last_fired_bar = -1;
};

struct Fire {
  std::string rule_id;
  std::string user_id;
  std::string symbol;
  std::int64_t time_ms = 0;
  double price = 0;
  std::int64_t bar = -1;  // the bar's start (once_per_bar), else -1
  std::string key;        // idempotency key: the rule id plus the bar or tick that fired it
  bool final = false;     // the rule is done (frequency once)
};

std::int64_t bar_start(std::int64_t time_ms, market::Timeframe tf);

class Engine {
 public:
  // Recent candles (oldest first, the newest may be forming) to warm up new
  // indicator state; may return nothing.
  using History = std::function<std::vector<market::Candle>(const std::string& symbol, market::Timeframe tf)>;

  explicit Engine(History history = {});
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // Adds or replaces a rule. Rules expired at `now_ms` are not added.
  void upsert(RuleSpec rule, std::int64_t now_ms = 0);
  void remove(const std::string& rule_id);
  bool contains(const std::string& rule_id) const { return rules_.contains(rule_id); }
  std::size_t size() const noexcept { return rules_.size(); }

  // Evaluates one tick; appends what fired to `out`.
  void on_tick(std::string_view symbol, std::int64_t time_ms, double price, double size, std::vector<Fire>& out);

  // How many rule visits ticks have cost so far (the index's work, for tests and the bench).
  std::uint64_t visits() const noexcept { return visits_; }

  struct RuleState;
  struct SymbolState;

 private:
  SymbolState& symbol_state(const std::string& symbol);
  void attach(RuleState& r);
  void detach(RuleState& r);
  void prime(RuleState& r);
  bool indexed(const RuleSpec& r) const;
  void consider(RuleState& r, std::int64_t time_ms, double price, std::vector<Fire>& out,
                std::vector<std::string>& finished);

  History history_;
  std::unordered_map<std::string, std::unique_ptr<RuleState>> rules_;
  // Hashed: each tick looks its symbol up (an ordered map cost a cache miss per level).
  struct SymbolHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_map<std::string, std::unique_ptr<SymbolState>, SymbolHash, std::equal_to<>> symbols_;
  std::uint64_t visits_ = 0;
  std::vector<RuleState*> hits_;  // reused per tick: the hot path does not allocate
  std::vector<std::string> finished_;
};

}  // namespace tc::alerts
