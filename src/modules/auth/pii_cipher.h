// Personal data at rest (email and other PII): XChaCha20-Poly1305 with a key id in
// every ciphertext so keys can rotate, bound to where the value lives (associated
// data, e.g. "users.email:<user id>") so a ciphertext cannot be moved to another row;
// and a keyed BLAKE2b "blind index" to look values up without decrypting.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tc::auth {

struct PiiKey {
  std::string id;   // short label, e.g. "k1"; appears in ciphertexts
  std::string key;  // 32 bytes
};

class PiiCipher {
 public:
  // `keys.front()` encrypts; every key decrypts. `index_key` (32 bytes) keys the blind
  // index and does not rotate with the encryption keys (rotating it means rebuilding
  // the index column).
  PiiCipher(std::vector<PiiKey> keys, std::string index_key);

  // "v1.<key id>.<base64url(nonce || ciphertext)>"
  std::string encrypt(std::string_view plaintext, std::string_view associated) const;
  std::optional<std::string> decrypt(std::string_view sealed, std::string_view associated) const;
  // True when `sealed` was made with a key other than the current one (re-encrypt it).
  bool needs_reencrypt(std::string_view sealed) const;
  // Deterministic lookup token for a normalised value (e.g. a lower-cased email).
  std::string blind_index(std::string_view normalized) const;

  static std::string random_key();

 private:
  std::vector<PiiKey> keys_;
  std::string index_key_;
};

}  // namespace tc::auth
