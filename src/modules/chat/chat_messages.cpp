// Messages: send (idempotent, ordered, committed before fan-out), history, threads,
// edits, deletes, reactions, pins, read state, search, typing, and the persisted
// stream the room channel recovers from.
#include "core/errors.h"
#include "core/ids.h"
#include "modules/chat/chat_service.h"
#include "modules/chat/message_text.h"
#include "modules/chat/room_state.h"

#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <charconv>

namespace tc::chat {

namespace json = boost::json;
using detail::find_message;
using detail::load_room;
using detail::now_ms;
using infra::store::Connection;
using infra::store::Value;

namespace {

json::array string_array(const std::vector<std::string>& v) {
  json::array a;
  for (const auto& s : v) a.push_back(json::value(s));
  return a;
}

void check_client_msg_id(const std::string& id) {
  const bool ok = !id.empty() && id.size() <= 64 && std::all_of(id.begin(), id.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == ':';
  });
  if (!ok) throw errors::validation("field \"client_msg_id\" must be 1 to 64 of [A-Za-z0-9._:-]");
}

std::optional<json::object> by_client_msg_id(Connection& c, const std::string& room_id, const std::string& author,
                                             const std::string& client_msg_id) {
  auto r = c.execute(std::string("SELECT ") + detail::kMessageColumns +
                         " FROM chat_messages WHERE room_id = ?1 AND author_id = ?2 AND client_msg_id = ?3",
                     std::vector<Value>{room_id, author, client_msg_id});
  if (r.rows.empty()) return std::nullopt;
  return detail::message_json(r.rows.front());
}

std::uint64_t parse_seq_cursor(const std::optional<std::string>& cursor) {
  if (!cursor) return 0;
  std::uint64_t v = 0;
  auto [end, ec] = std::from_chars(cursor->data(), cursor->data() + cursor->size(), v);
  if (ec != std::errc() || end != cursor->data() + cursor->size() || v == 0 || v > (1ULL << 62)) {
    throw errors::validation("query parameter \"cursor\" is not a cursor from this list");
  }
  return v;
}

void check_emoji(const std::string& emoji) {
  const auto len = utf8_length(emoji);
  const bool ok = !emoji.empty() && emoji.size() <= 32 && len != std::string::npos && len <= 8 &&
                  std::none_of(emoji.begin(), emoji.end(), [](unsigned char c) { return c <= 0x20 || c == 0x7F; });
  if (!ok) throw errors::validation("field \"emoji\" must be 1 to 8 characters without spaces");
}

}  // namespace

