// Configuration keys of the bus (none beyond nats.url yet).
#include "infra/infra_config.h"

namespace tc::infra::bus {

void add_config_keys(ConfigSchema& schema) { (void)schema; }

}  // namespace tc::infra::bus
