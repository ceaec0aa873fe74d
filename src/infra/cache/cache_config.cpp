// Configuration keys of the cache.
#include "infra/infra_config.h"

namespace tc::infra::cache {

void add_config_keys(ConfigSchema& schema) {
  using K = ConfigKind;
  schema.add({.key = "cache.pool_size",
              .kind = K::integer,
              .default_value = "4",
              .help = "Redis connections per process",
              .min = 1,
              .max = 256});
  schema.add({.key = "cache.max_keys",
              .kind = K::integer,
              .default_value = "1000000",
              .help = "keys the in-process cache holds before it evicts",
              .min = 100,
              .max = 100'000'000});
}

}  // namespace tc::infra::cache
