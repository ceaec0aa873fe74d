// The chat module's interface to other modules: who may see a room. (The room
// channels themselves are served through the realtime module's ChannelOwner.)
#pragma once

#include <boost/asio/awaitable.hpp>

#include <string>

namespace tc::chat {

class RoomAccess {
 public:
  virtual ~RoomAccess() = default;
  // True when `user_id` is a member of room `room_id` (and so may read it).
  virtual boost::asio::awaitable<bool> is_member(std::string user_id, std::string room_id) = 0;
};

}  // namespace tc::chat
