// What chat offers the ai module (chat.h RoomAssist): search over the caller's
// rooms, a room's recent messages, the moderator check, bot-authored messages, and
// the observer of sent messages (how `@ai` is noticed without chat knowing the ai
// module). Every read applies the same rules as chat's own routes.
#include "core/errors.h"
#include "core/ids.h"
#include "core/log.h"
#include "modules/chat/chat_service.h"
#include "modules/chat/message_text.h"
#include "modules/chat/room_state.h"

#include <boost/json/serialize.hpp>

#include <algorithm>

namespace tc::chat {

namespace json = boost::json;
using detail::load_room;
using detail::now_ms;
using infra::store::Connection;
using infra::store::Value;

boost::asio::awaitable<json::array> ChatService::search_messages(auth::Principal who, std::string text,
                                                                 std::size_t limit) {
  if (text.empty() || text.size() > 200) throw errors::validation("search text must have 1 to 200 bytes");
  std::string pattern = "%";
  for (char ch : text) {
    if (ch == '%' || ch == '_' || ch == '\\') pattern += '\\';
    pattern += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  }
  pattern += "%";
  auto find = [who, pattern, limit](Connection& c) {
    // Only rooms the caller is a member of: membership is what lets a user read a room.
    auto r = c.execute(
        "SELECT m.id, m.room_id, m.seq, m.author_id, m.text, m.created_at_ms, r.name FROM chat_messages m "
        "JOIN chat_members b ON b.room_id = m.room_id AND b.user_id = ?1 JOIN chat_rooms r ON r.id = m.room_id "
        "WHERE m.deleted_at_ms IS NULL AND LOWER(m.text) LIKE ?2 ESCAPE '\\' ORDER BY m.created_at_ms DESC LIMIT ?3",
        std::vector<Value>{who.user_id, pattern, static_cast<std::int64_t>(std::min<std::size_t>(limit, 100))});
    json::array out;
    for (const auto& row : r.rows) {
      out.push_back(json::object{{"id", row.text(0)},
                                 {"room_id", row.text(1)},
                                 {"seq", row.integer(2)},
                                 {"author", row.text(3)},
                                 {"text", row.text(4)},
                                 {"created_at_ms", row.integer(5)},
                                 {"room_name", row.text(6)}});
    }
    return out;
  };
  co_return co_await store_.with_connection(std::move(find));
}

boost::asio::awaitable<json::array> ChatService::recent_messages(auth::Principal who, std::string room_id,
                                                                 std::size_t limit) {
  auto page =
      co_await history(who, room_id, ListQuery{.cursor = std::nullopt, .limit = std::min<std::size_t>(limit, 100)});
  co_return page.at("items").as_array();
}

boost::asio::awaitable<bool> ChatService::can_moderate(auth::Principal who, std::string room_id) {
  auto check = [who, room_id](Connection& c) { return detail::can_moderate(load_room(c, room_id, who)); };
  co_return co_await store_.with_connection(std::move(check));
}

boost::asio::awaitable<json::object> ChatService::post_as_bot(std::string bot_id, std::string room_id, std::string text,
                                                              std::optional<std::string> reply_to) {
  validate_message_text(text);
  detail::check_id(room_id, "room");
  if (reply_to) detail::check_id(*reply_to, "message to reply to");
  const std::string cashtags = [&] {
    json::array a;
    for (const auto& s : extract_cashtags(text)) a.push_back(json::value(s));
    return json::serialize(a);
  }();
  auto store = [this, bot_id, room_id, text, reply_to, cashtags](Connection& c) {
    std::lock_guard order(room_lock(room_id));
    c.begin();
    json::object message;
    try {
      auto room = c.execute("SELECT id FROM chat_rooms WHERE id = ?1", std::vector<Value>{room_id});
      if (room.rows.empty()) throw errors::not_found("no such room");
      if (reply_to && !detail::find_message(c, room_id, *reply_to)) {
        throw errors::validation("reply_to names no message of this room");
      }
      auto seq = c.execute("UPDATE chat_rooms SET last_seq = last_seq + 1 WHERE id = ?1 RETURNING last_seq",
                           std::vector<Value>{room_id});
      const std::int64_t offset = seq.rows.front().integer(0);
      const std::string id = ids::random_hex(12);
      c.execute(
          "INSERT INTO chat_messages (id, room_id, seq, author_id, text, client_msg_id, reply_to, mentions, cashtags, "
          "created_at_ms, pinned) VALUES (?1, ?2, ?3, ?4, ?5, NULL, ?6, '[]', ?7, ?8, 0)",
          std::vector<Value>{id, room_id, offset, bot_id, text, reply_to ? Value(*reply_to) : Value(nullptr), cashtags,
                             now_ms()});
      message = std::move(*detail::find_message(c, room_id, id));
      c.commit();
    } catch (...) {
      c.rollback();
      throw;
    }
    if (realtime_) {
      realtime_->publish_at(channel_of(room_id), message.at("seq").as_int64(), message, json::object{{"user", bot_id}});
    }
    return message;
  };
  co_return co_await store_.with_connection(std::move(store));
}

void ChatService::add_message_observer(MessageObserver observer) {
  std::lock_guard lock(observers_mutex_);
  observers_.push_back(std::move(observer));
}

void ChatService::notify_observers(const auth::Principal& author, const json::object& message) {
  std::vector<MessageObserver> observers;
  {
    std::lock_guard lock(observers_mutex_);
    observers = observers_;
  }
  for (const auto& o : observers) {
    try {
      o(author, message);
    } catch (const std::exception& e) {
      log::warn("chat message observer failed", {{"error", e.what()}});
    }
  }
}

}  // namespace tc::chat
