// Configuration keys of the infrastructure backends (store, bus, cache, mail).
#pragma once

#include "core/config.h"

namespace tc::infra {

namespace store {
void add_config_keys(ConfigSchema& schema);
}
namespace bus {
void add_config_keys(ConfigSchema& schema);
}
namespace cache {
void add_config_keys(ConfigSchema& schema);
}
namespace mail {
void add_config_keys(ConfigSchema& schema);
}

inline void add_config_keys(ConfigSchema& schema) {
  store::add_config_keys(schema);
  bus::add_config_keys(schema);
  cache::add_config_keys(schema);
  mail::add_config_keys(schema);
}

}  // namespace tc::infra
