#include "modules/alerts/web_push_crypto.h"

#include "core/base64url.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/obj_mac.h>
#include <openssl/param_build.h>
#include <openssl/rand.h>

#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <array>
#include <memory>
#include <stdexcept>

namespace tc::alerts::web_push {
namespace {

template <auto Free>
struct Deleter {
  template <class T>
  void operator()(T* p) const noexcept {
    Free(p);
  }
};
using Pkey = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY_free>>;
using PkeyCtx = std::unique_ptr<EVP_PKEY_CTX, Deleter<EVP_PKEY_CTX_free>>;
using Group = std::unique_ptr<EC_GROUP, Deleter<EC_GROUP_free>>;
using Point = std::unique_ptr<EC_POINT, Deleter<EC_POINT_free>>;
using Bn = std::unique_ptr<BIGNUM, Deleter<BN_free>>;
using ParamBuild = std::unique_ptr<OSSL_PARAM_BLD, Deleter<OSSL_PARAM_BLD_free>>;
using Params = std::unique_ptr<OSSL_PARAM, Deleter<OSSL_PARAM_free>>;
using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, Deleter<EVP_CIPHER_CTX_free>>;
using MdCtx = std::unique_ptr<EVP_MD_CTX, Deleter<EVP_MD_CTX_free>>;
using Sig = std::unique_ptr<ECDSA_SIG, Deleter<ECDSA_SIG_free>>;

constexpr std::size_t kPublicBytes = 65;
constexpr std::size_t kPrivateBytes = 32;
constexpr std::size_t kTagBytes = 16;
constexpr std::size_t kHeaderBytes = 16 + 4 + 1 + kPublicBytes;

[[noreturn]] void fail(const char* what) { throw std::invalid_argument(std::string("web push: ") + what); }

const unsigned char* bytes(const std::string& s) { return reinterpret_cast<const unsigned char*>(s.data()); }

Group p256() {
  Group g(EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1));
  if (!g) fail("P-256 is not available");
  return g;
}

Pkey from_params(const ParamBuild& build, int selection) {
  Params params(OSSL_PARAM_BLD_to_param(build.get()));
  PkeyCtx ctx(EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr));
  EVP_PKEY* raw = nullptr;
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) <= 0 ||
      EVP_PKEY_fromdata(ctx.get(), &raw, selection, params.get()) <= 0) {
    fail("cannot build the EC key");
  }
  return Pkey(raw);
}

// The public point of a scalar, after checking 0 < d < n.
std::string point_of(const std::string& private_key, Bn& d_out) {
  if (private_key.size() != kPrivateBytes) fail("a private key is 32 bytes");
  auto group = p256();
  Bn d(BN_bin2bn(bytes(private_key), static_cast<int>(private_key.size()), nullptr));
  if (!d || BN_is_zero(d.get()) || BN_cmp(d.get(), EC_GROUP_get0_order(group.get())) >= 0) {
    fail("the private key is not a P-256 scalar");
  }
  Point pub(EC_POINT_new(group.get()));
  std::string out(kPublicBytes, '\0');
  if (!pub || EC_POINT_mul(group.get(), pub.get(), d.get(), nullptr, nullptr, nullptr) != 1 ||
      EC_POINT_point2oct(group.get(), pub.get(), POINT_CONVERSION_UNCOMPRESSED,
                         reinterpret_cast<unsigned char*>(out.data()), out.size(), nullptr) != kPublicBytes) {
    fail("cannot compute the public key");
  }
  d_out = std::move(d);
  return out;
}

Pkey private_pkey(const std::string& private_key) {
  Bn d;
  const auto pub = point_of(private_key, d);
  ParamBuild build(OSSL_PARAM_BLD_new());
  if (!build || !OSSL_PARAM_BLD_push_utf8_string(build.get(), OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0) ||
      !OSSL_PARAM_BLD_push_BN(build.get(), OSSL_PKEY_PARAM_PRIV_KEY, d.get()) ||
      !OSSL_PARAM_BLD_push_octet_string(build.get(), OSSL_PKEY_PARAM_PUB_KEY, pub.data(), pub.size())) {
    fail("cannot build the EC key");
  }
  return from_params(build, EVP_PKEY_KEYPAIR);
}

