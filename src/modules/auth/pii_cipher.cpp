#include "modules/auth/pii_cipher.h"

#include "core/base64url.h"

#include <sodium.h>

#include <stdexcept>

namespace tc::auth {

PiiCipher::PiiCipher(std::vector<PiiKey> keys, std::string index_key)
    : keys_(std::move(keys)), index_key_(std::move(index_key)) {
  if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
  if (keys_.empty()) throw std::invalid_argument("at least one PII key is required");
  for (const auto& k : keys_) {
    if (k.key.size() != crypto_aead_xchacha20poly1305_ietf_KEYBYTES) {
      throw std::invalid_argument("PII key " + k.id + " must be 32 bytes");
    }
    if (k.id.empty() || k.id.find('.') != std::string::npos) throw std::invalid_argument("bad PII key id");
  }
  if (index_key_.size() != crypto_generichash_KEYBYTES) throw std::invalid_argument("index key must be 32 bytes");
}

std::string PiiCipher::random_key() {
  std::string k(32, '\0');
  randombytes_buf(k.data(), k.size());
  return k;
}

std::string PiiCipher::encrypt(std::string_view plaintext, std::string_view associated) const {
  const auto& key = keys_.front();
  std::string out(
      crypto_aead_xchacha20poly1305_ietf_NPUBBYTES + plaintext.size() + crypto_aead_xchacha20poly1305_ietf_ABYTES,
      '\0');
  auto* nonce = reinterpret_cast<unsigned char*>(out.data());
  randombytes_buf(nonce, crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
  unsigned long long clen = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(nonce + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES, &clen,
                                             reinterpret_cast<const unsigned char*>(plaintext.data()), plaintext.size(),
                                             reinterpret_cast<const unsigned char*>(associated.data()),
                                             associated.size(), nullptr, nonce,
                                             reinterpret_cast<const unsigned char*>(key.key.data()));
  return "v1." + key.id + "." + base64url_encode(out);
}

std::optional<std::string> PiiCipher::decrypt(std::string_view sealed, std::string_view associated) const {
  if (!sealed.starts_with("v1.")) return std::nullopt;
  auto rest = sealed.substr(3);
  auto dot = rest.find('.');
  if (dot == std::string_view::npos) return std::nullopt;
  auto id = rest.substr(0, dot);
  const PiiKey* key = nullptr;
  for (const auto& k : keys_) {
    if (k.id == id) key = &k;
  }
  if (!key) return std::nullopt;
  auto raw = base64url_decode(rest.substr(dot + 1));
  constexpr auto overhead = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES + crypto_aead_xchacha20poly1305_ietf_ABYTES;
  if (!raw || raw->size() < overhead) return std::nullopt;
  const auto* nonce = reinterpret_cast<const unsigned char*>(raw->data());
  std::string plain(raw->size() - overhead, '\0');
  unsigned long long plen = 0;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(reinterpret_cast<unsigned char*>(plain.data()), &plen, nullptr,
                                                 nonce + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES,
                                                 raw->size() - crypto_aead_xchacha20poly1305_ietf_NPUBBYTES,
                                                 reinterpret_cast<const unsigned char*>(associated.data()),
                                                 associated.size(), nonce,
                                                 reinterpret_cast<const unsigned char*>(key->key.data())) != 0) {
    return std::nullopt;
  }
  plain.resize(plen);
  return plain;
}

bool PiiCipher::needs_reencrypt(std::string_view sealed) const {
  return !sealed.starts_with("v1." + keys_.front().id + ".");
}

std::string PiiCipher::blind_index(std::string_view normalized) const {
  unsigned char out[32];
  crypto_generichash(out, sizeof out, reinterpret_cast<const unsigned char*>(normalized.data()), normalized.size(),
                     reinterpret_cast<const unsigned char*>(index_key_.data()), index_key_.size());
  return base64url_encode(std::string_view(reinterpret_cast<const char*>(out), sizeof out));
}

}  // namespace tc::auth
