// Immediate revocation of access tokens. An access token names its session (`sid`);
// when a session ends (logout, revoke one or all, password change or reset, role
// change, account disabled) its id lands here and every token of it stops working at
// once, on every instance: the ids travel over the bus, and each instance loads the
// sessions revoked within the last access-token lifetime when it starts. Entries
// older than that lifetime are pruned, since their tokens have expired anyway.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

namespace tc::auth {

struct RevokedSessions {
  std::string user_id;
  std::vector<std::string> session_ids;
};

class RevocationList {
 public:
  explicit RevocationList(std::chrono::milliseconds access_ttl) : ttl_ms_(access_ttl.count()) {}

  void add(const RevokedSessions& revoked, std::int64_t now_ms);
  bool is_revoked(const std::string& session_id) const;
  // Called with the ids an add() newly revoked, on the thread that added: realtime
  // closes those sessions' live sockets.
  void on_revoked(std::function<void(const RevokedSessions&)> listener);
  std::size_t size() const;

  static std::string to_json(const RevokedSessions& r);
  static RevokedSessions from_json(const std::string& text);  // throws on malformed input

 private:
  void prune(std::int64_t now_ms);

  std::int64_t ttl_ms_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, std::int64_t> revoked_at_;  // session id -> when
  std::int64_t last_prune_ms_ = 0;
  std::vector<std::function<void(const RevokedSessions&)>> listeners_;
};

}  // namespace tc::auth
