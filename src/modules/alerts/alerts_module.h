// The alerts module: alert rules and their evaluation on live ticks, the
// notification inbox, and the Notifier other modules use (alerts.h).
#pragma once

#include "app/module.h"
#include "infra/store/migrations.h"

#include <vector>

namespace tc::alerts {

app::ModuleSpec spec();
std::vector<infra::store::Migration> migrations();
void add_config_keys(ConfigSchema& schema);

}  // namespace tc::alerts
