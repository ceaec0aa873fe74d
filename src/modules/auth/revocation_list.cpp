#include "modules/auth/revocation_list.h"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace tc::auth {

void RevocationList::add(const RevokedSessions& revoked, std::int64_t now_ms) {
  std::vector<std::function<void(const RevokedSessions&)>> listeners;
  RevokedSessions fresh{revoked.user_id, {}};
  {
    std::lock_guard lock(mutex_);
    for (const auto& id : revoked.session_ids) {
      if (revoked_at_.emplace(id, now_ms).second) fresh.session_ids.push_back(id);
    }
    prune(now_ms);
    listeners = listeners_;
  }
  // The same revocation arrives twice in one process (directly and over the bus).
  if (fresh.session_ids.empty()) return;
  for (const auto& l : listeners) l(fresh);
}

bool RevocationList::is_revoked(const std::string& session_id) const {
  std::lock_guard lock(mutex_);
  return revoked_at_.contains(session_id);
}

void RevocationList::on_revoked(std::function<void(const RevokedSessions&)> listener) {
  std::lock_guard lock(mutex_);
  listeners_.push_back(std::move(listener));
}

std::size_t RevocationList::size() const {
  std::lock_guard lock(mutex_);
  return revoked_at_.size();
}

void RevocationList::prune(std::int64_t now_ms) {
  // At most once a minute; a revoked session's tokens die by expiry after ttl.
  if (now_ms - last_prune_ms_ < 60'000) return;
  last_prune_ms_ = now_ms;
  // Keep a margin for clock leeway between instances.
  const std::int64_t horizon = now_ms - ttl_ms_ - 120'000;
  std::erase_if(revoked_at_, [horizon](const auto& kv) { return kv.second < horizon; });
}

std::string RevocationList::to_json(const RevokedSessions& r) {
  boost::json::array ids;
  for (const auto& id : r.session_ids) ids.push_back(boost::json::string(id));
  return boost::json::serialize(boost::json::object{{"user_id", r.user_id}, {"session_ids", std::move(ids)}});
}

RevokedSessions RevocationList::from_json(const std::string& text) {
  auto v = boost::json::parse(text);
  RevokedSessions r;
  r.user_id = std::string(v.at("user_id").as_string());
  for (const auto& id : v.at("session_ids").as_array()) r.session_ids.emplace_back(id.as_string());
  return r;
}

}  // namespace tc::auth
