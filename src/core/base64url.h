// Base64url without padding (RFC 4648 §5), as JWS and JWK use it. Decoding is strict:
// padding, whitespace and characters outside the URL-safe alphabet are refused.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace tc {

std::string base64url_encode(std::string_view bytes);
std::optional<std::string> base64url_decode(std::string_view text);

}  // namespace tc
