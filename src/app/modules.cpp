#include "app/modules.h"

#include "infra/infra_config.h"
#include "modules/gateway/gateway.h"

namespace tc::app {

void register_modules(ModuleManager& manager) { manager.add(modules::gateway::spec()); }

ConfigSchema full_config_schema() {
  auto schema = core_config_schema();
  infra::add_config_keys(schema);
  return schema;
}

}  // namespace tc::app
