// Configuration keys of the bus backend.
#include "infra/infra_config.h"

namespace tc::infra::bus {

void add_config_keys(ConfigSchema& schema) { (void)schema; }

}  // namespace tc::infra::bus
