// The realtime module: the Centrifugo protocol on /connection/websocket (through
// the gateway), the channel hub, and the `Realtime` service other modules use to
// own namespaces and publish.
#pragma once

#include "app/module.h"

namespace tc::realtime {

app::ModuleSpec spec();
void add_config_keys(ConfigSchema& schema);

}  // namespace tc::realtime