boost::asio::awaitable<json::object> ChatService::send(auth::Principal who, std::string room_id, NewMessage msg) {
  validate_message_text(msg.text);
  if (msg.client_msg_id) check_client_msg_id(*msg.client_msg_id);
  if (msg.reply_to) detail::check_id(*msg.reply_to, "message to reply to");
  // Mentions name users by username; the directory turns them into ids (outside the
  // transaction: it reads the auth module's tables through its interface).
  const auto names = extract_mentions(msg.text);
  std::vector<auth::UserRef> mentioned;
  if (users_ && !names.empty()) {
    std::vector<std::string> no_ids;
    mentioned = co_await users_->find_users(std::move(no_ids), names);
  }
  json::array mentions;
  for (const auto& name : names) {
    json::object m{{"username", name}, {"user_id", nullptr}};
    for (const auto& u : mentioned) {
      if (u.username == name) m["user_id"] = u.id;
    }
    mentions.push_back(std::move(m));
  }
  const std::string mentions_text = json::serialize(mentions);
  const std::string cashtags_text = json::serialize(string_array(extract_cashtags(msg.text)));

  struct Sent {
    json::object message;
    std::vector<std::string> notify;  // mentioned members
    bool created = false;             // false: the retry of an earlier message
  };
  auto store = [this, who, room_id, msg, mentions_text, cashtags_text, mentioned](Connection& c) {
    Sent out;
    // Held from the offset's assignment through the fan-out, so this instance fans a
    // room's messages out in offset order.
    std::lock_guard order(room_lock(room_id));
    c.begin();
    bool created = false;
    try {
      auto room = load_room(c, room_id, who);
      detail::require_member(room);
      if (msg.client_msg_id) {
        if (auto first = by_client_msg_id(c, room.id, who.user_id, *msg.client_msg_id)) {
          c.commit();
          out.message = std::move(*first);
          return out;
        }
      }
      if (room.muted_until_ms > now_ms()) {
        throw Error(403, "muted", "Muted", "you are muted in this room").with("muted_until_ms", room.muted_until_ms);
      }
      if (msg.reply_to && !find_message(c, room.id, *msg.reply_to)) {
        throw errors::validation("field \"reply_to\" names no message of this room");
      }
      auto seq = c.execute("UPDATE chat_rooms SET last_seq = last_seq + 1 WHERE id = ?1 RETURNING last_seq",
                           std::vector<Value>{room.id});
      const std::int64_t offset = seq.rows.front().integer(0);
      const std::string id = ids::random_hex(12);
      c.execute(
          "INSERT INTO chat_messages (id, room_id, seq, author_id, text, client_msg_id, reply_to, mentions, cashtags, "
          "created_at_ms, pinned) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, 0)",
          std::vector<Value>{id, room.id, offset, who.user_id, msg.text,
                             msg.client_msg_id ? Value(*msg.client_msg_id) : Value(nullptr),
                             msg.reply_to ? Value(*msg.reply_to) : Value(nullptr), mentions_text, cashtags_text,
                             now_ms()});
      // The author has read what they wrote.
      c.execute("UPDATE chat_members SET last_read_seq = ?3 WHERE room_id = ?1 AND user_id = ?2",
                std::vector<Value>{room.id, who.user_id, offset});
      for (const auto& u : mentioned) {
        if (u.id != who.user_id && c.execute("SELECT 1 FROM chat_members WHERE room_id = ?1 AND user_id = ?2",
                                             std::vector<Value>{room.id, u.id})
                                           .rows.size() == 1) {
          out.notify.push_back(u.id);
        }
      }
      auto stored = find_message(c, room.id, id);
      out.message = std::move(*stored);
      c.commit();
      created = true;
      out.created = true;
    } catch (...) {
      c.rollback();
      throw;
    }
    if (created && realtime_) {
      realtime_->publish_at(channel_of(room_id), out.message.at("seq").as_int64(), out.message,
                            json::object{{"user", who.user_id}});
    }
    return out;
  };
  Sent sent;
  bool duplicate = false;
  try {
    sent = co_await store_.with_connection(std::move(store));
  } catch (const Error& e) {
    // 409 from the unique key: another instance stored the same client_msg_id first;
    // the retry's answer is the first message.
    if (e.status() != 409 || !msg.client_msg_id) throw;
    duplicate = true;
  }
  if (duplicate) {
    auto again = [room_id, author = who.user_id, cid = *msg.client_msg_id](Connection& c) {
      return by_client_msg_id(c, room_id, author, cid);
    };
    auto first = co_await store_.with_connection(std::move(again));
    if (!first) throw errors::conflict("the message could not be stored; retry");
    sent.message = std::move(*first);
  }
  if (realtime_) {
    for (const auto& user : sent.notify) {
      realtime_->publish("user#" + user, json::object{{"type", "mention"},
                                                      {"room_id", room_id},
                                                      {"message_id", sent.message.at("id")},
                                                      {"author", who.user_id},
                                                      {"text", sent.message.at("text")}});
    }
  }
  if (sent.created) notify_observers(who, sent.message);
  co_return sent.message;
}

