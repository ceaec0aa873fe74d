// The audit module: the hash-chained log of security events (AuditLog, for other
// modules to append to), the admin API that reads and verifies it, and the
// verification behind `tradechat audit verify`.
#pragma once

#include "app/module.h"
#include "infra/store/migrations.h"

#include <vector>

namespace tc::audit {

app::ModuleSpec spec();
std::vector<infra::store::Migration> migrations();
void add_config_keys(ConfigSchema& schema);
// `tradechat audit verify`: prints the report; 0 when the chain is intact, 1 when not.
int verify_command(const Config& config);
// The chain's MAC key: audit.key, or <data.dir>/keys/audit.key (created when missing).
std::string load_audit_key(const Config& config);

}  // namespace tc::audit
