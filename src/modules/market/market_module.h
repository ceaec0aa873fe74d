// The market module: instruments, the simulated feed, candles, indicators and
// chart analysis. Offers `Market` (market.h) through the ServiceRegistry and owns
// the realtime namespaces "market" and "candles".
#pragma once

#include "app/module.h"
#include "infra/store/migrations.h"

#include <vector>

namespace tc::market {

app::ModuleSpec spec();
std::vector<infra::store::Migration> migrations();
void add_config_keys(ConfigSchema& schema);

}  // namespace tc::market
