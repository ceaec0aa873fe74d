// Configuration keys of the cache backend.
#include "infra/infra_config.h"

namespace tc::infra::cache {

void add_config_keys(ConfigSchema& schema) { (void)schema; }

}  // namespace tc::infra::cache
