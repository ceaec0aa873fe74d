// The notification inbox: rows in `notifications`, pushed on user#<id> after they
// are stored. The Notifier other modules use, and the reads behind the
// /api/v1/notifications routes (always scoped to the calling user).
#pragma once

#include "infra/store/store.h"
#include "modules/alerts/alerts.h"
#include "modules/realtime/realtime.h"

#include <boost/json/array.hpp>

#include <cstdint>
#include <optional>

namespace tc::alerts {

std::int64_t now_ms();

class Inbox final : public Notifier {
 public:
  Inbox(infra::store::Store& store, realtime::Realtime* realtime) : store_(store), realtime_(realtime) {}

  boost::asio::awaitable<std::string> notify(std::string user_id, Notification n) override;

  // Inside the caller's transaction (an alert's fire): the new row's sequence number.
  static std::int64_t insert(infra::store::Connection& c, const std::string& user_id, const Notification& n,
                             std::int64_t at_ms);
  // Reads one stored notification as the JSON clients get (nullopt: not this user's).
  static std::optional<boost::json::object> load(infra::store::Connection& c, const std::string& user_id,
                                                 std::int64_t seq);
  // Pushes a stored notification on user#<id> (best effort: the inbox has it).
  void publish(const std::string& user_id, const boost::json::object& notification) const;

  struct Page {
    boost::json::array items;
    std::optional<std::int64_t> next_cursor;
    std::int64_t unread = 0;
  };
  // Newest first; `before` is the cursor (a sequence number), `limit` ≤ 100.
  boost::asio::awaitable<Page> list(std::string user_id, std::int64_t before, std::int64_t limit, bool unread_only);
  boost::asio::awaitable<std::int64_t> unread_count(std::string user_id);
  // False when the notification is not this user's.
  boost::asio::awaitable<bool> mark_read(std::string user_id, std::int64_t seq);
  boost::asio::awaitable<std::int64_t> mark_all_read(std::string user_id);

 private:
  infra::store::Store& store_;
  realtime::Realtime* realtime_;
};

// Throws tc::Error 422 for a notification outside the limits of alerts.h.
void check_notification(const Notification& n);

}  // namespace tc::alerts