Pkey public_pkey(const std::string& public_key) {
  if (!valid_public_key(public_key)) fail("the public key is not an uncompressed P-256 point");
  ParamBuild build(OSSL_PARAM_BLD_new());
  if (!build || !OSSL_PARAM_BLD_push_utf8_string(build.get(), OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0) ||
      !OSSL_PARAM_BLD_push_octet_string(build.get(), OSSL_PKEY_PARAM_PUB_KEY, public_key.data(), public_key.size())) {
    fail("cannot build the EC key");
  }
  return from_params(build, EVP_PKEY_PUBLIC_KEY);
}

std::string ecdh(const std::string& private_key, const std::string& peer_public) {
  auto mine = private_pkey(private_key);
  auto peer = public_pkey(peer_public);
  PkeyCtx ctx(EVP_PKEY_CTX_new(mine.get(), nullptr));
  std::size_t len = 0;
  if (!ctx || EVP_PKEY_derive_init(ctx.get()) <= 0 || EVP_PKEY_derive_set_peer(ctx.get(), peer.get()) <= 0 ||
      EVP_PKEY_derive(ctx.get(), nullptr, &len) <= 0) {
    fail("ECDH failed");
  }
  std::string secret(len, '\0');
  if (EVP_PKEY_derive(ctx.get(), reinterpret_cast<unsigned char*>(secret.data()), &len) <= 0) fail("ECDH failed");
  secret.resize(len);
  return secret;
}

std::string hmac_sha256(const std::string& key, const std::string& message) {
  std::array<unsigned char, 32> mac{};
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), bytes(message), message.size(), mac.data(), &len);
  return {reinterpret_cast<const char*>(mac.data()), len};
}

// HKDF-SHA256 (RFC 5869) for outputs of at most one hash length.
std::string hkdf(const std::string& salt, const std::string& ikm, const std::string& info, std::size_t length) {
  const auto prk = hmac_sha256(salt, ikm);
  return hmac_sha256(prk, info + '\x01').substr(0, length);
}

struct ContentKeys {
  std::string cek;    // 16 bytes
  std::string nonce;  // 12 bytes
};

// RFC 8291 §3.3–3.4 then RFC 8188 §2.2–2.3.
ContentKeys derive(const std::string& ecdh_secret, const std::string& auth_secret, const std::string& ua_public,
                   const std::string& as_public, const std::string& salt) {
  using namespace std::string_literals;
  const std::string key_info = "WebPush: info\0"s + ua_public + as_public;
  const auto ikm = hkdf(auth_secret, ecdh_secret, key_info, 32);
  return {hkdf(salt, ikm, "Content-Encoding: aes128gcm\0"s, 16), hkdf(salt, ikm, "Content-Encoding: nonce\0"s, 12)};
}

std::string random_bytes(std::size_t n) {
  std::string out(n, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n)) != 1) fail("no randomness");
  return out;
}

// ES256 signatures are r || s (32 bytes each, RFC 7518 §3.4); OpenSSL speaks DER.
std::string raw_signature(const std::string& der) {
  const unsigned char* p = bytes(der);
  Sig sig(d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der.size())));
  if (!sig) fail("cannot read the signature");
  const BIGNUM* r = nullptr;
  const BIGNUM* s = nullptr;
  ECDSA_SIG_get0(sig.get(), &r, &s);
  std::string out(64, '\0');
  auto* o = reinterpret_cast<unsigned char*>(out.data());
  if (BN_bn2binpad(r, o, 32) != 32 || BN_bn2binpad(s, o + 32, 32) != 32) fail("cannot encode the signature");
  return out;
}

