// Chat's domain rules and storage: rooms, membership, room roles, messages and
// their read state. Every method checks who may do it (membership, room role, or the
// site-wide moderate_any_room permission) before touching anything. Blocking SQL runs
// only through the store's pool.
//
// Ordering: a message takes its room's next offset (chat_rooms.last_seq + 1) in the
// transaction that stores it, and is fanned out right after the commit while this
// instance still holds the room's lock, so one instance fans a room's messages out
// in offset order; other instances' messages are put in order by the hub.
#pragma once

#include "infra/store/store.h"
#include "modules/auth/auth.h"
#include "modules/chat/chat.h"
#include "modules/realtime/realtime.h"

#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>

#include <array>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace tc::chat {

enum class RoomRole { member, moderator, owner };
std::optional<RoomRole> parse_room_role(std::string_view name);
std::string_view room_role_name(RoomRole role);

struct NewMessage {
  std::string text;
  std::optional<std::string> client_msg_id;  // 1..64 chars; a retry returns the first message
  std::optional<std::string> reply_to;       // a message id in the same room
};

struct ListQuery {
  std::optional<std::string> cursor;
  std::size_t limit = 50;
};

inline constexpr std::size_t kMaxPageSize = 200;

class ChatService final : public RoomAccess, public RoomAssist {
 public:
  // `realtime` may be null (chat without fan-out, in tests); `users` may be null
  // (then invites and direct messages take user ids as given).
  ChatService(infra::store::Store& store, realtime::Realtime* realtime, auth::UserDirectory* users);

  // Rooms
  boost::asio::awaitable<boost::json::object> create_room(auth::Principal who, std::string name, std::string visibility,
                                                          std::string topic);
  boost::asio::awaitable<boost::json::object> open_direct(auth::Principal who, std::string other_user_id);
  boost::asio::awaitable<boost::json::object> list_rooms(auth::Principal who, ListQuery query);
  boost::asio::awaitable<boost::json::object> get_room(auth::Principal who, std::string room_id);
  boost::asio::awaitable<boost::json::object> join(auth::Principal who, std::string room_id);
  boost::asio::awaitable<void> leave(auth::Principal who, std::string room_id);

  // Membership and moderation
  boost::asio::awaitable<boost::json::object> members(auth::Principal who, std::string room_id, ListQuery query);
  // `user` is a user id, or a username when the user directory knows it.
  boost::asio::awaitable<boost::json::object> invite(auth::Principal who, std::string room_id, std::string user);
  boost::asio::awaitable<void> kick(auth::Principal who, std::string room_id, std::string user_id);
  boost::asio::awaitable<void> ban(auth::Principal who, std::string room_id, std::string user_id, bool banned);
  boost::asio::awaitable<boost::json::object> mute(auth::Principal who, std::string room_id, std::string user_id,
                                                   std::int64_t seconds);
  boost::asio::awaitable<boost::json::object> set_role(auth::Principal who, std::string room_id, std::string user_id,
                                                       RoomRole role);

  // Messages
  boost::asio::awaitable<boost::json::object> send(auth::Principal who, std::string room_id, NewMessage message);
  boost::asio::awaitable<boost::json::object> history(auth::Principal who, std::string room_id, ListQuery query);
  boost::asio::awaitable<boost::json::object> get_message(auth::Principal who, std::string room_id,
                                                          std::string message_id);
  boost::asio::awaitable<boost::json::object> thread(auth::Principal who, std::string room_id, std::string message_id);
  boost::asio::awaitable<boost::json::object> edit(auth::Principal who, std::string room_id, std::string message_id,
                                                   std::string text);
  boost::asio::awaitable<boost::json::object> edits(auth::Principal who, std::string room_id, std::string message_id);
  boost::asio::awaitable<void> remove(auth::Principal who, std::string room_id, std::string message_id);
  boost::asio::awaitable<boost::json::object> react(auth::Principal who, std::string room_id, std::string message_id,
                                                    std::string emoji, bool add);
  boost::asio::awaitable<boost::json::object> pin(auth::Principal who, std::string room_id, std::string message_id,
                                                  bool pinned);
  boost::asio::awaitable<boost::json::object> pins(auth::Principal who, std::string room_id);
  boost::asio::awaitable<boost::json::object> mark_read(auth::Principal who, std::string room_id, std::uint64_t seq);
  boost::asio::awaitable<boost::json::object> search(auth::Principal who, std::string room_id, std::string query,
                                                     std::size_t limit);
  boost::asio::awaitable<void> typing(auth::Principal who, std::string room_id);

  // For the room channel: the stream position a member subscribes at (404/403 like
  // the REST reads), and the persisted stream itself.
  boost::asio::awaitable<realtime::StreamPosition> subscribe_position(auth::Principal who, std::string room_id);
  boost::asio::awaitable<std::vector<realtime::StoredPublication>> read_stream(std::string room_id,
                                                                               realtime::StreamQuery query);

  boost::asio::awaitable<bool> is_member(std::string user_id, std::string room_id) override;

  // RoomAssist (room_assist.cpp): what the ai module may ask of chat.
  boost::asio::awaitable<boost::json::array> search_messages(auth::Principal who, std::string text,
                                                             std::size_t limit) override;
  boost::asio::awaitable<boost::json::array> recent_messages(auth::Principal who, std::string room_id,
                                                             std::size_t limit) override;
  boost::asio::awaitable<bool> can_moderate(auth::Principal who, std::string room_id) override;
  boost::asio::awaitable<boost::json::object> post_as_bot(std::string bot_id, std::string room_id, std::string text,
                                                          std::optional<std::string> reply_to) override;
  void add_message_observer(MessageObserver observer) override;

  static std::string channel_of(const std::string& room_id) { return "room:" + room_id; }

 private:
  std::mutex& room_lock(const std::string& room_id);
  boost::asio::awaitable<std::string> resolve_user(std::string user);
  void notify_observers(const auth::Principal& author, const boost::json::object& message);
  void fan_out_event(const std::string& room_id, const boost::json::object& event, bool droppable = false);

  infra::store::Store& store_;
  realtime::Realtime* realtime_;
  auth::UserDirectory* users_;
  std::array<std::mutex, 64> room_locks_;  // striped by room id; held from commit to fan-out
  std::mutex observers_mutex_;
  std::vector<MessageObserver> observers_;
};

}  // namespace tc::chat
