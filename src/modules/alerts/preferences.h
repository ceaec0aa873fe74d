// A user's notification preferences: which channels deliver (the inbox always
// keeps everything) and quiet hours in the user's time zone, during which nothing
// is pushed on user#<id> (the notification still lands in the inbox).
#pragma once

#include "infra/store/store.h"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <string>

namespace tc::alerts {

struct Preferences {
  bool in_app = true;                  // push on user#<id>
  bool webhook = true;                 // alert webhooks
  bool email = true;                   // alert emails
  bool web_push = true;                // alert Web Push messages (to every subscription of the user)
  bool digest = false;                 // one email a day summarising the day's notifications
  std::int32_t digest_time_min = 480;  // local time of the digest, minutes after midnight (08:00)
  std::int64_t digest_since_ms = 0;    // when the digest was switched on: no digest is due before
  std::int32_t quiet_start_min = -1;   // minutes after local midnight; -1 = no quiet hours
  std::int32_t quiet_end_min = -1;
  std::string time_zone = "UTC";
};

// Whether `utc_ms` falls inside the quiet hours (a window may wrap midnight).
bool in_quiet_hours(const Preferences& p, std::int64_t utc_ms);
// Minutes after local midnight of `utc_ms` in `zone` (UTC for an unknown zone).
std::int32_t local_minute(const std::string& zone, std::int64_t utc_ms);
// Whether a notification at `utc_ms` is pushed on user#<id>.
inline bool pushes(const Preferences& p, std::int64_t utc_ms) { return p.in_app && !in_quiet_hours(p, utc_ms); }

// Strict body of PUT …/preferences over the current values; 422 naming the field.
// `now_ms` stamps digest_since_ms when the digest is switched on.
void apply_preferences(Preferences& p, const boost::json::value& body, std::int64_t now_ms = 0);
boost::json::object to_json(const Preferences& p);

Preferences load_preferences(infra::store::Connection& c, const std::string& user_id);
void save_preferences(infra::store::Connection& c, const std::string& user_id, const Preferences& p,
                      std::int64_t now_ms);

}  // namespace tc::alerts