std::optional<std::string> der_signature(const std::string& raw) {
  if (raw.size() != 64) return std::nullopt;
  Sig sig(ECDSA_SIG_new());
  BIGNUM* r = BN_bin2bn(bytes(raw), 32, nullptr);
  BIGNUM* s = BN_bin2bn(bytes(raw) + 32, 32, nullptr);
  if (!sig || !r || !s || ECDSA_SIG_set0(sig.get(), r, s) != 1) {
    BN_free(r);
    BN_free(s);
    return std::nullopt;
  }
  unsigned char* out = nullptr;
  const int len = i2d_ECDSA_SIG(sig.get(), &out);
  if (len <= 0) return std::nullopt;
  std::string der(reinterpret_cast<const char*>(out), static_cast<std::size_t>(len));
  OPENSSL_free(out);
  return der;
}

}  // namespace

std::string public_key_of(const std::string& private_key) {
  Bn d;
  return point_of(private_key, d);
}

bool valid_public_key(const std::string& public_key) {
  if (public_key.size() != kPublicBytes || public_key[0] != '\x04') return false;
  auto group = p256();
  Point p(EC_POINT_new(group.get()));
  return p && EC_POINT_oct2point(group.get(), p.get(), bytes(public_key), public_key.size(), nullptr) == 1 &&
         EC_POINT_is_on_curve(group.get(), p.get(), nullptr) == 1;
}

std::pair<std::string, std::string> generate_key_pair() {
  for (;;) {  // a random 32-byte string is ≥ the group order about once in 2^32 draws
    auto scalar = random_bytes(kPrivateBytes);
    try {
      auto pub = public_key_of(scalar);
      return {std::move(scalar), std::move(pub)};
    } catch (const std::invalid_argument&) {
    }
  }
}

std::string encrypt(const std::string& plaintext, const std::string& ua_public, const std::string& auth_secret,
                    const std::string& as_private, const std::string& salt) {
  if (plaintext.size() > kMaxPlaintext) fail("the message is larger than one 4096-byte record");
  if (salt.size() != 16) fail("the salt is 16 bytes");
  if (auth_secret.size() != 16) fail("the auth secret is 16 bytes");
  const auto as_public = public_key_of(as_private);
  const auto keys = derive(ecdh(as_private, ua_public), auth_secret, ua_public, as_public, salt);

  std::string body = salt;
  for (int shift = 24; shift >= 0; shift -= 8) body += static_cast<char>((kRecordSize >> shift) & 0xff);
  body += static_cast<char>(kPublicBytes);
  body += as_public;

  const std::string record = plaintext + '\x02';  // the last (and only) record's delimiter, no padding
  CipherCtx ctx(EVP_CIPHER_CTX_new());
  std::string out(record.size() + kTagBytes, '\0');
  auto* o = reinterpret_cast<unsigned char*>(out.data());
  int len = 0;
  int tail = 0;
  if (!ctx || EVP_EncryptInit_ex(ctx.get(), EVP_aes_128_gcm(), nullptr, nullptr, nullptr) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, 12, nullptr) != 1 ||
      EVP_EncryptInit_ex(ctx.get(), nullptr, nullptr, bytes(keys.cek), bytes(keys.nonce)) != 1 ||
      EVP_EncryptUpdate(ctx.get(), o, &len, bytes(record), static_cast<int>(record.size())) != 1 ||
      EVP_EncryptFinal_ex(ctx.get(), o + len, &tail) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTagBytes, o + record.size()) != 1) {
    fail("AES-128-GCM failed");
  }
  return body + out;
}

std::string encrypt(const std::string& plaintext, const std::string& ua_public, const std::string& auth_secret) {
  const auto [ephemeral, unused] = generate_key_pair();
  return encrypt(plaintext, ua_public, auth_secret, ephemeral, random_bytes(16));
}

