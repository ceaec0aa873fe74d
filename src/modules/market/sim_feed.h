// The simulated feed: history generated from the seed at start, then one tick per
// open instrument per step (simulator.h has the model).
#pragma once

#include "modules/market/feed.h"
#include "modules/market/simulator.h"

#include <vector>

namespace tc::market {

struct SimFeedOptions {
  int history_days = 180;       // hourly bars this far back
  int minute_history_days = 2;  // and minute bars for the most recent days
};

class SimFeed final : public Feed {
 public:
  SimFeed(MarketState& state, Simulator simulator, CandleStore& store, Publish publish, Clock clock,
          FeedOptions feed_options, SimFeedOptions options);
  ~SimFeed() override { stop(); }
  SimFeed(const SimFeed&) = delete;
  SimFeed& operator=(const SimFeed&) = delete;

  void backfill() override;
  void produce(std::int64_t now_ms) override;

 private:
  Simulator sim_;
  SimFeedOptions options_;
  std::vector<SimTick> ticks_;  // reused each step
};

}  // namespace tc::market