boost::asio::awaitable<json::object> ChatService::history(auth::Principal who, std::string room_id, ListQuery q) {
  const std::uint64_t before = parse_seq_cursor(q.cursor);
  auto read = [who, room_id, before, limit = q.limit](Connection& c) {
    auto room = load_room(c, room_id, who);
    detail::require_reader(room);
    auto r = c.execute(std::string("SELECT ") + detail::kMessageColumns +
                           " FROM chat_messages WHERE room_id = ?1 AND seq < ?2 ORDER BY seq DESC LIMIT ?3",
                       std::vector<Value>{room.id, before ? static_cast<std::int64_t>(before) : INT64_MAX,
                                          static_cast<std::int64_t>(limit + 1)});
    const bool more = r.rows.size() > limit;
    if (more) r.rows.pop_back();
    std::reverse(r.rows.begin(), r.rows.end());  // newest last
    auto items = detail::messages_json(r);
    detail::attach_reactions(c, items);
    json::value next = nullptr;
    if (more && !items.empty()) next = json::value(std::to_string(items.front().at("seq").as_int64()));
    return json::object{{"items", detail::to_array(std::move(items))}, {"next_cursor", next}};
  };
  co_return co_await store_.with_connection(std::move(read));
}

boost::asio::awaitable<json::object> ChatService::get_message(auth::Principal who, std::string room_id,
                                                              std::string message_id) {
  auto get = [who, room_id, message_id](Connection& c) {
    auto room = load_room(c, room_id, who);
    detail::require_reader(room);
    auto m = find_message(c, room.id, message_id);
    if (!m) throw errors::not_found("no such message");
    return std::move(*m);
  };
  co_return co_await store_.with_connection(std::move(get));
}

boost::asio::awaitable<json::object> ChatService::thread(auth::Principal who, std::string room_id,
                                                         std::string message_id) {
  auto get = [who, room_id, message_id](Connection& c) {
    auto room = load_room(c, room_id, who);
    detail::require_reader(room);
    auto root = find_message(c, room.id, message_id);
    if (!root) throw errors::not_found("no such message");
    auto r = c.execute(std::string("SELECT ") + detail::kMessageColumns +
                           " FROM chat_messages WHERE room_id = ?1 AND reply_to = ?2 ORDER BY seq LIMIT 500",
                       std::vector<Value>{room.id, message_id});
    auto replies = detail::messages_json(r);
    detail::attach_reactions(c, replies);
    return json::object{
        {"message", std::move(*root)}, {"items", detail::to_array(std::move(replies))}, {"next_cursor", nullptr}};
  };
  co_return co_await store_.with_connection(std::move(get));
}

boost::asio::awaitable<json::object> ChatService::edit(auth::Principal who, std::string room_id, std::string message_id,
                                                       std::string text) {
  validate_message_text(text);
  const std::string cashtags_text = json::serialize(string_array(extract_cashtags(text)));
  json::array mentions;
  for (const auto& name : extract_mentions(text))
    mentions.push_back(json::object{{"username", name}, {"user_id", nullptr}});
  if (users_ && !mentions.empty()) {
    std::vector<std::string> names;
    for (const auto& m : mentions) names.emplace_back(m.as_object().at("username").as_string());
    std::vector<std::string> no_ids;
    auto found = co_await users_->find_users(std::move(no_ids), std::move(names));
    for (auto& m : mentions) {
      for (const auto& u : found) {
        if (u.username == m.as_object().at("username").as_string()) m.as_object()["user_id"] = u.id;
      }
    }
  }
  auto update = [who, room_id, message_id, text, cashtags_text,
                 mentions_text = json::serialize(mentions)](Connection& c) {
    auto room = load_room(c, room_id, who);
    detail::require_member(room);
    auto m = find_message(c, room.id, message_id);
    if (!m) throw errors::not_found("no such message");
    if (m->at("author").as_string() != who.user_id) throw errors::forbidden("only the author edits a message");
    if (m->at("deleted").as_bool()) throw errors::conflict("the message was deleted");
    const auto now = now_ms();
    auto versions =
        c.execute("SELECT COUNT(*) FROM chat_message_edits WHERE message_id = ?1", std::vector<Value>{message_id});
    if (versions.rows.front().integer(0) >= 100) throw errors::conflict("a message can be edited 100 times");
    c.execute("INSERT INTO chat_message_edits (message_id, version, text, replaced_at_ms) VALUES (?1, ?2, ?3, ?4)",
              std::vector<Value>{message_id, versions.rows.front().integer(0) + 1,
                                 std::string(m->at("text").as_string()), now});
    c.execute("UPDATE chat_messages SET text = ?2, mentions = ?3, cashtags = ?4, edited_at_ms = ?5 WHERE id = ?1",
              std::vector<Value>{message_id, text, mentions_text, cashtags_text, now});
    return std::move(*find_message(c, room.id, message_id));
  };
  auto message = co_await store_.transaction(std::move(update));
  fan_out_event(room_id, {{"type", "message.edited"}, {"message", message}});
  co_return message;
}

