// PII key rotation: the keys come from configuration (the current one encrypts, old
// ones only decrypt), each with an id derived from the key itself; at start the auth
// module re-seals every value still under an old key, so an old key can be removed
// from the configuration after one start with both.
#pragma once

#include "core/config.h"
#include "infra/store/store.h"
#include "modules/auth/pii_cipher.h"

namespace tc::auth {

// From auth.pii_key (or <data.dir>/keys/pii.key) and auth.pii_old_keys.
PiiCipher pii_cipher_from(const Config& config);
// A key's id in ciphertexts: "k" + 8 hex digits of SHA-256 of the key.
std::string pii_key_id(const std::string& key);
// Re-encrypts values sealed with an old key under the current key, in batches. Blocking.
// Returns how many values were re-sealed.
std::int64_t reseal_personal_data(infra::store::Store& store, const PiiCipher& pii);

}  // namespace tc::auth
