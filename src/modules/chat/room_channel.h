// The `room:<id>` namespace of the realtime module, owned by chat: members subscribe
// (with presence, join/leave and a persisted, recoverable stream), and a client's
// publication {"text","client_msg_id","reply_to"} is a message sent through
// ChatService::send — stored, then fanned out at its room offset.
#pragma once

#include "modules/chat/chat_service.h"
#include "modules/realtime/realtime.h"

namespace tc::chat {

class RoomChannel final : public realtime::ChannelOwner {
 public:
  explicit RoomChannel(ChatService& chat) : chat_(chat) {}

  boost::asio::awaitable<realtime::SubscribeGrant> authorize_subscribe(realtime::Principal who,
                                                                       std::string channel) override;
  boost::asio::awaitable<boost::json::value> accept_publication(realtime::Principal who, std::string channel,
                                                                boost::json::value data) override;
  bool publishes_itself() const override { return true; }
  boost::asio::awaitable<std::vector<realtime::StoredPublication>> read_stream(std::string channel,
                                                                               realtime::StreamQuery query) override;

  // The `typing` rpc: {"room": "<id>"} → a droppable {"type":"typing"} event in the room.
  boost::asio::awaitable<boost::json::value> typing(realtime::Principal who, boost::json::value data);

  // "room:<id>" → "<id>"; 404 for anything else.
  static std::string room_of(const std::string& channel);

 private:
  ChatService& chat_;
};

}  // namespace tc::chat
