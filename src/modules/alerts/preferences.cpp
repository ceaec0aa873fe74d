#include "modules/alerts/preferences.h"

#include "core/errors.h"
#include "modules/alerts/time_zone.h"

namespace tc::alerts {
namespace {

namespace json = boost::json;
using infra::store::Value;

constexpr std::int64_t kDayMinutes = 1440;

[[noreturn]] void invalid(const std::string& field, const std::string& reason) {
  throw std::move(errors::validation(field + ": " + reason).with("field", json::string(field)));
}

std::int32_t parse_clock(const json::value& v, const std::string& field) {
  const auto* s = v.if_string();
  if (!s || s->size() != 5 || (*s)[2] != ':') invalid(field, "expected HH:MM (24-hour)");
  const auto digit = [&](std::size_t i) {
    const char c = (*s)[i];
    if (c < '0' || c > '9') invalid(field, "expected HH:MM (24-hour)");
    return c - '0';
  };
  const int h = digit(0) * 10 + digit(1);
  const int m = digit(3) * 10 + digit(4);
  if (h > 23 || m > 59) invalid(field, "expected HH:MM from 00:00 to 23:59");
  return h * 60 + m;
}

std::string clock_text(std::int32_t minutes) {
  const auto two = [](int v) {
    return std::string(1, static_cast<char>('0' + v / 10)) + static_cast<char>('0' + v % 10);
  };
  return two(minutes / 60 % 24) + ":" + two(minutes % 60);
}

}  // namespace

std::int32_t local_minute(const std::string& zone, std::int64_t utc_ms) {
  const std::int64_t utc_s = utc_ms / 1000;
  const std::int64_t offset = utc_offset_seconds(zone, utc_s).value_or(0);
  return static_cast<std::int32_t>((((utc_s + offset) / 60) % kDayMinutes + kDayMinutes) % kDayMinutes);
}

bool in_quiet_hours(const Preferences& p, std::int64_t utc_ms) {
  if (p.quiet_start_min < 0 || p.quiet_end_min < 0) return false;
  const std::int64_t local_min = local_minute(p.time_zone, utc_ms);
  if (p.quiet_start_min < p.quiet_end_min) return local_min >= p.quiet_start_min && local_min < p.quiet_end_min;
  return local_min >= p.quiet_start_min || local_min < p.quiet_end_min;  // wraps midnight
}

void apply_preferences(Preferences& p, const json::value& body, std::int64_t now_ms) {
  const auto* o = body.if_object();
  if (!o) throw errors::validation("the body must be a JSON object");
  for (const auto& kv : *o) {
    const auto k = kv.key();
    if (k != "in_app" && k != "webhook" && k != "email" && k != "web_push" && k != "quiet_hours" && k != "time_zone" &&
        k != "digest" && k != "digest_time") {
      invalid(std::string(k), "unknown field");
    }
  }
  const bool digest_was_on = p.digest;
  for (auto [name, flag] : {std::pair{"in_app", &p.in_app},
                            {"webhook", &p.webhook},
                            {"email", &p.email},
                            {"web_push", &p.web_push},
                            {"digest", &p.digest}}) {
    if (!o->contains(name)) continue;
    const auto* b = o->at(name).if_bool();
    if (!b) invalid(name, "expected true or false");
    *flag = *b;
  }
  if (p.digest && !digest_was_on) p.digest_since_ms = now_ms;
  if (o->contains("digest_time")) p.digest_time_min = parse_clock(o->at("digest_time"), "digest_time");
  if (o->contains("time_zone")) {
    const auto* s = o->at("time_zone").if_string();
    if (!s || !is_known_time_zone(std::string(*s)))
      invalid("time_zone", "expected an IANA time zone such as Europe/Berlin");
    p.time_zone = std::string(*s);
  }
  if (o->contains("quiet_hours")) {
    const auto& q = o->at("quiet_hours");
    if (q.is_null()) {
      p.quiet_start_min = p.quiet_end_min = -1;
    } else {
      const auto* qo = q.if_object();
      if (!qo || qo->size() != 2 || !qo->contains("start") || !qo->contains("end")) {
        invalid("quiet_hours", "expected null or {\"start\": \"HH:MM\", \"end\": \"HH:MM\"}");
      }
      const auto start = parse_clock(qo->at("start"), "quiet_hours.start");
      const auto end = parse_clock(qo->at("end"), "quiet_hours.end");
      if (start == end) invalid("quiet_hours", "start and end are the same time");
      p.quiet_start_min = start;
      p.quiet_end_min = end;
    }
  }
}

json::object to_json(const Preferences& p) {
  json::value quiet = nullptr;
  if (p.quiet_start_min >= 0) {
    quiet = json::object{{"start", clock_text(p.quiet_start_min)}, {"end", clock_text(p.quiet_end_min)}};
  }
  return {{"in_app", p.in_app},
          {"email", p.email},
          {"webhook", p.webhook},
          {"web_push", p.web_push},
          {"quiet_hours", std::move(quiet)},
          {"time_zone", p.time_zone},
          {"digest", p.digest},
          {"digest_time", clock_text(p.digest_time_min)}};
}

Preferences load_preferences(infra::store::Connection& c, const std::string& user_id) {
  auto rows = c.execute(
      "SELECT in_app, webhook, quiet_start_min, quiet_end_min, time_zone, email, web_push, digest, digest_time_min, "
      "digest_since_ms FROM notification_preferences "
      "WHERE user_id = ?1",
      std::vector<Value>{user_id});
  Preferences p;
  if (rows.rows.empty()) return p;
  const auto& r = rows.rows.front();
  p.in_app = r.integer(0) != 0;
  p.webhook = r.integer(1) != 0;
  p.quiet_start_min = static_cast<std::int32_t>(r.integer(2));
  p.quiet_end_min = static_cast<std::int32_t>(r.integer(3));
  p.time_zone = r.text(4);
  p.email = r.integer(5) != 0;
  p.web_push = r.integer(6) != 0;
  p.digest = r.integer(7) != 0;
  p.digest_time_min = static_cast<std::int32_t>(r.integer(8));
  p.digest_since_ms = r.integer(9);
  return p;
}

void save_preferences(infra::store::Connection& c, const std::string& user_id, const Preferences& p,
                      std::int64_t now_ms) {
  c.execute(
      "INSERT INTO notification_preferences (user_id, in_app, webhook, quiet_start_min, quiet_end_min, time_zone, "
      "updated_at_ms, email, web_push, digest, digest_time_min, digest_since_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, "
      "?8, ?9, ?10, ?11, ?12) ON CONFLICT (user_id) DO UPDATE SET in_app = ?2, webhook = ?3, quiet_start_min = ?4, "
      "quiet_end_min = ?5, time_zone = ?6, updated_at_ms = ?7, email = ?8, web_push = ?9, digest = ?10, "
      "digest_time_min = ?11, digest_since_ms = ?12",
      std::vector<Value>{user_id, std::int64_t{p.in_app ? 1 : 0}, std::int64_t{p.webhook ? 1 : 0},
                         std::int64_t{p.quiet_start_min}, std::int64_t{p.quiet_end_min}, p.time_zone, now_ms,
                         std::int64_t{p.email ? 1 : 0}, std::int64_t{p.web_push ? 1 : 0},
                         std::int64_t{p.digest ? 1 : 0}, std::int64_t{p.digest_time_min}, p.digest_since_ms});
}

}  // namespace tc::alerts
