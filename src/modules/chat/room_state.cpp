#include "modules/chat/room_state.h"

#include "core/errors.h"
#include "modules/auth/permissions.h"
#include "modules/chat/message_text.h"

#include <boost/json/parse.hpp>

#include <algorithm>
#include <chrono>

namespace tc::chat::detail {

namespace json = boost::json;
using infra::store::Value;

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void check_id(const std::string& id, const char* what) {
  const bool ok = id.size() >= 16 && id.size() <= 32 && std::all_of(id.begin(), id.end(), [](char c) {
                    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
                  });
  if (!ok) throw errors::not_found(std::string("no such ") + what);
}

RoomState load_room(infra::store::Connection& c, const std::string& room_id, const auth::Principal& who) {
  check_id(room_id, "room");
  auto r = c.execute(
      "SELECT r.id, r.kind, r.name, r.topic, r.created_by, r.epoch, r.last_seq, r.created_at_ms, m.role, "
      "m.last_read_seq, m.muted_until_ms, (SELECT COUNT(*) FROM chat_bans b WHERE b.room_id = r.id AND b.user_id = ?2) "
      "FROM chat_rooms r LEFT JOIN chat_members m ON m.room_id = r.id AND m.user_id = ?2 WHERE r.id = ?1",
      std::vector<Value>{room_id, who.user_id});
  if (r.rows.empty()) throw errors::not_found("no such room");
  const auto& row = r.rows.front();
  RoomState s;
  s.id = row.text(0);
  s.kind = row.text(1);
  s.name = row.text(2);
  s.topic = row.text(3);
  s.created_by = row.text(4);
  s.epoch = row.text(5);
  s.last_seq = static_cast<std::uint64_t>(row.integer(6));
  s.created_at_ms = row.integer(7);
  if (!row.is_null(8)) {
    s.role = parse_room_role(row.text(8));
    s.last_read_seq = static_cast<std::uint64_t>(row.integer(9));
    s.muted_until_ms = row.integer(10);
  }
  s.banned = row.integer(11) > 0;
  s.site_moderator = auth::role_allows(who.role, auth::Permission::moderate_any_room);
  if (s.kind != "public" && !s.role && !s.site_moderator) throw errors::not_found("no such room");
  return s;
}

void require_reader(const RoomState& room) {
  if (!room.role && !room.site_moderator) throw errors::forbidden("join the room first");
}

void require_member(const RoomState& room) {
  if (!room.role) throw errors::forbidden("join the room first");
}

bool can_moderate(const RoomState& room) {
  return room.site_moderator || (room.role && *room.role != RoomRole::member);
}

void require_moderator(const RoomState& room) {
  if (!can_moderate(room)) throw errors::forbidden("this needs the room's moderator or owner role");
}

json::object room_json(const RoomState& room, std::int64_t unread) {
  json::object o{{"id", room.id},
                 {"kind", room.kind},
                 {"visibility", room.kind},
                 {"name", room.name},
                 {"topic", room.topic},
                 {"created_by", room.created_by},
                 {"created_at_ms", room.created_at_ms},
                 {"last_seq", room.last_seq},
                 {"channel", ChatService::channel_of(room.id)}};
  if (room.role) {
    o["role"] = room_role_name(*room.role);
    o["last_read_seq"] = room.last_read_seq;
    o["unread"] = unread;
    o["muted_until_ms"] = room.muted_until_ms;
  } else {
    o["role"] = nullptr;
  }
  return o;
}

json::object message_json(const infra::store::Row& row) {
  const bool deleted = !row.is_null(11);
  json::object m{{"type", "message"},
                 {"id", row.text(0)},
                 {"room_id", row.text(1)},
                 {"seq", row.integer(2)},
                 {"author", row.text(3)},
                 {"text", deleted ? std::string() : row.text(4)},
                 {"html", deleted ? std::string() : render_html(row.text(4))},
                 {"client_msg_id", row.is_null(5) ? json::value(nullptr) : json::value(row.text(5))},
                 {"reply_to", row.is_null(6) ? json::value(nullptr) : json::value(row.text(6))},
                 {"mentions", deleted ? json::value(json::array()) : json::parse(row.text(7))},
                 {"cashtags", deleted ? json::value(json::array()) : json::parse(row.text(8))},
                 {"created_at_ms", row.integer(9)},
                 {"edited_at_ms", row.is_null(10) ? json::value(nullptr) : json::value(row.integer(10))},
                 {"deleted", deleted},
                 {"pinned", row.integer(12) != 0}};
  return m;
}

std::vector<json::object> messages_json(const infra::store::Result& result) {
  std::vector<json::object> out;
  out.reserve(result.rows.size());
  for (const auto& row : result.rows) out.push_back(message_json(row));
  return out;
}

void attach_reactions(infra::store::Connection& c, std::vector<json::object>& messages) {
  if (messages.empty()) return;
  std::int64_t lo = INT64_MAX;
  std::int64_t hi = 0;
  for (const auto& m : messages) {
    lo = std::min(lo, m.at("seq").as_int64());
    hi = std::max(hi, m.at("seq").as_int64());
  }
  const std::string room(messages.front().at("room_id").as_string());
  auto r = c.execute(
      "SELECT x.message_id, x.emoji, COUNT(*) FROM chat_reactions x JOIN chat_messages m ON m.id = x.message_id "
      "WHERE m.room_id = ?1 AND m.seq >= ?2 AND m.seq <= ?3 GROUP BY x.message_id, x.emoji ORDER BY x.emoji",
      std::vector<Value>{room, lo, hi});
  for (auto& m : messages) {
    json::object counts;
    for (const auto& row : r.rows) {
      if (row.text(0) == m.at("id").as_string()) counts[row.text(1)] = row.integer(2);
    }
    m["reactions"] = std::move(counts);
  }
}

std::optional<json::object> find_message(infra::store::Connection& c, const std::string& room_id,
                                         const std::string& message_id) {
  check_id(message_id, "message");
  auto r = c.execute(std::string("SELECT ") + kMessageColumns + " FROM chat_messages WHERE room_id = ?1 AND id = ?2",
                     std::vector<Value>{room_id, message_id});
  if (r.rows.empty()) return std::nullopt;
  std::vector<json::object> one{message_json(r.rows.front())};
  attach_reactions(c, one);
  return std::move(one.front());
}

json::array to_array(std::vector<json::object> items) {
  json::array a;
  a.reserve(items.size());
  for (auto& i : items) a.push_back(std::move(i));
  return a;
}

}  // namespace tc::chat::detail
