// The signed-in user's account and profile: display name, bio, time zone (an IANA
// name), and an avatar image whose type is sniffed from its bytes (PNG, JPEG, GIF,
// WebP only; never SVG, which can carry script) within a size limit.
#pragma once

#include "modules/auth/auth.h"
#include "modules/auth/auth_context.h"

#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>

#include <optional>

namespace tc::auth {

inline constexpr std::size_t kMaxAvatarBytes = 512UL * 1024;

struct ProfileChange {
  std::optional<std::string> display_name;
  std::optional<std::string> bio;
  std::optional<std::string> timezone;
};

struct Avatar {
  std::string content_type;
  std::string bytes;
  std::string etag;
};

class ProfileService {
 public:
  explicit ProfileService(AuthContext& ctx) : ctx_(ctx) {}

  boost::asio::awaitable<boost::json::object> me(Principal who);
  boost::asio::awaitable<boost::json::object> update(Principal who, ProfileChange change, std::string ip);
  boost::asio::awaitable<void> set_avatar(Principal who, std::string bytes, std::string ip);
  boost::asio::awaitable<void> remove_avatar(Principal who, std::string ip);
  boost::asio::awaitable<std::optional<Avatar>> avatar(std::string user_id);

 private:
  AuthContext& ctx_;
};

// "image/png", "image/jpeg", "image/gif", "image/webp" from the leading bytes, else nullopt.
std::optional<std::string> sniff_image_type(std::string_view bytes);
// True for names like "Europe/London" that exist in the system's time-zone database.
bool known_timezone(std::string_view name);

}  // namespace tc::auth