std::optional<std::string> decrypt(const std::string& body, const std::string& ua_private,
                                   const std::string& auth_secret) {
  try {
    if (body.size() < kHeaderBytes + kTagBytes + 1) return std::nullopt;
    const auto salt = body.substr(0, 16);
    const auto idlen = static_cast<unsigned char>(body[20]);
    if (idlen != kPublicBytes) return std::nullopt;
    const auto as_public = body.substr(21, kPublicBytes);
    const auto ua_public = public_key_of(ua_private);
    const auto keys = derive(ecdh(ua_private, as_public), auth_secret, ua_public, as_public, salt);
    const std::string sealed = body.substr(kHeaderBytes);
    const std::size_t n = sealed.size() - kTagBytes;
    std::string plain(n, '\0');
    auto* p = reinterpret_cast<unsigned char*>(plain.data());
    std::string tag = sealed.substr(n);
    CipherCtx ctx(EVP_CIPHER_CTX_new());
    int len = 0;
    int tail = 0;
    if (!ctx || EVP_DecryptInit_ex(ctx.get(), EVP_aes_128_gcm(), nullptr, nullptr, nullptr) != 1 ||
        EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, 12, nullptr) != 1 ||
        EVP_DecryptInit_ex(ctx.get(), nullptr, nullptr, bytes(keys.cek), bytes(keys.nonce)) != 1 ||
        EVP_DecryptUpdate(ctx.get(), p, &len, bytes(sealed), static_cast<int>(n)) != 1 ||
        EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTagBytes, tag.data()) != 1 ||
        EVP_DecryptFinal_ex(ctx.get(), p + len, &tail) != 1) {
      return std::nullopt;
    }
    while (!plain.empty() && plain.back() == '\0') plain.pop_back();  // padding
    if (plain.empty() || plain.back() != '\x02') return std::nullopt;
    plain.pop_back();
    return plain;
  } catch (const std::invalid_argument&) {
    return std::nullopt;
  }
}

std::string vapid_token(const std::string& audience, std::int64_t exp_s, const std::string& subject,
                        const std::string& private_key) {
  const std::string header = base64url_encode(R"({"typ":"JWT","alg":"ES256"})");
  const std::string claims = base64url_encode(
      boost::json::serialize(boost::json::object{{"aud", audience}, {"exp", exp_s}, {"sub", subject}}));
  const std::string signing_input = header + "." + claims;
  auto key = private_pkey(private_key);
  MdCtx md(EVP_MD_CTX_new());
  std::size_t len = 0;
  if (!md || EVP_DigestSignInit(md.get(), nullptr, EVP_sha256(), nullptr, key.get()) != 1 ||
      EVP_DigestSign(md.get(), nullptr, &len, bytes(signing_input), signing_input.size()) != 1) {
    fail("ES256 signing failed");
  }
  std::string der(len, '\0');
  if (EVP_DigestSign(md.get(), reinterpret_cast<unsigned char*>(der.data()), &len, bytes(signing_input),
                     signing_input.size()) != 1) {
    fail("ES256 signing failed");
  }
  der.resize(len);
  return signing_input + "." + base64url_encode(raw_signature(der));
}

std::string vapid_authorization(const std::string& audience, std::int64_t exp_s, const std::string& subject,
                                const std::string& private_key) {
  return "vapid t=" + vapid_token(audience, exp_s, subject, private_key) +
         ", k=" + base64url_encode(public_key_of(private_key));
}

bool verify_vapid_token(const std::string& token, const std::string& public_key) {
  const auto dot = token.rfind('.');
  if (dot == std::string::npos) return false;
  const auto raw = base64url_decode(token.substr(dot + 1));
  if (!raw) return false;
  const auto der = der_signature(*raw);
  if (!der) return false;
  try {
    auto key = public_pkey(public_key);
    MdCtx md(EVP_MD_CTX_new());
    const std::string input = token.substr(0, dot);
    return md && EVP_DigestVerifyInit(md.get(), nullptr, EVP_sha256(), nullptr, key.get()) == 1 &&
           EVP_DigestVerify(md.get(), bytes(*der), der->size(), bytes(input), input.size()) == 1;
  } catch (const std::invalid_argument&) {
    return false;
  }
}

}  // namespace tc::alerts::web_push
