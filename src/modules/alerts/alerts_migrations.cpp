// The tables the alerts module owns, both dialects.
#include "modules/alerts/alerts_module.h"

namespace tc::alerts {

std::vector<infra::store::Migration> migrations() {
  return {
      {"alerts", 1, "alert rules, fire records (idempotency keys), notification inbox, webhook queue, preferences",
       R"sql(
CREATE TABLE alerts (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL,
  symbol TEXT NOT NULL,
  name TEXT NOT NULL,
  expression TEXT NOT NULL,
  evaluate_on TEXT NOT NULL,
  timeframe TEXT NOT NULL,
  frequency TEXT NOT NULL,
  cooldown_ms INTEGER NOT NULL,
  expires_at_ms INTEGER NOT NULL,
  channels TEXT NOT NULL,
  webhook_url TEXT NOT NULL,
  webhook_secret TEXT NOT NULL,
  status TEXT NOT NULL,
  created_at_ms INTEGER NOT NULL,
  updated_at_ms INTEGER NOT NULL,
  last_fired_ms INTEGER NOT NULL,
  last_fired_bar INTEGER NOT NULL,
  fire_count INTEGER NOT NULL
);
CREATE INDEX alerts_user ON alerts(user_id, created_at_ms);
CREATE INDEX alerts_status ON alerts(status);
CREATE TABLE alert_fires (
  fire_key TEXT PRIMARY KEY,
  alert_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  symbol TEXT NOT NULL,
  time_ms INTEGER NOT NULL,
  price REAL NOT NULL,
  notification_seq INTEGER NOT NULL,
  delivered INTEGER NOT NULL,
  created_at_ms INTEGER NOT NULL
);
CREATE INDEX alert_fires_pending ON alert_fires(delivered);
CREATE TABLE notifications (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  user_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  title TEXT NOT NULL,
  body TEXT NOT NULL,
  data TEXT NOT NULL,
  created_at_ms INTEGER NOT NULL,
  read_at_ms INTEGER
);
CREATE INDEX notifications_user ON notifications(user_id, seq);
CREATE TABLE webhook_deliveries (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  fire_key TEXT NOT NULL UNIQUE,
  alert_id TEXT NOT NULL,
  url TEXT NOT NULL,
  secret TEXT NOT NULL,
  payload TEXT NOT NULL,
  attempts INTEGER NOT NULL,
  next_at_ms INTEGER NOT NULL,
  status TEXT NOT NULL,
  last_error TEXT NOT NULL
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries(status, next_at_ms);
CREATE TABLE notification_preferences (
  user_id TEXT PRIMARY KEY,
  in_app INTEGER NOT NULL,
  webhook INTEGER NOT NULL,
  quiet_start_min INTEGER NOT NULL,
  quiet_end_min INTEGER NOT NULL,
  time_zone TEXT NOT NULL,
  updated_at_ms INTEGER NOT NULL,
  email INTEGER NOT NULL
);
CREATE TABLE email_deliveries (
  fire_key TEXT PRIMARY KEY,
  user_id TEXT NOT NULL,
  subject TEXT NOT NULL,
  body TEXT NOT NULL,
  attempts INTEGER NOT NULL,
  next_at_ms INTEGER NOT NULL,
  status TEXT NOT NULL,
  last_error TEXT NOT NULL
);
CREATE INDEX email_deliveries_due ON email_deliveries(status, next_at_ms);
)sql",
       R"sql(
CREATE TABLE alerts (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL,
  symbol TEXT NOT NULL,
  name TEXT NOT NULL,
  expression TEXT NOT NULL,
  evaluate_on TEXT NOT NULL,
  timeframe TEXT NOT NULL,
  frequency TEXT NOT NULL,
  cooldown_ms BIGINT NOT NULL,
  expires_at_ms BIGINT NOT NULL,
  channels TEXT NOT NULL,
  webhook_url TEXT NOT NULL,
  webhook_secret TEXT NOT NULL,
  status TEXT NOT NULL,
  created_at_ms BIGINT NOT NULL,
  updated_at_ms BIGINT NOT NULL,
  last_fired_ms BIGINT NOT NULL,
  last_fired_bar BIGINT NOT NULL,
  fire_count BIGINT NOT NULL
);
CREATE INDEX alerts_user ON alerts(user_id, created_at_ms);
CREATE INDEX alerts_status ON alerts(status);
CREATE TABLE alert_fires (
  fire_key TEXT PRIMARY KEY,
  alert_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  symbol TEXT NOT NULL,
  time_ms BIGINT NOT NULL,
  price DOUBLE PRECISION NOT NULL,
  notification_seq BIGINT NOT NULL,
  delivered BIGINT NOT NULL,
  created_at_ms BIGINT NOT NULL
);
CREATE INDEX alert_fires_pending ON alert_fires(delivered);
CREATE TABLE notifications (
  seq BIGSERIAL PRIMARY KEY,
  user_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  title TEXT NOT NULL,
  body TEXT NOT NULL,
  data TEXT NOT NULL,
  created_at_ms BIGINT NOT NULL,
  read_at_ms BIGINT
);
CREATE INDEX notifications_user ON notifications(user_id, seq);
CREATE TABLE webhook_deliveries (
  id BIGSERIAL PRIMARY KEY,
  fire_key TEXT NOT NULL UNIQUE,
  alert_id TEXT NOT NULL,
  url TEXT NOT NULL,
  secret TEXT NOT NULL,
  payload TEXT NOT NULL,
  attempts BIGINT NOT NULL,
  next_at_ms BIGINT NOT NULL,
  status TEXT NOT NULL,
  last_error TEXT NOT NULL
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries(status, next_at_ms);
CREATE TABLE notification_preferences (
  user_id TEXT PRIMARY KEY,
  in_app INTEGER NOT NULL,
  webhook INTEGER NOT NULL,
  quiet_start_min INTEGER NOT NULL,
  quiet_end_min INTEGER NOT NULL,
  time_zone TEXT NOT NULL,
  updated_at_ms BIGINT NOT NULL,
  email INTEGER NOT NULL
);
CREATE TABLE email_deliveries (
  fire_key TEXT PRIMARY KEY,
  user_id TEXT NOT NULL,
  subject TEXT NOT NULL,
  body TEXT NOT NULL,
  attempts BIGINT NOT NULL,
  next_at_ms BIGINT NOT NULL,
  status TEXT NOT NULL,
  last_error TEXT NOT NULL
);
CREATE INDEX email_deliveries_due ON email_deliveries(status, next_at_ms);
)sql"},
      {"alerts", 2, "Web Push subscriptions and their delivery queue, daily digest preferences and runs",
       R"sql(
ALTER TABLE notification_preferences ADD COLUMN web_push INTEGER NOT NULL DEFAULT 1;
ALTER TABLE notification_preferences ADD COLUMN digest INTEGER NOT NULL DEFAULT 0;
ALTER TABLE notification_preferences ADD COLUMN digest_time_min INTEGER NOT NULL DEFAULT 480;
ALTER TABLE notification_preferences ADD COLUMN digest_since_ms BIGINT NOT NULL DEFAULT 0;
CREATE TABLE push_subscriptions (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL,
  endpoint TEXT NOT NULL,
  p256dh TEXT NOT NULL,
  auth TEXT NOT NULL,
  created_at_ms BIGINT NOT NULL,
  UNIQUE (user_id, endpoint)
);
CREATE INDEX push_subscriptions_user ON push_subscriptions(user_id, created_at_ms);
CREATE TABLE digest_runs (
  digest_key TEXT PRIMARY KEY,
  user_id TEXT NOT NULL,
  local_date TEXT NOT NULL,
  from_ms BIGINT NOT NULL,
  to_ms BIGINT NOT NULL,
  notifications BIGINT NOT NULL,
  created_at_ms BIGINT NOT NULL
);
CREATE TABLE push_deliveries (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  delivery_key TEXT NOT NULL UNIQUE,
  subscription_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  payload TEXT NOT NULL,
  attempts BIGINT NOT NULL,
  next_at_ms BIGINT NOT NULL,
  status TEXT NOT NULL,
  last_error TEXT NOT NULL
);
CREATE INDEX push_deliveries_due ON push_deliveries(status, next_at_ms);
)sql",
       R"sql(
ALTER TABLE notification_preferences ADD COLUMN web_push INTEGER NOT NULL DEFAULT 1;
ALTER TABLE notification_preferences ADD COLUMN digest INTEGER NOT NULL DEFAULT 0;
ALTER TABLE notification_preferences ADD COLUMN digest_time_min INTEGER NOT NULL DEFAULT 480;
ALTER TABLE notification_preferences ADD COLUMN digest_since_ms BIGINT NOT NULL DEFAULT 0;
CREATE TABLE push_subscriptions (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL,
  endpoint TEXT NOT NULL,
  p256dh TEXT NOT NULL,
  auth TEXT NOT NULL,
  created_at_ms BIGINT NOT NULL,
  UNIQUE (user_id, endpoint)
);
CREATE INDEX push_subscriptions_user ON push_subscriptions(user_id, created_at_ms);
CREATE TABLE digest_runs (
  digest_key TEXT PRIMARY KEY,
  user_id TEXT NOT NULL,
  local_date TEXT NOT NULL,
  from_ms BIGINT NOT NULL,
  to_ms BIGINT NOT NULL,
  notifications BIGINT NOT NULL,
  created_at_ms BIGINT NOT NULL
);
CREATE TABLE push_deliveries (
  id BIGSERIAL PRIMARY KEY,
  delivery_key TEXT NOT NULL UNIQUE,
  subscription_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  payload TEXT NOT NULL,
  attempts BIGINT NOT NULL,
  next_at_ms BIGINT NOT NULL,
  status TEXT NOT NULL,
  last_error TEXT NOT NULL
);
CREATE INDEX push_deliveries_due ON push_deliveries(status, next_at_ms);
)sql"},
  };
}

}  // namespace tc::alerts
