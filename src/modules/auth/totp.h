// Time-based one-time passwords (RFC 6238: HMAC-SHA1, 6 digits, 30 s steps) through
// liboath, the otpauth:// enrolment URI, and its QR code as SVG (libqrencode).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tc::auth {

inline constexpr unsigned kTotpStepSeconds = 30;
inline constexpr unsigned kTotpDigits = 6;

// 20 random bytes (160 bits, RFC 4226's recommendation).
std::string new_totp_secret();
std::string base32_encode(std::string_view bytes);

// The time step a code belongs to when it matches within one step either side of
// `now_s`, or nullopt. Callers accept a step only if it is later than the last
// accepted step, so each code works once.
std::optional<std::int64_t> match_totp(std::string_view secret, std::string_view code, std::int64_t now_s);
std::string totp_at(std::string_view secret, std::int64_t time_s);

std::string otpauth_uri(std::string_view issuer, std::string_view account, std::string_view secret);
// A QR code of `text` as a standalone SVG document (error correction level M).
std::string qr_svg(std::string_view text);

}  // namespace tc::auth
