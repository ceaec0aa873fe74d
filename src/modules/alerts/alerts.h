// The alerts module's interface to other modules: a Notifier that puts a
// notification in a user's inbox (GET /api/v1/notifications) and pushes it on the
// user's personal channel `user#<id>`. Chat mentions, the AI and others use it.
// Offered through the ServiceRegistry as `tc::alerts::Notifier`.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>

#include <string>

namespace tc::alerts {

struct Notification {
  std::string kind;            // e.g. "alert", "mention"; 1..32 characters [a-z_]
  std::string title;           // one line, at most 200 characters
  std::string body;            // at most 2000 characters
  boost::json::object data{};  // kind-specific details (ids, prices); at most 4 KiB serialized
};

class Notifier {
 public:
  virtual ~Notifier() = default;
  // Stores the notification (durably) and then publishes it on user#<user_id>;
  // returns its id. Throws tc::Error 422 for a notification outside the limits.
  virtual boost::asio::awaitable<std::string> notify(std::string user_id, Notification n) = 0;
};

}  // namespace tc::alerts
