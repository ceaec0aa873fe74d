// Secret keys the server keeps (personal-data encryption, the audit chain's MAC):
// from a config value (base64url, no padding) or, embedded, from a file under
// <data.dir>/keys/ that is created with mode 0600 on first start.
#pragma once

#include "core/config.h"

#include <cstddef>
#include <string>

namespace tc {

// Returns `bytes` bytes of key material. `config_key` names a secret config key
// holding base64url; when it is empty the key is read from (or created at)
// <data.dir>/keys/<file_name>. Throws ConfigError naming the key when the value or
// file has the wrong length.
std::string load_or_create_key(const Config& config, const std::string& config_key, const std::string& file_name,
                               std::size_t bytes);

}  // namespace tc
