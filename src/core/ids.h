// Random identifiers: request ids and opaque tokens.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace tc::ids {

// 128 random bits as 32 lowercase hex characters (from the OS CSPRNG).
std::string random_hex(std::size_t bytes = 16);

// True when a client-supplied request id is safe to echo and log:
// 1..128 characters of [A-Za-z0-9._:-].
bool is_valid_request_id(std::string_view id);

}  // namespace tc::ids
