// Rooms and membership. (Messages are in chat_messages.cpp.)
#include "modules/chat/chat_service.h"

#include "core/errors.h"
#include "core/ids.h"
#include "modules/chat/room_state.h"

#include <boost/json/array.hpp>

#include <functional>

namespace tc::chat {

namespace json = boost::json;
using detail::load_room;
using detail::now_ms;
using detail::RoomState;
using infra::store::Connection;
using infra::store::Value;

namespace {

int rank(RoomRole r) { return static_cast<int>(r); }

json::object member_json(const infra::store::Row& row) {
  return {{"user_id", row.text(0)},
          {"role", row.text(1)},
          {"joined_at_ms", row.integer(2)},
          {"muted_until_ms", row.integer(3)}};
}

std::optional<RoomRole> member_role(Connection& c, const std::string& room_id, const std::string& user_id) {
  auto r = c.execute("SELECT role FROM chat_members WHERE room_id = ?1 AND user_id = ?2",
                     std::vector<Value>{room_id, user_id});
  if (r.rows.empty()) return std::nullopt;
  return parse_room_role(r.rows.front().text(0));
}

// Moderation of `target` by the caller: a room moderator acts on members only, the
// owner on everyone else, a site moderator on everyone but the owner.
RoomRole require_can_act_on(Connection& c, const RoomState& room, const auth::Principal& who,
                            const std::string& target) {
  detail::require_moderator(room);
  if (room.kind == "direct") throw errors::conflict("direct rooms have exactly their two members");
  if (target == who.user_id) throw errors::validation("you cannot do this to yourself");
  auto role = member_role(c, room.id, target);
  const RoomRole target_role = role.value_or(RoomRole::member);
  if (target_role == RoomRole::owner) throw errors::forbidden("the room's owner cannot be moderated");
  const bool outranks = room.site_moderator || (room.role && rank(*room.role) > rank(target_role));
  if (!outranks) throw errors::forbidden("a moderator can only act on members");
  return target_role;
}

}  // namespace

std::optional<RoomRole> parse_room_role(std::string_view name) {
  if (name == "member") return RoomRole::member;
  if (name == "moderator") return RoomRole::moderator;
  if (name == "owner") return RoomRole::owner;
  return std::nullopt;
}

std::string_view room_role_name(RoomRole role) {
  switch (role) {
    case RoomRole::member: return "member";
    case RoomRole::moderator: return "moderator";
    case RoomRole::owner: return "owner";
  }
  return "member";
}

ChatService::ChatService(infra::store::Store& store, realtime::Realtime* realtime, auth::UserDirectory* users)
    : store_(store), realtime_(realtime), users_(users) {}

std::mutex& ChatService::room_lock(const std::string& room_id) {
  return room_locks_[std::hash<std::string>{}(room_id) % room_locks_.size()];
}

void ChatService::fan_out_event(const std::string& room_id, const json::object& event, bool droppable) {
  if (realtime_) realtime_->broadcast(channel_of(room_id), event, droppable);
}

boost::asio::awaitable<std::string> ChatService::resolve_user(std::string user) {
  if (user.empty() || user.size() > 64) throw errors::not_found("no such user");
  if (!users_) co_return user;
  // Named locals: g++ 12 miscompiles braced lists inside a co_await expression.
  std::vector<std::string> ids{user};
  std::vector<std::string> names{user};
  auto found = co_await users_->find_users(std::move(ids), std::move(names));
  if (found.empty()) throw errors::not_found("no such user");
  // An id match wins over a username match.
  for (const auto& u : found) {
    if (u.id == user) co_return u.id;
  }
  co_return found.front().id;
}

boost::asio::awaitable<json::object> ChatService::create_room(auth::Principal who, std::string name,
                                                              std::string visibility, std::string topic) {
  if (visibility != "public" && visibility != "private") {
    throw errors::validation("field \"visibility\" must be \"public\" or \"private\"");
  }
  auto create = [who, name, visibility, topic](Connection& c) {
    RoomState s;
    s.id = ids::random_hex(8);
    s.kind = visibility;
    s.name = name;
    s.topic = topic;
    s.created_by = who.user_id;
    s.epoch = ids::random_hex(4);
    s.created_at_ms = now_ms();
    s.role = RoomRole::owner;
    c.execute(
        "INSERT INTO chat_rooms (id, kind, name, topic, created_by, epoch, last_seq, created_at_ms) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, 0, ?7)",
        std::vector<Value>{s.id, s.kind, s.name, s.topic, s.created_by, s.epoch, s.created_at_ms});
    c.execute("INSERT INTO chat_members (room_id, user_id, role, joined_at_ms) VALUES (?1, ?2, 'owner', ?3)",
              std::vector<Value>{s.id, who.user_id, s.created_at_ms});
    return detail::room_json(s, 0);
  };
  co_return co_await store_.transaction(std::move(create));
}

boost::asio::awaitable<json::object> ChatService::open_direct(auth::Principal who, std::string other) {
  other = co_await resolve_user(std::move(other));
  if (other == who.user_id) throw errors::validation("a direct room needs another user");
  const std::string key = std::min(other, who.user_id) + "|" + std::max(other, who.user_id);
  auto open = [who, other, key](Connection& c) {
    auto found = c.execute("SELECT id FROM chat_rooms WHERE direct_key = ?1", std::vector<Value>{key});
    std::string id;
    if (!found.rows.empty()) {
      id = found.rows.front().text(0);
    } else {
      id = ids::random_hex(8);
      const auto now = now_ms();
      c.execute(
          "INSERT INTO chat_rooms (id, kind, name, topic, created_by, direct_key, epoch, last_seq, created_at_ms) "
          "VALUES (?1, 'direct', '', '', ?2, ?3, ?4, 0, ?5)",
          std::vector<Value>{id, who.user_id, key, ids::random_hex(4), now});
      for (const auto& u : {who.user_id, other}) {
        c.execute("INSERT INTO chat_members (room_id, user_id, role, joined_at_ms) VALUES (?1, ?2, 'member', ?3)",
                  std::vector<Value>{id, u, now});
      }
    }
    auto room = load_room(c, id, who);
    auto o = detail::room_json(room, 0);
    o["direct_with"] = other;
    return o;
  };
  co_return co_await store_.transaction(std::move(open));
}

boost::asio::awaitable<json::object> ChatService::list_rooms(auth::Principal who, ListQuery q) {
  const std::string after = q.cursor.value_or("");
  if (after.size() > 32) throw errors::validation("query parameter \"cursor\" is not a cursor from this list");
  auto list = [who, after, limit = q.limit](Connection& c) {
    auto r = c.execute(
        "SELECT r.id, r.kind, r.name, r.topic, r.created_by, r.epoch, r.last_seq, r.created_at_ms, m.role, "
        "m.last_read_seq, m.muted_until_ms, (SELECT COUNT(*) FROM chat_messages x WHERE x.room_id = r.id AND x.seq > "
        "m.last_read_seq AND x.author_id <> m.user_id AND x.deleted_at_ms IS NULL) "
        "FROM chat_members m JOIN chat_rooms r ON r.id = m.room_id WHERE m.user_id = ?1 AND r.id > ?2 "
        "ORDER BY r.id LIMIT ?3",
        std::vector<Value>{who.user_id, after, static_cast<std::int64_t>(limit + 1)});
    json::array items;
    for (std::size_t i = 0; i < r.rows.size() && i < limit; ++i) {
      const auto& row = r.rows[i];
      RoomState s;
      s.id = row.text(0);
      s.kind = row.text(1);
      s.name = row.text(2);
      s.topic = row.text(3);
      s.created_by = row.text(4);
      s.last_seq = static_cast<std::uint64_t>(row.integer(6));
      s.created_at_ms = row.integer(7);
      s.role = parse_room_role(row.text(8));
      s.last_read_seq = static_cast<std::uint64_t>(row.integer(9));
      s.muted_until_ms = row.integer(10);
      items.push_back(detail::room_json(s, row.integer(11)));
    }
    json::value next = nullptr;
    if (r.rows.size() > limit && !items.empty()) next = items.back().as_object().at("id");
    return json::object{{"items", std::move(items)}, {"next_cursor", next}};
  };
  co_return co_await store_.with_connection(std::move(list));
}

boost::asio::awaitable<json::object> ChatService::get_room(auth::Principal who, std::string room_id) {
  auto get = [who, room_id](Connection& c) {
    auto room = load_room(c, room_id, who);
    std::int64_t unread = 0;
    if (room.role) {
      auto r = c.execute(
          "SELECT COUNT(*) FROM chat_messages WHERE room_id = ?1 AND seq > ?2 AND author_id <> ?3 AND deleted_at_ms "
          "IS NULL",
          std::vector<Value>{room.id, static_cast<std::int64_t>(room.last_read_seq), who.user_id});
      unread = r.rows.front().integer(0);
    }
    auto members = c.execute("SELECT COUNT(*) FROM chat_members WHERE room_id = ?1", std::vector<Value>{room.id});
    auto o = detail::room_json(room, unread);
    o["member_count"] = members.rows.front().integer(0);
    return o;
  };
  co_return co_await store_.with_connection(std::move(get));
}

boost::asio::awaitable<json::object> ChatService::join(auth::Principal who, std::string room_id) {
  auto join = [who, room_id](Connection& c) {
    auto room = load_room(c, room_id, who);
    if (room.role) return detail::room_json(room, 0);  // already in: joining again changes nothing
    if (room.kind != "public") throw errors::forbidden("this room is invite-only");
    if (room.banned) throw errors::forbidden("you are banned from this room");
    c.execute(
        "INSERT INTO chat_members (room_id, user_id, role, joined_at_ms, last_read_seq) VALUES (?1, ?2, 'member', ?3, "
        "?4)",
        std::vector<Value>{room.id, who.user_id, now_ms(), static_cast<std::int64_t>(room.last_seq)});
    room.role = RoomRole::member;
    room.last_read_seq = room.last_seq;
    return detail::room_json(room, 0);
  };
  auto out = co_await store_.transaction(std::move(join));
  fan_out_event(room_id, {{"type", "member.joined"}, {"user_id", who.user_id}});
  co_return out;
}

boost::asio::awaitable<void> ChatService::leave(auth::Principal who, std::string room_id) {
  auto leave = [who, room_id](Connection& c) {
    auto room = load_room(c, room_id, who);
    detail::require_member(room);
    if (room.kind == "direct") throw errors::conflict("direct rooms cannot be left");
    if (room.role == RoomRole::owner) {
      throw errors::conflict("the owner cannot leave; make another member the owner first");
    }
    c.execute("DELETE FROM chat_members WHERE room_id = ?1 AND user_id = ?2", std::vector<Value>{room.id, who.user_id});
  };
  co_await store_.transaction(std::move(leave));
  if (realtime_) realtime_->unsubscribe_user(channel_of(room_id), who.user_id);
  fan_out_event(room_id, {{"type", "member.left"}, {"user_id", who.user_id}});
}

boost::asio::awaitable<json::object> ChatService::members(auth::Principal who, std::string room_id, ListQuery q) {
  const std::string after = q.cursor.value_or("");
  if (after.size() > 64) throw errors::validation("query parameter \"cursor\" is not a cursor from this list");
  auto list = [who, room_id, after, limit = q.limit](Connection& c) {
    auto room = load_room(c, room_id, who);
    detail::require_reader(room);
    auto r = c.execute(
        "SELECT user_id, role, joined_at_ms, muted_until_ms FROM chat_members WHERE room_id = ?1 AND user_id > ?2 "
        "ORDER BY user_id LIMIT ?3",
        std::vector<Value>{room.id, after, static_cast<std::int64_t>(limit + 1)});
    json::array items;
    for (std::size_t i = 0; i < r.rows.size() && i < limit; ++i) items.push_back(member_json(r.rows[i]));
    json::value next = nullptr;
    if (r.rows.size() > limit && !items.empty()) next = items.back().as_object().at("user_id");
    return json::object{{"items", std::move(items)}, {"next_cursor", next}};
  };
  co_return co_await store_.with_connection(std::move(list));
}

boost::asio::awaitable<json::object> ChatService::invite(auth::Principal who, std::string room_id, std::string user) {
  // The room is checked first, so a stranger learns nothing about users from it.
  auto check = [who, room_id](Connection& c) {
    auto room = load_room(c, room_id, who);
    detail::require_member(room);
    if (room.kind == "direct") throw errors::conflict("direct rooms have exactly their two members");
    if (room.kind == "private") detail::require_moderator(room);
  };
  co_await store_.with_connection(std::move(check));
  const std::string target = co_await resolve_user(std::move(user));
  auto add = [who, room_id, target](Connection& c) {
    auto room = load_room(c, room_id, who);
    auto banned = c.execute("SELECT COUNT(*) FROM chat_bans WHERE room_id = ?1 AND user_id = ?2",
                            std::vector<Value>{room.id, target});
    if (banned.rows.front().integer(0) > 0) throw errors::conflict("this user is banned from the room; unban first");
    if (!member_role(c, room.id, target)) {
      c.execute(
          "INSERT INTO chat_members (room_id, user_id, role, joined_at_ms, last_read_seq) VALUES (?1, ?2, 'member', "
          "?3, ?4)",
          std::vector<Value>{room.id, target, now_ms(), static_cast<std::int64_t>(room.last_seq)});
    }
    auto r = c.execute(
        "SELECT user_id, role, joined_at_ms, muted_until_ms FROM chat_members WHERE room_id = ?1 AND "
        "user_id = ?2",
        std::vector<Value>{room.id, target});
    return member_json(r.rows.front());
  };
  auto member = co_await store_.transaction(std::move(add));
  fan_out_event(room_id, {{"type", "member.joined"}, {"user_id", target}, {"invited_by", who.user_id}});
  co_return member;
}

boost::asio::awaitable<void> ChatService::kick(auth::Principal who, std::string room_id, std::string user_id) {
  auto kick = [who, room_id, user_id](Connection& c) {
    auto room = load_room(c, room_id, who);
    require_can_act_on(c, room, who, user_id);
    auto r =
        c.execute("DELETE FROM chat_members WHERE room_id = ?1 AND user_id = ?2", std::vector<Value>{room.id, user_id});
    if (r.affected == 0) throw errors::not_found("no such member");
  };
  co_await store_.transaction(std::move(kick));
  if (realtime_) realtime_->unsubscribe_user(channel_of(room_id), user_id);
  fan_out_event(room_id, {{"type", "member.removed"}, {"user_id", user_id}, {"by", who.user_id}});
}

boost::asio::awaitable<void> ChatService::ban(auth::Principal who, std::string room_id, std::string user_id,
                                              bool banned) {
  if (user_id.empty() || user_id.size() > 64) throw errors::not_found("no such user");
  auto ban = [who, room_id, user_id, banned](Connection& c) {
    auto room = load_room(c, room_id, who);
    require_can_act_on(c, room, who, user_id);
    if (!banned) {
      c.execute("DELETE FROM chat_bans WHERE room_id = ?1 AND user_id = ?2", std::vector<Value>{room.id, user_id});
      return;
    }
    c.execute(
        "INSERT INTO chat_bans (room_id, user_id, banned_by, created_at_ms) VALUES (?1, ?2, ?3, ?4) "
        "ON CONFLICT DO NOTHING",
        std::vector<Value>{room.id, user_id, who.user_id, now_ms()});
    c.execute("DELETE FROM chat_members WHERE room_id = ?1 AND user_id = ?2", std::vector<Value>{room.id, user_id});
  };
  co_await store_.transaction(std::move(ban));
  if (!banned) co_return;
  if (realtime_) realtime_->unsubscribe_user(channel_of(room_id), user_id);
  fan_out_event(room_id, {{"type", "member.banned"}, {"user_id", user_id}, {"by", who.user_id}});
}

boost::asio::awaitable<json::object> ChatService::mute(auth::Principal who, std::string room_id, std::string user_id,
                                                       std::int64_t seconds) {
  if (seconds < 0 || seconds > 30LL * 24 * 3600) {
    throw errors::validation("field \"seconds\" must be 0 (unmute) to 2592000 (30 days)");
  }
  auto mute = [who, room_id, user_id, seconds](Connection& c) {
    auto room = load_room(c, room_id, who);
    require_can_act_on(c, room, who, user_id);
    const std::int64_t until = seconds == 0 ? 0 : now_ms() + seconds * 1000;
    auto r = c.execute("UPDATE chat_members SET muted_until_ms = ?3 WHERE room_id = ?1 AND user_id = ?2",
                       std::vector<Value>{room.id, user_id, until});
    if (r.affected == 0) throw errors::not_found("no such member");
    auto m = c.execute(
        "SELECT user_id, role, joined_at_ms, muted_until_ms FROM chat_members WHERE room_id = ?1 AND "
        "user_id = ?2",
        std::vector<Value>{room.id, user_id});
    return member_json(m.rows.front());
  };
  auto member = co_await store_.transaction(std::move(mute));
  fan_out_event(room_id,
                {{"type", "member.muted"}, {"user_id", user_id}, {"muted_until_ms", member.at("muted_until_ms")}});
  co_return member;
}

boost::asio::awaitable<json::object> ChatService::set_role(auth::Principal who, std::string room_id,
                                                           std::string user_id, RoomRole role) {
  auto change = [who, room_id, user_id, role](Connection& c) {
    auto room = load_room(c, room_id, who);
    if (room.role != RoomRole::owner) throw errors::forbidden("only the room's owner changes roles");
    if (room.kind == "direct") throw errors::conflict("direct rooms have no roles");
    if (user_id == who.user_id) throw errors::validation("you cannot change your own role");
    if (!member_role(c, room.id, user_id)) throw errors::not_found("no such member");
    c.execute("UPDATE chat_members SET role = ?3 WHERE room_id = ?1 AND user_id = ?2",
              std::vector<Value>{room.id, user_id, std::string(room_role_name(role))});
    // Handing over ownership: the old owner stays as a moderator.
    if (role == RoomRole::owner) {
      c.execute("UPDATE chat_members SET role = 'moderator' WHERE room_id = ?1 AND user_id = ?2",
                std::vector<Value>{room.id, who.user_id});
    }
    auto m = c.execute(
        "SELECT user_id, role, joined_at_ms, muted_until_ms FROM chat_members WHERE room_id = ?1 AND "
        "user_id = ?2",
        std::vector<Value>{room.id, user_id});
    return member_json(m.rows.front());
  };
  auto member = co_await store_.transaction(std::move(change));
  fan_out_event(room_id, {{"type", "member.role"}, {"user_id", user_id}, {"role", member.at("role")}});
  co_return member;
}

boost::asio::awaitable<bool> ChatService::is_member(std::string user_id, std::string room_id) {
  auto check = [user_id, room_id](Connection& c) {
    auto r = c.execute("SELECT COUNT(*) FROM chat_members WHERE room_id = ?1 AND user_id = ?2",
                       std::vector<Value>{room_id, user_id});
    return r.rows.front().integer(0) > 0;
  };
  co_return co_await store_.with_connection(std::move(check));
}

}  // namespace tc::chat
