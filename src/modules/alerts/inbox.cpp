#include "modules/alerts/inbox.h"

#include "core/errors.h"
#include "core/log.h"
#include "modules/alerts/preferences.h"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <chrono>

namespace tc::alerts {
namespace {

namespace json = boost::json;
using infra::store::Connection;
using infra::store::Row;
using infra::store::Value;

constexpr const char* kColumns = "seq, kind, title, body, data, created_at_ms, read_at_ms";

json::object to_json(const Row& r) {
  json::value data = json::parse(r.text(4));
  return {{"id", std::to_string(r.integer(0))},
          {"kind", r.text(1)},
          {"title", r.text(2)},
          {"body", r.text(3)},
          {"data", std::move(data)},
          {"created_at_ms", r.integer(5)},
          {"read", !r.is_null(6)},
          {"read_at_ms", r.is_null(6) ? json::value(nullptr) : json::value(r.integer(6))}};
}

}  // namespace

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void check_notification(const Notification& n) {
  if (n.kind.empty() || n.kind.size() > 32 ||
      n.kind.find_first_not_of("abcdefghijklmnopqrstuvwxyz_") != std::string::npos) {
    throw errors::validation("notification kind must be 1 to 32 characters a-z or _");
  }
  if (n.title.empty() || n.title.size() > 200 || n.title.find('\n') != std::string::npos) {
    throw errors::validation("notification title must be one line of 1 to 200 characters");
  }
  if (n.body.size() > 2000) throw errors::validation("notification body is longer than 2000 characters");
  if (json::serialize(n.data).size() > 4096) throw errors::validation("notification data is larger than 4 KiB");
}

std::int64_t Inbox::insert(Connection& c, const std::string& user_id, const Notification& n, std::int64_t at_ms) {
  auto r = c.execute(
      "INSERT INTO notifications (user_id, kind, title, body, data, created_at_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6) "
      "RETURNING seq",
      std::vector<Value>{user_id, n.kind, n.title, n.body, json::serialize(n.data), at_ms});
  return r.rows.at(0).integer(0);
}

std::optional<json::object> Inbox::load(Connection& c, const std::string& user_id, std::int64_t seq) {
  auto r = c.execute(std::string("SELECT ") + kColumns + " FROM notifications WHERE seq = ?1 AND user_id = ?2",
                     std::vector<Value>{seq, user_id});
  if (r.rows.empty()) return std::nullopt;
  return to_json(r.rows.front());
}

void Inbox::publish(const std::string& user_id, const json::object& notification) const {
  if (!realtime_) return;
  try {
    realtime_->publish("user#" + user_id, json::object{{"type", "notification"}, {"notification", notification}});
  } catch (const std::exception& e) {
    log::warn("notification push failed; it stays in the inbox", {{"user_id", user_id}, {"error", e.what()}});
  }
}

boost::asio::awaitable<std::string> Inbox::notify(std::string user_id, Notification n) {
  check_notification(n);
  const std::int64_t at = now_ms();
  auto write = [user_id, n, at](Connection& c) {
    const std::int64_t seq = insert(c, user_id, n, at);
    return std::make_pair(*load(c, user_id, seq), pushes(load_preferences(c, user_id), at));
  };
  auto [stored, push] = co_await store_.transaction(std::move(write));
  if (push) publish(user_id, stored);
  co_return std::string(stored.at("id").as_string());
}

boost::asio::awaitable<Inbox::Page> Inbox::list(std::string user_id, std::int64_t before, std::int64_t limit,
                                                bool unread_only) {
  auto read = [user_id, before, limit, unread_only](Connection& c) {
    Page page;
    auto rows = c.execute(std::string("SELECT ") + kColumns +
                              " FROM notifications WHERE user_id = ?1 AND seq < ?2 AND (?3 = 0 OR read_at_ms IS NULL) "
                              "ORDER BY seq DESC LIMIT ?4",
                          std::vector<Value>{user_id, before, std::int64_t{unread_only ? 1 : 0}, limit + 1});
    for (const auto& r : rows.rows) {
      if (static_cast<std::int64_t>(page.items.size()) == limit) {
        page.next_cursor = r.integer(0) + 1;
        break;
      }
      page.items.emplace_back(to_json(r));
    }
    auto count = c.execute("SELECT COUNT(*) FROM notifications WHERE user_id = ?1 AND read_at_ms IS NULL",
                           std::vector<Value>{user_id});
    page.unread = count.rows.at(0).integer(0);
    return page;
  };
  co_return co_await store_.with_connection(std::move(read));
}

boost::asio::awaitable<std::int64_t> Inbox::unread_count(std::string user_id) {
  auto read = [user_id](Connection& c) {
    return c
        .execute("SELECT COUNT(*) FROM notifications WHERE user_id = ?1 AND read_at_ms IS NULL",
                 std::vector<Value>{user_id})
        .rows.at(0)
        .integer(0);
  };
  co_return co_await store_.with_connection(std::move(read));
}

boost::asio::awaitable<bool> Inbox::mark_read(std::string user_id, std::int64_t seq) {
  const std::int64_t at = now_ms();
  auto write = [user_id, seq, at](Connection& c) {
    auto found = c.execute("SELECT read_at_ms FROM notifications WHERE seq = ?1 AND user_id = ?2",
                           std::vector<Value>{seq, user_id});
    if (found.rows.empty()) return false;
    c.execute("UPDATE notifications SET read_at_ms = ?3 WHERE seq = ?1 AND user_id = ?2 AND read_at_ms IS NULL",
              std::vector<Value>{seq, user_id, at});
    return true;
  };
  co_return co_await store_.transaction(std::move(write));
}

boost::asio::awaitable<std::int64_t> Inbox::mark_all_read(std::string user_id) {
  const std::int64_t at = now_ms();
  auto write = [user_id, at](Connection& c) {
    return c
        .execute("UPDATE notifications SET read_at_ms = ?2 WHERE user_id = ?1 AND read_at_ms IS NULL",
                 std::vector<Value>{user_id, at})
        .affected;
  };
  co_return co_await store_.transaction(std::move(write));
}

}  // namespace tc::alerts
