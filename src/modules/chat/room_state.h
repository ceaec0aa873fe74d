// Shared by chat's service files: a room as one caller sees it, the access rules
// that follow from it, and the JSON shapes of rooms and messages. Blocking helpers
// that take a Connection run on the store's pool.
#pragma once

#include "infra/store/store.h"
#include "modules/auth/auth.h"
#include "modules/chat/chat_service.h"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace tc::chat::detail {

std::int64_t now_ms();

struct RoomState {
  std::string id;
  std::string kind;  // public, private, direct
  std::string name;
  std::string topic;
  std::string created_by;
  std::string epoch;
  std::uint64_t last_seq = 0;
  std::int64_t created_at_ms = 0;
  // The caller's standing in it.
  std::optional<RoomRole> role;  // nullopt: not a member
  std::uint64_t last_read_seq = 0;
  std::int64_t muted_until_ms = 0;
  bool banned = false;
  bool site_moderator = false;  // holds auth's moderate_any_room
};

// Room ids and message ids are 16 to 32 lowercase hex characters; anything else is
// a 404 without a query.
void check_id(const std::string& id, const char* what);

// The room as `who` sees it. 404 when it does not exist, and also when it is private
// or direct and `who` is neither a member nor a site moderator (existence is not
// revealed).
RoomState load_room(infra::store::Connection& c, const std::string& room_id, const auth::Principal& who);
// Reading and writing messages: members (and site moderators). A public room's
// non-member gets 403 "join the room first".
void require_reader(const RoomState& room);
void require_member(const RoomState& room);
bool can_moderate(const RoomState& room);
void require_moderator(const RoomState& room);

// The caller-independent part of a room, plus the caller's role and unread count.
boost::json::object room_json(const RoomState& room, std::int64_t unread);

// Messages: the SELECT list, and the JSON for one row read with it.
inline constexpr const char* kMessageColumns =
    "id, room_id, seq, author_id, text, client_msg_id, reply_to, mentions, cashtags, created_at_ms, edited_at_ms, "
    "deleted_at_ms, pinned";
boost::json::object message_json(const infra::store::Row& row);
std::vector<boost::json::object> messages_json(const infra::store::Result& result);
// Adds "reactions": {emoji: count} to each message of one room.
void attach_reactions(infra::store::Connection& c, std::vector<boost::json::object>& messages);
std::optional<boost::json::object> find_message(infra::store::Connection& c, const std::string& room_id,
                                                const std::string& message_id);
boost::json::array to_array(std::vector<boost::json::object> items);

}  // namespace tc::chat::detail
