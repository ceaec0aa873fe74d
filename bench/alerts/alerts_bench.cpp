// The alert engine's cost per tick with many `price crosses_above|below <number>`
// rules, against a naive scan of the same rules in the same run: the naive peer
// keeps each symbol's rules in a vector and tests every one on every tick of its
// symbol (what an engine without the sorted index does). Both see the same ticks
// and must report the same number of fires. Prints one line per measurement:
//   <name> <value>
// Usage: alerts_bench [alerts=1000000] [symbols=1000] [ticks=2000000] [dense|sparse]
//   dense:  thresholds within ±5% of the start price: the walk crosses some on most ticks
//   sparse: thresholds 20–30% away: nothing fires, the cost is the evaluation alone
#include "modules/alerts/engine.h"
#include "modules/alerts/rule_parser.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

namespace {

using namespace tc::alerts;
using Clock = std::chrono::steady_clock;

struct NaiveRule {
  double threshold;
  bool above;
  bool done = false;
};

}  // namespace

int main(int argc, char** argv) {
  const std::size_t alerts = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 1'000'000;
  const std::size_t symbols = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 1'000;
  const std::size_t ticks = argc > 3 ? std::strtoull(argv[3], nullptr, 10) : 2'000'000;
  const bool sparse = argc > 4 && std::string(argv[4]) == "sparse";
  std::mt19937_64 rng(2026);
  std::uniform_real_distribution<double> spread(-0.05, 0.05);
  std::normal_distribution<double> step(0, 0.0005);

  std::vector<std::string> names(symbols);
  std::vector<double> price(symbols, 100.0);
  for (std::size_t s = 0; s < symbols; ++s) names[s] = "S" + std::to_string(s);

  // One parsed condition per direction, copied into every rule with its own threshold.
  const auto above = parse_expression("price crosses_above 1");
  const auto below = parse_expression("price crosses_below 1");
  Engine engine;
  std::vector<std::vector<NaiveRule>> naive(symbols);
  for (std::size_t i = 0; i < alerts; ++i) {
    const std::size_t s = i % symbols;
    const bool up = (i / symbols) % 2 == 0;
    const double off = sparse ? (up ? 0.25 : -0.25) + spread(rng) : spread(rng);
    const double t = 100.0 * (1 + off);
    RuleSpec r;
    r.id = std::to_string(i);
    r.user_id = "u";
    r.symbol = names[s];
    r.condition = up ? above : below;
    r.condition.root.right.number = t;
    r.frequency = Frequency::every_time;
    engine.upsert(std::move(r));
    naive[s].push_back({t, up});
  }

  // The same ticks for both: a random walk per symbol, round-robin over symbols.
  std::vector<std::pair<std::uint32_t, double>> feed;
  feed.reserve(ticks);
  for (std::size_t i = 0; i < ticks; ++i) {
    const std::size_t s = i % symbols;
    price[s] *= 1 + step(rng);
    feed.emplace_back(static_cast<std::uint32_t>(s), price[s]);
  }

  std::vector<Fire> fires;
  std::vector<std::int64_t> lat;
  lat.reserve(ticks);
  std::size_t engine_fires = 0;
  // Every 16th tick is timed on its own (for the p99); the total includes those clock reads.
  auto start = Clock::now();
  for (std::size_t i = 0; i < ticks; ++i) {
    const bool sample = i % 16 == 0;
    const auto t0 = sample ? Clock::now() : Clock::time_point{};
    fires.clear();
    engine.on_tick(names[feed[i].first], static_cast<std::int64_t>(i), feed[i].second, 1, fires);
    engine_fires += fires.size();
    if (sample) lat.push_back(std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - t0).count());
  }
  const double engine_ns =
      static_cast<double>(std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - start).count()) /
      static_cast<double>(ticks);

  std::vector<double> last(symbols, 0);
  std::vector<bool> seen(symbols, false);
  std::size_t naive_fires = 0;
  start = Clock::now();
  for (std::size_t i = 0; i < ticks; ++i) {
    const auto [s, p] = feed[i];
    if (seen[s]) {
      const double p0 = last[s];
      for (const auto& r : naive[s]) {
        naive_fires += r.above ? (p0 < r.threshold && p >= r.threshold) : (p0 > r.threshold && p <= r.threshold);
      }
    }
    seen[s] = true;
    last[s] = p;
  }
  const double naive_ns =
      static_cast<double>(std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - start).count()) /
      static_cast<double>(ticks);

  std::sort(lat.begin(), lat.end());
  std::printf("alerts %zu\nsymbols %zu\nticks %zu\n", alerts, symbols, ticks);
  std::printf("engine_ns_per_tick %.1f\nnaive_ns_per_tick %.1f\n", engine_ns, naive_ns);
  std::printf("engine_ticks_per_s %.0f\nnaive_ticks_per_s %.0f\n", 1e9 / engine_ns, 1e9 / naive_ns);
  std::printf("engine_p99_ns %lld\n", static_cast<long long>(lat[lat.size() * 99 / 100]));
  std::printf("engine_fires %zu\nnaive_fires %zu\nvisits %llu\n", engine_fires, naive_fires,
              static_cast<unsigned long long>(engine.visits()));
  return engine_fires == naive_fires ? 0 : 1;
}
