#include "modules/auth/totp.h"

#include <fmt/format.h>
#include <liboath/oath.h>
#include <qrencode.h>
#include <sodium.h>

#include <cstdlib>
#include <memory>
#include <stdexcept>

namespace tc::auth {
namespace {

void ensure_oath() {
  static const int rc = oath_init();  // idempotent library set-up, done once
  if (rc != OATH_OK) throw std::runtime_error("liboath failed to initialise");
}

std::string percent_encode(std::string_view s) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~')
      out.push_back(static_cast<char>(c));
    else
      out += fmt::format("%{:02X}", c);
  }
  return out;
}

}  // namespace

std::string new_totp_secret() {
  std::string s(20, '\0');
  randombytes_buf(s.data(), s.size());
  return s;
}

std::string base32_encode(std::string_view bytes) {
  ensure_oath();
  char* out = nullptr;
  std::size_t len = 0;
  if (oath_base32_encode(bytes.data(), bytes.size(), &out, &len) != OATH_OK) throw std::runtime_error("base32 failed");
  std::unique_ptr<char, decltype(&std::free)> owned(out, &std::free);
  std::string text(out, len);
  while (!text.empty() && text.back() == '=') text.pop_back();  // authenticator apps want no padding
  return text;
}

std::optional<std::int64_t> match_totp(std::string_view secret, std::string_view code, std::int64_t now_s) {
  if (code.size() != kTotpDigits) return std::nullopt;
  for (char c : code) {
    if (c < '0' || c > '9') return std::nullopt;
  }
  ensure_oath();
  std::string otp(code);
  int relative = 0;
  int rc = oath_totp_validate2(secret.data(), secret.size(), static_cast<time_t>(now_s), kTotpStepSeconds, 0, 1,
                               &relative, otp.c_str());
  if (rc < 0) return std::nullopt;
  return now_s / kTotpStepSeconds + relative;
}

std::string totp_at(std::string_view secret, std::int64_t time_s) {
  ensure_oath();
  char out[16] = {};
  if (oath_totp_generate(secret.data(), secret.size(), static_cast<time_t>(time_s), kTotpStepSeconds, 0, kTotpDigits,
                         out) != OATH_OK) {
    throw std::runtime_error("TOTP generation failed");
  }
  return out;
}

std::string otpauth_uri(std::string_view issuer, std::string_view account, std::string_view secret) {
  return fmt::format("otpauth://totp/{}:{}?secret={}&issuer={}&algorithm=SHA1&digits={}&period={}",
                     percent_encode(issuer), percent_encode(account), base32_encode(secret), percent_encode(issuer),
                     kTotpDigits, kTotpStepSeconds);
}

std::string qr_svg(std::string_view text) {
  std::string input(text);
  std::unique_ptr<QRcode, decltype(&QRcode_free)> qr(QRcode_encodeString(input.c_str(), 0, QR_ECLEVEL_M, QR_MODE_8, 1),
                                                     &QRcode_free);
  if (!qr) throw std::runtime_error("QR encoding failed");
  const int w = qr->width;
  const int quiet = 4;
  const int size = w + 2 * quiet;
  std::string path;
  for (int y = 0; y < w; ++y) {
    for (int x = 0; x < w;) {
      if (!(qr->data[y * w + x] & 1)) {
        ++x;
        continue;
      }
      int run = 1;
      while (x + run < w && (qr->data[y * w + x + run] & 1)) ++run;
      path += fmt::format("M{} {}h{}v1h-{}z", x + quiet, y + quiet, run, run);
      x += run;
    }
  }
  return fmt::format(R"(<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {0} {0}" shape-rendering="crispEdges">)"
                     R"(<rect width="{0}" height="{0}" fill="#fff"/><path fill="#000" d="{1}"/></svg>)",
                     size, path);
}

}  // namespace tc::auth
