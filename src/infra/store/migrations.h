// Versioned schema migrations that modules ship beside their code, one SQL text
// per dialect. Applied in version order, each in its own transaction, recorded in
// schema_migrations with a checksum. A database that holds a version this binary
// does not know (it is newer) or whose applied migration text changed is refused.
#pragma once

#include "infra/store/store.h"

#include <string>
#include <vector>

namespace tc::infra::store {

struct Migration {
  std::string module;
  int version = 0;  // 1, 2, 3 … per module
  std::string name;
  std::string sqlite_sql;
  std::string postgres_sql;
};

struct MigrationReport {
  std::vector<std::string> applied;  // "module v3 name"
};

// Blocking: call from a pool thread or the CLI. Throws tc::Error with a message
// naming the module and versions when the database cannot be brought up to date.
MigrationReport migrate(Store& store, const std::vector<Migration>& known);

std::string migration_checksum(const Migration& m, Dialect dialect);

}  // namespace tc::infra::store
