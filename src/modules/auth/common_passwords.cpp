#include "modules/auth/common_passwords.h"

#include <algorithm>
#include <cctype>
#include <string>
#include <unordered_set>

namespace tc::auth {
namespace {

// Built once, immutable afterwards; views point into the static literals.
const std::unordered_set<std::string_view>& list() {
  static const std::unordered_set<std::string_view> set = [] {
    std::unordered_set<std::string_view> s;
    s.reserve(20000);
    for (std::size_t c = 0; c < detail::kCommonPasswordChunks; ++c) {
      std::string_view chunk(detail::kCommonPasswords[c]);
      std::size_t start = 0;
      while (start < chunk.size()) {
        auto nl = chunk.find('\n', start);
        if (nl == std::string_view::npos) nl = chunk.size();
        if (nl > start) s.insert(chunk.substr(start, nl - start));
        start = nl + 1;
      }
    }
    return s;
  }();
  return set;
}

}  // namespace

bool is_common_password(std::string_view password) {
  std::string lower(password);
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  return list().count(lower) > 0;
}

std::size_t common_password_count() { return list().size(); }

}  // namespace tc::auth
