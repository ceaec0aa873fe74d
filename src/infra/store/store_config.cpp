// Configuration keys of the store backend.
#include "infra/infra_config.h"

namespace tc::infra::store {

void add_config_keys(ConfigSchema& schema) { (void)schema; }

}  // namespace tc::infra::store