boost::asio::awaitable<json::object> ChatService::edits(auth::Principal who, std::string room_id,
                                                        std::string message_id) {
  auto list = [who, room_id, message_id](Connection& c) {
    auto room = load_room(c, room_id, who);
    detail::require_reader(room);
    auto m = find_message(c, room.id, message_id);
    if (!m) throw errors::not_found("no such message");
    auto r =
        c.execute("SELECT version, text, replaced_at_ms FROM chat_message_edits WHERE message_id = ?1 ORDER BY version",
                  std::vector<Value>{message_id});
    json::array items;
    for (const auto& row : r.rows) {
      items.push_back(
          json::object{{"version", row.integer(0)}, {"text", row.text(1)}, {"replaced_at_ms", row.integer(2)}});
    }
    return json::object{{"message", std::move(*m)}, {"items", std::move(items)}, {"next_cursor", nullptr}};
  };
  co_return co_await store_.with_connection(std::move(list));
}

boost::asio::awaitable<void> ChatService::remove(auth::Principal who, std::string room_id, std::string message_id) {
  auto remove = [who, room_id, message_id](Connection& c) {
    auto room = load_room(c, room_id, who);
    detail::require_reader(room);
    auto m = find_message(c, room.id, message_id);
    if (!m) throw errors::not_found("no such message");
    const bool author = m->at("author").as_string() == who.user_id && room.role;
    if (!author && !detail::can_moderate(room)) {
      throw errors::forbidden("only the author or a moderator deletes a message");
    }
    if (m->at("deleted").as_bool()) return json::object{};
    // The offset stays taken (offsets never go back); the words are gone, edits too.
    c.execute("DELETE FROM chat_message_edits WHERE message_id = ?1", std::vector<Value>{message_id});
    c.execute("DELETE FROM chat_reactions WHERE message_id = ?1", std::vector<Value>{message_id});
    c.execute(
        "UPDATE chat_messages SET text = '', mentions = '[]', cashtags = '[]', pinned = 0, deleted_at_ms = ?2 "
        "WHERE id = ?1",
        std::vector<Value>{message_id, now_ms()});
    return json::object{{"type", "message.deleted"}, {"id", message_id}, {"seq", m->at("seq")}, {"by", who.user_id}};
  };
  auto event = co_await store_.transaction(std::move(remove));
  if (!event.empty()) fan_out_event(room_id, event);
}

