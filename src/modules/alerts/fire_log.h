// Recording a fire durably before anything is delivered: the fire row (keyed by
// its idempotency key, so a replayed fire is refused), the alert's fire state, the
// inbox notification and any webhook delivery, all in one transaction.
#pragma once

#include "infra/store/store.h"
#include "modules/alerts/engine.h"

#include <boost/json/object.hpp>

#include <optional>
#include <string>
#include <vector>

namespace tc::alerts {

struct RecordedFire {
  std::string user_id;
  std::string fire_key;
  boost::json::object notification;  // as stored in the inbox
  bool push = true;                  // false: preferences or quiet hours keep it inbox-only
};

// nullopt when this fire's key was recorded before (a duplicate) or its alert is gone.
std::optional<RecordedFire> record_fire(infra::store::Connection& c, const Fire& fire, std::int64_t now_ms);
void mark_delivered(infra::store::Connection& c, const std::string& fire_key);
// Fires recorded but not yet pushed (the process stopped in between).
std::vector<RecordedFire> undelivered(infra::store::Connection& c);

}  // namespace tc::alerts
