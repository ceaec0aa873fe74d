#include "modules/alerts/fire_log.h"

#include "modules/alerts/alert_record.h"
#include "modules/alerts/inbox.h"
#include "modules/alerts/preferences.h"
#include "modules/alerts/web_push_sender.h"

#include <boost/json/serialize.hpp>

#include <algorithm>
#include <charconv>

namespace tc::alerts {
namespace {

namespace json = boost::json;
using infra::store::Connection;
using infra::store::Value;

std::string format_price(double v) {
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return ec == std::errc() ? std::string(buf, end) : std::to_string(v);
}

}  // namespace

std::optional<RecordedFire> record_fire(Connection& c, const Fire& fire, std::int64_t now) {
  auto inserted = c.execute(
      "INSERT INTO alert_fires (fire_key, alert_id, user_id, symbol, time_ms, price, notification_seq, delivered, "
      "created_at_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, 0, 0, ?7) ON CONFLICT (fire_key) DO NOTHING",
      std::vector<Value>{fire.key, fire.rule_id, fire.user_id, fire.symbol, fire.time_ms, fire.price, now});
  if (inserted.affected == 0) return std::nullopt;
  auto alert = repo::find(c, fire.user_id, fire.rule_id);
  if (!alert) return std::nullopt;
  c.execute(
      "UPDATE alerts SET last_fired_ms = ?2, last_fired_bar = ?3, fire_count = fire_count + 1, "
      "status = CASE WHEN frequency = 'once' THEN 'fired' ELSE status END WHERE id = ?1",
      std::vector<Value>{fire.rule_id, fire.time_ms, fire.bar});
  Notification n;
  n.kind = "alert";
  n.title = alert->symbol + ": " + (alert->name.empty() ? alert->expression : alert->name);
  n.title = n.title.substr(0, 200);
  n.body = alert->symbol + " at " + format_price(fire.price) + ": " + alert->expression;
  n.body = n.body.substr(0, 2000);
  n.data = {{"alert_id", fire.rule_id}, {"symbol", fire.symbol},           {"price", fire.price},
            {"time_ms", fire.time_ms},  {"expression", alert->expression}, {"fire_key", fire.key}};
  const std::int64_t seq = Inbox::insert(c, fire.user_id, n, now);
  c.execute("UPDATE alert_fires SET notification_seq = ?2 WHERE fire_key = ?1", std::vector<Value>{fire.key, seq});
  const auto prefs = load_preferences(c, fire.user_id);
  const bool push = pushes(prefs, now);
  if (!push) mark_delivered(c, fire.key);  // nothing to push: the inbox has it
  const bool webhook = std::find(alert->channels.begin(), alert->channels.end(), "webhook") != alert->channels.end();
  if (webhook && prefs.webhook && !alert->webhook_url.empty()) {
    json::object payload{{"type", "alert.fired"},           {"alert_id", fire.rule_id}, {"name", alert->name},
                         {"symbol", fire.symbol},           {"price", fire.price},      {"time_ms", fire.time_ms},
                         {"expression", alert->expression}, {"fire_key", fire.key}};
    c.execute(
        "INSERT INTO webhook_deliveries (fire_key, alert_id, url, secret, payload, attempts, next_at_ms, status, "
        "last_error) VALUES (?1, ?2, ?3, ?4, ?5, 0, ?6, 'pending', '') ON CONFLICT (fire_key) DO NOTHING",
        std::vector<Value>{fire.key, fire.rule_id, alert->webhook_url, alert->webhook_secret, json::serialize(payload),
                           now});
  }
  const bool email = std::find(alert->channels.begin(), alert->channels.end(), "email") != alert->channels.end();
  if (email && prefs.email) {
    c.execute(
        "INSERT INTO email_deliveries (fire_key, user_id, subject, body, attempts, next_at_ms, status, last_error) "
        "VALUES (?1, ?2, ?3, ?4, 0, ?5, 'pending', '') ON CONFLICT (fire_key) DO NOTHING",
        std::vector<Value>{
            fire.key, fire.user_id, ("tradechat alert: " + n.title).substr(0, 200),
            n.body + "\n\nAlert " + fire.rule_id + " fired at " + std::to_string(fire.time_ms) + " (Unix ms).\n", now});
  }
  auto stored = *Inbox::load(c, fire.user_id, seq);
  const bool web_push = std::find(alert->channels.begin(), alert->channels.end(), "web_push") != alert->channels.end();
  // Web Push buzzes a device: quiet hours hold it back like the in-app push.
  if (web_push && prefs.web_push && !in_quiet_hours(prefs, now)) {
    const auto payload = push_payload(stored);
    auto subs = c.execute("SELECT id FROM push_subscriptions WHERE user_id = ?1", std::vector<Value>{fire.user_id});
    for (const auto& sub : subs.rows) {
      c.execute(
          "INSERT INTO push_deliveries (delivery_key, subscription_id, user_id, payload, attempts, next_at_ms, status, "
          "last_error) VALUES (?1, ?2, ?3, ?4, 0, ?5, 'pending', '') ON CONFLICT (delivery_key) DO NOTHING",
          std::vector<Value>{fire.key + "/" + sub.text(0), sub.text(0), fire.user_id, payload, now});
    }
  }
  return RecordedFire{fire.user_id, fire.key, std::move(stored), push};
}

void mark_delivered(Connection& c, const std::string& fire_key) {
  c.execute("UPDATE alert_fires SET delivered = 1 WHERE fire_key = ?1", std::vector<Value>{fire_key});
}

std::vector<RecordedFire> undelivered(Connection& c) {
  auto rows = c.execute(
      "SELECT fire_key, user_id, notification_seq FROM alert_fires WHERE delivered = 0 ORDER BY created_at_ms LIMIT "
      "10000");
  std::vector<RecordedFire> out;
  for (const auto& r : rows.rows) {
    auto n = Inbox::load(c, r.text(1), r.integer(2));
    if (n) out.push_back({r.text(1), r.text(0), std::move(*n)});
  }
  return out;
}

}  // namespace tc::alerts