boost::asio::awaitable<json::object> ChatService::react(auth::Principal who, std::string room_id,
                                                        std::string message_id, std::string emoji, bool add) {
  check_emoji(emoji);
  auto react = [who, room_id, message_id, emoji, add](Connection& c) {
    auto room = load_room(c, room_id, who);
    detail::require_member(room);
    auto m = find_message(c, room.id, message_id);
    if (!m) throw errors::not_found("no such message");
    if (m->at("deleted").as_bool()) throw errors::conflict("the message was deleted");
    if (add) {
      auto kinds = c.execute("SELECT COUNT(DISTINCT emoji) FROM chat_reactions WHERE message_id = ?1",
                             std::vector<Value>{message_id});
      if (kinds.rows.front().integer(0) >= 20 && !m->at("reactions").as_object().contains(emoji)) {
        throw errors::conflict("a message can carry 20 different reactions");
      }
      c.execute(
          "INSERT INTO chat_reactions (message_id, user_id, emoji, created_at_ms) VALUES (?1, ?2, ?3, ?4) "
          "ON CONFLICT DO NOTHING",
          std::vector<Value>{message_id, who.user_id, emoji, now_ms()});
    } else {
      c.execute("DELETE FROM chat_reactions WHERE message_id = ?1 AND user_id = ?2 AND emoji = ?3",
                std::vector<Value>{message_id, who.user_id, emoji});
    }
    auto updated = find_message(c, room.id, message_id);
    return json::object{{"message_id", message_id}, {"reactions", updated->at("reactions")}};
  };
  auto out = co_await store_.transaction(std::move(react));
  json::object event = out;
  event["type"] = "message.reactions";
  fan_out_event(room_id, event);
  co_return out;
}

boost::asio::awaitable<json::object> ChatService::pin(auth::Principal who, std::string room_id, std::string message_id,
                                                      bool pinned) {
  auto pin = [who, room_id, message_id, pinned](Connection& c) {
    auto room = load_room(c, room_id, who);
    detail::require_moderator(room);
    auto m = find_message(c, room.id, message_id);
    if (!m) throw errors::not_found("no such message");
    if (m->at("deleted").as_bool()) throw errors::conflict("the message was deleted");
    c.execute("UPDATE chat_messages SET pinned = ?2 WHERE id = ?1",
              std::vector<Value>{message_id, static_cast<std::int64_t>(pinned ? 1 : 0)});
    return std::move(*find_message(c, room.id, message_id));
  };
  auto message = co_await store_.transaction(std::move(pin));
  fan_out_event(room_id, {{"type", "message.pinned"}, {"id", message_id}, {"pinned", pinned}});
  co_return message;
}

boost::asio::awaitable<json::object> ChatService::pins(auth::Principal who, std::string room_id) {
  auto list = [who, room_id](Connection& c) {
    auto room = load_room(c, room_id, who);
    detail::require_reader(room);
    auto r = c.execute(std::string("SELECT ") + detail::kMessageColumns +
                           " FROM chat_messages WHERE room_id = ?1 AND pinned = 1 AND deleted_at_ms IS NULL "
                           "ORDER BY seq LIMIT 200",
                       std::vector<Value>{room.id});
    auto items = detail::messages_json(r);
    detail::attach_reactions(c, items);
    return json::object{{"items", detail::to_array(std::move(items))}, {"next_cursor", nullptr}};
  };
  co_return co_await store_.with_connection(std::move(list));
}

boost::asio::awaitable<json::object> ChatService::mark_read(auth::Principal who, std::string room_id,
                                                            std::uint64_t seq) {
  auto mark = [who, room_id, seq](Connection& c) {
    auto room = load_room(c, room_id, who);
    detail::require_member(room);
    if (seq > room.last_seq) throw errors::validation("field \"seq\" is past the room's newest message");
    const auto read = std::max(seq, room.last_read_seq);
    c.execute("UPDATE chat_members SET last_read_seq = ?3 WHERE room_id = ?1 AND user_id = ?2",
              std::vector<Value>{room.id, who.user_id, static_cast<std::int64_t>(read)});
    auto unread = c.execute(
        "SELECT COUNT(*) FROM chat_messages WHERE room_id = ?1 AND seq > ?2 AND author_id <> ?3 AND deleted_at_ms IS "
        "NULL",
        std::vector<Value>{room.id, static_cast<std::int64_t>(read), who.user_id});
    return json::object{{"last_read_seq", read}, {"unread", unread.rows.front().integer(0)}};
  };
  auto out = co_await store_.transaction(std::move(mark));
  fan_out_event(room_id, {{"type", "read"}, {"user_id", who.user_id}, {"seq", out.at("last_read_seq")}}, true);
  co_return out;
}

