#include "app/modules.h"

#include "infra/infra_config.h"
#include "modules/ai/ai_module.h"
#include "modules/ai/llm/llm_config.h"
#include "modules/alerts/alerts_module.h"
#include "modules/audit/audit_module.h"
#include "modules/auth/auth_module.h"
#include "modules/chat/chat_module.h"
#include "modules/gateway/gateway.h"
#include "modules/market/market_module.h"
#include "modules/realtime/realtime_module.h"

namespace tc::app {

void register_modules(ModuleManager& manager) {
  manager.add(modules::gateway::spec());
  manager.add(audit::spec());
  manager.add(auth::spec());
  manager.add(realtime::spec());
  manager.add(market::spec());
  manager.add(chat::spec());
  manager.add(alerts::spec());
  manager.add(ai::spec());
}

ConfigSchema full_config_schema() {
  auto schema = core_config_schema();
  infra::add_config_keys(schema);
  audit::add_config_keys(schema);
  auth::add_config_keys(schema);
  realtime::add_config_keys(schema);
  market::add_config_keys(schema);
  alerts::add_config_keys(schema);
  ai::llm::add_config_keys(schema);
  ai::add_config_keys(schema);
  return schema;
}

}  // namespace tc::app

namespace tc::app {

std::vector<infra::store::Migration> all_migrations(const ModuleManager& manager) {
  std::vector<infra::store::Migration> out;
  for (const auto& spec : manager.specs()) out.insert(out.end(), spec.migrations.begin(), spec.migrations.end());
  return out;
}

}  // namespace tc::app
