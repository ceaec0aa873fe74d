// The ai module: the assistant's seven modes, conversations and their `ai:<id>`
// streams, tools, the offline engine, grounded-number marks, Learn, and `@ai` in
// chat rooms (docs/ai.md). Providers and routing live in llm/, pure tool libraries
// in tools/.
#pragma once

#include "app/module.h"
#include "core/config.h"
#include "infra/store/migrations.h"

#include <vector>

namespace tc::ai {

app::ModuleSpec spec();
std::vector<infra::store::Migration> migrations();
void add_config_keys(ConfigSchema& schema);

}  // namespace tc::ai