boost::asio::awaitable<json::object> ChatService::search(auth::Principal who, std::string room_id, std::string query,
                                                         std::size_t limit) {
  if (query.empty() || query.size() > 200) throw errors::validation("query parameter \"q\" must have 1 to 200 bytes");
  // LIKE with the wildcards of the query escaped: a search for "100%" finds "100%".
  std::string pattern = "%";
  for (char ch : query) {
    if (ch == '%' || ch == '_' || ch == '\\') pattern += '\\';
    pattern += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  }
  pattern += "%";
  auto find = [who, room_id, pattern, limit](Connection& c) {
    auto room = load_room(c, room_id, who);
    detail::require_reader(room);
    auto r = c.execute(std::string("SELECT ") + detail::kMessageColumns +
                           " FROM chat_messages WHERE room_id = ?1 AND deleted_at_ms IS NULL AND LOWER(text) LIKE ?2 "
                           "ESCAPE '\\' ORDER BY seq DESC LIMIT ?3",
                       std::vector<Value>{room.id, pattern, static_cast<std::int64_t>(limit)});
    auto items = detail::messages_json(r);
    detail::attach_reactions(c, items);
    return json::object{{"items", detail::to_array(std::move(items))}, {"next_cursor", nullptr}};
  };
  co_return co_await store_.with_connection(std::move(find));
}

boost::asio::awaitable<void> ChatService::typing(auth::Principal who, std::string room_id) {
  auto check = [who, room_id](Connection& c) {
    auto room = load_room(c, room_id, who);
    detail::require_member(room);
    if (room.muted_until_ms > now_ms()) throw errors::forbidden("you are muted in this room");
  };
  co_await store_.with_connection(std::move(check));
  fan_out_event(room_id, {{"type", "typing"}, {"user_id", who.user_id}}, true);
}

boost::asio::awaitable<realtime::StreamPosition> ChatService::subscribe_position(auth::Principal who,
                                                                                 std::string room_id) {
  auto position = [who, room_id](Connection& c) {
    auto room = load_room(c, room_id, who);
    detail::require_member(room);
    return realtime::StreamPosition{room.epoch, room.last_seq};
  };
  co_return co_await store_.with_connection(std::move(position));
}

boost::asio::awaitable<std::vector<realtime::StoredPublication>> ChatService::read_stream(std::string room_id,
                                                                                          realtime::StreamQuery q) {
  auto read = [room_id, q](Connection& c) {
    const auto limit = static_cast<std::int64_t>(q.limit);
    infra::store::Result r;
    const std::string cols =
        std::string("SELECT ") + detail::kMessageColumns + " FROM chat_messages WHERE room_id = ?1";
    if (!q.reverse) {
      r = c.execute(cols + " AND seq > ?2 ORDER BY seq LIMIT ?3",
                    std::vector<Value>{room_id, static_cast<std::int64_t>(q.since.value_or(0)), limit});
    } else {
      r = c.execute(cols + " AND seq < ?2 ORDER BY seq DESC LIMIT ?3",
                    std::vector<Value>{room_id, q.since ? static_cast<std::int64_t>(*q.since) : INT64_MAX, limit});
    }
    std::vector<realtime::StoredPublication> out;
    out.reserve(r.rows.size());
    for (const auto& row : r.rows) {
      auto m = detail::message_json(row);
      out.push_back({static_cast<std::uint64_t>(row.integer(2)), json::serialize(m),
                     json::serialize(json::object{{"user", row.text(3)}}), row.integer(9)});
    }
    return out;
  };
  co_return co_await store_.with_connection(std::move(read));
}

}  // namespace tc::chat
