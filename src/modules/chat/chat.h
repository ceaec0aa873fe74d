// The chat module's interface to other modules: who may see a room, and what the
// assistant (the ai module) may ask of chat — always on behalf of a user, with
// chat's own rules deciding. (The room channels themselves are served through the
// realtime module's ChannelOwner.) Chat depends on nobody here: the ai module calls
// in and registers an observer; chat never includes it.
#pragma once

#include "modules/auth/auth.h"

#include <boost/asio/awaitable.hpp>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <functional>
#include <optional>
#include <string>

namespace tc::chat {

class RoomAccess {
 public:
  virtual ~RoomAccess() = default;
  // True when `user_id` is a member of room `room_id` (and so may read it).
  virtual boost::asio::awaitable<bool> is_member(std::string user_id, std::string room_id) = 0;
};

// Offered as `tc::chat::RoomAssist` through the ServiceRegistry.
class RoomAssist {
 public:
  virtual ~RoomAssist() = default;
  // Messages containing `text` (case-insensitive for ASCII) in the rooms `who` may
  // read as a member, newest first, each with "room_name".
  virtual boost::asio::awaitable<boost::json::array> search_messages(auth::Principal who, std::string text,
                                                                     std::size_t limit) = 0;
  // The newest `limit` messages of a room, oldest first, if `who` may read it
  // (404 / 403 exactly as GET /rooms/{id}/messages).
  virtual boost::asio::awaitable<boost::json::array> recent_messages(auth::Principal who, std::string room_id,
                                                                     std::size_t limit) = 0;
  // True when `who` moderates the room (room owner or moderator, or a site
  // moderator); 404 when they cannot see it.
  virtual boost::asio::awaitable<bool> can_moderate(auth::Principal who, std::string room_id) = 0;
  // Stores and fans out a message authored by a bot identity (e.g. "ai"), which
  // need not be a member; `reply_to` must be a message of the room.
  virtual boost::asio::awaitable<boost::json::object> post_as_bot(std::string bot_id, std::string room_id,
                                                                  std::string text,
                                                                  std::optional<std::string> reply_to) = 0;
  // Called after each message a user sent is stored and fanned out (not for bot
  // messages). Runs on the sender's request path: it must only schedule work.
  using MessageObserver = std::function<void(const auth::Principal& author, const boost::json::object& message)>;
  virtual void add_message_observer(MessageObserver observer) = 0;
};

}  // namespace tc::chat
