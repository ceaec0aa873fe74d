// Configuration keys of the store.
#include "infra/infra_config.h"

namespace tc::infra::store {

void add_config_keys(ConfigSchema& schema) {
  using K = ConfigKind;
  schema.add({.key = "database.pool_size",
              .kind = K::integer,
              .default_value = "8",
              .help = "database connections per process",
              .min = 1,
              .max = 256});
  schema.add({.key = "database.migrate_on_start",
              .kind = K::boolean,
              .default_value = "true",
              .help = "apply pending migrations when `serve` starts"});
  schema.add({.key = "database.group_commit_max_delay",
              .kind = K::duration,
              .default_value = "2ms",
              .help = "longest a high-rate write waits for others to share its transaction",
              .min = 0,
              .max = 1000});
  schema.add({.key = "database.group_commit_max_batch",
              .kind = K::integer,
              .default_value = "512",
              .help = "most writes committed in one group-commit transaction",
              .min = 1,
              .max = 100000});
}

}  // namespace tc::infra::store
