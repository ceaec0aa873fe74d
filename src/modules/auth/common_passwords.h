// The shipped list of common passwords (ASVS 5.0 V6.2.4), checked case-insensitively.
#pragma once

#include <cstddef>
#include <string_view>

namespace tc::auth {

bool is_common_password(std::string_view password);
std::size_t common_password_count();

namespace detail {
extern const char* const kCommonPasswords[];
extern const std::size_t kCommonPasswordChunks;
}  // namespace detail

}  // namespace tc::auth
