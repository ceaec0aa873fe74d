// The modules this build of tradechat knows. Each later module adds one line.
#pragma once

#include "app/module_manager.h"

namespace tc::app {

void register_modules(ModuleManager& manager);
// Adds every module's configuration keys to the schema.
ConfigSchema full_config_schema();
// The migrations of every module this binary knows (not only the running targets:
// the database schema is shared).
std::vector<infra::store::Migration> all_migrations(const ModuleManager& manager);

}  // namespace tc::app
