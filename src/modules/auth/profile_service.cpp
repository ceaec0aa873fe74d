#include "modules/auth/profile_service.h"

#include "core/errors.h"

#include <algorithm>
#include <filesystem>

namespace tc::auth {
namespace {

using infra::store::Blob;
using infra::store::Connection;
using infra::store::Value;

// Printable text only: no control characters (bio may keep newlines), valid UTF-8 is
// left to the JSON parser, which rejects invalid sequences.
void check_text(const std::string& field, const std::string& v, std::size_t max, bool newlines) {
  if (v.size() > max)
    throw errors::validation("field \"" + field + "\" is longer than " + std::to_string(max) + " bytes");
  for (unsigned char c : v) {
    if ((c < 0x20 && !(newlines && c == '\n')) || c == 0x7f) {
      throw errors::validation("field \"" + field + "\" contains a control character");
    }
  }
}

}  // namespace

std::optional<std::string> sniff_image_type(std::string_view b) {
  auto starts = [b](std::string_view p) { return b.size() >= p.size() && b.substr(0, p.size()) == p; };
  if (starts("\x89PNG\r\n\x1a\n")) return "image/png";
  if (starts("\xff\xd8\xff")) return "image/jpeg";
  if (starts("GIF87a") || starts("GIF89a")) return "image/gif";
  if (b.size() >= 12 && starts("RIFF") && b.substr(8, 4) == "WEBP") return "image/webp";
  return std::nullopt;
}

bool known_timezone(std::string_view name) {
  if (name == "UTC") return true;
  if (name.empty() || name.size() > 64 || name.front() == '/' || name.find("..") != std::string_view::npos)
    return false;
  if (!std::all_of(name.begin(), name.end(),
                   [](unsigned char c) { return std::isalnum(c) || c == '/' || c == '_' || c == '-' || c == '+'; })) {
    return false;
  }
  std::error_code ec;
  return std::filesystem::is_regular_file(std::filesystem::path("/usr/share/zoneinfo") / std::string(name), ec);
}

boost::asio::awaitable<boost::json::object> ProfileService::me(Principal who) {
  auto load = [who](Connection& c) {
    return c.execute(
        "SELECT u.id, u.username, u.email_sealed, u.role, u.created_at_ms, u.display_name, u.bio, u.timezone, "
        "u.mfa_enabled, a.etag FROM auth_users u LEFT JOIN auth_avatars a ON a.user_id = u.id WHERE u.id = ?1",
        std::vector<Value>{who.user_id});
  };
  auto rows = co_await ctx_.store.with_connection(std::move(load));
  if (rows.rows.empty()) throw errors::unauthorized("the account no longer exists");
  const auto& r = rows.rows[0];
  auto email = ctx_.pii.decrypt(r.text(2), "auth_users.email:" + r.text(0));
  boost::json::value avatar = nullptr;
  if (!r.is_null(9)) avatar = "/api/v1/users/" + r.text(0) + "/avatar?v=" + r.text(9);
  co_return boost::json::object{
      {"id", r.text(0)},     {"username", r.text(1)},         {"email", email ? *email : std::string()},
      {"role", r.text(3)},   {"created_at_ms", r.integer(4)}, {"display_name", r.text(5)},
      {"bio", r.text(6)},    {"timezone", r.text(7)},         {"mfa_enabled", r.boolean(8)},
      {"avatar_url", avatar}};
}

boost::asio::awaitable<boost::json::object> ProfileService::update(Principal who, ProfileChange change,
                                                                   std::string ip) {
  if (change.display_name) check_text("display_name", *change.display_name, 64, false);
  if (change.bio) check_text("bio", *change.bio, 1000, true);
  if (change.timezone && !known_timezone(*change.timezone)) {
    throw errors::validation("field \"timezone\" must be an IANA time zone such as \"Europe/London\" or \"UTC\"");
  }
  auto apply = [&](Connection& c) {
    boost::json::array fields;
    auto set = [&](const char* column, const std::optional<std::string>& v) {
      if (!v) return;
      // `column` is one of three literals above, never input.
      c.execute(std::string("UPDATE auth_users SET ") + column + " = ?1 WHERE id = ?2",
                std::vector<Value>{*v, who.user_id});
      fields.push_back(boost::json::string(column));
    };
    set("display_name", change.display_name);
    set("bio", change.bio);
    set("timezone", change.timezone);
    ctx_.audit.append(c, {.action = "auth.profile.updated",
                          .actor_id = who.user_id,
                          .target_id = who.user_id,
                          .ip = ip,
                          .details = {{"fields", std::move(fields)}}});
  };
  co_await ctx_.store.transaction(std::move(apply));
  co_return co_await me(who);
}

boost::asio::awaitable<void> ProfileService::set_avatar(Principal who, std::string bytes, std::string ip) {
  if (bytes.size() > kMaxAvatarBytes) throw errors::payload_too_large("an avatar may be at most 512 KiB");
  auto type = sniff_image_type(bytes);
  if (!type) throw errors::unsupported_media_type("an avatar must be a PNG, JPEG, GIF or WebP image");
  const std::string etag = sha256_hex(bytes).substr(0, 16);
  auto store = [&](Connection& c) {
    c.execute("DELETE FROM auth_avatars WHERE user_id = ?1", std::vector<Value>{who.user_id});
    c.execute(
        "INSERT INTO auth_avatars (user_id, content_type, image, etag, updated_at_ms) VALUES (?1, ?2, ?3, ?4, ?5)",
        std::vector<Value>{who.user_id, *type, Blob{bytes}, etag, now_ms()});
    ctx_.audit.append(c, {.action = "auth.avatar.updated",
                          .actor_id = who.user_id,
                          .target_id = who.user_id,
                          .ip = ip,
                          .details = {{"content_type", *type}, {"bytes", bytes.size()}}});
  };
  co_await ctx_.store.transaction(std::move(store));
}

boost::asio::awaitable<void> ProfileService::remove_avatar(Principal who, std::string ip) {
  auto remove = [&](Connection& c) {
    c.execute("DELETE FROM auth_avatars WHERE user_id = ?1", std::vector<Value>{who.user_id});
    ctx_.audit.append(c,
                      {.action = "auth.avatar.removed", .actor_id = who.user_id, .target_id = who.user_id, .ip = ip});
  };
  co_await ctx_.store.transaction(std::move(remove));
}

boost::asio::awaitable<std::optional<Avatar>> ProfileService::avatar(std::string user_id) {
  auto load = [user_id](Connection& c) {
    return c.execute("SELECT content_type, image, etag FROM auth_avatars WHERE user_id = ?1",
                     std::vector<Value>{user_id});
  };
  auto rows = co_await ctx_.store.with_connection(std::move(load));
  if (rows.rows.empty()) co_return std::nullopt;
  co_return Avatar{rows.rows[0].text(0), rows.rows[0].blob(1), rows.rows[0].text(2)};
}

}  // namespace tc::auth
