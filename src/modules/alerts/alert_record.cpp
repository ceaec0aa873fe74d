#include "modules/alerts/alert_record.h"

#include "core/errors.h"
#include "core/ids.h"
#include "modules/alerts/inbox.h"
#include "modules/alerts/rule_parser.h"

#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>

namespace tc::alerts {
namespace {

namespace json = boost::json;
using infra::store::Connection;
using infra::store::Row;
using infra::store::Value;

constexpr std::int64_t kMaxCooldownMs = 7LL * 86'400'000;
constexpr std::size_t kMaxUrl = 2048;

[[noreturn]] void invalid(const std::string& field, const std::string& reason) {
  throw std::move(errors::validation(field + ": " + reason).with("field", boost::json::string(field)));
}

std::string string_field(const json::object& o, const char* name, std::size_t min, std::size_t max) {
  const auto* s = o.at(name).if_string();
  if (!s || s->size() < min || s->size() > max) {
    invalid(name, "expected a string of " + std::to_string(min) + " to " + std::to_string(max) + " characters");
  }
  return std::string(*s);
}

std::int64_t int_field(const json::object& o, const char* name, std::int64_t min, std::int64_t max) {
  const auto& v = o.at(name);
  if (!v.is_int64() && !v.is_uint64()) invalid(name, "expected an integer");
  if (v.is_uint64() && v.get_uint64() > static_cast<std::uint64_t>(max)) invalid(name, "too large");
  const std::int64_t x = v.is_int64() ? v.get_int64() : static_cast<std::int64_t>(v.get_uint64());
  if (x < min || x > max) invalid(name, "expected " + std::to_string(min) + " to " + std::to_string(max));
  return x;
}

std::string one_of(const json::object& o, const char* name, std::initializer_list<std::string_view> allowed) {
  const auto* s = o.at(name).if_string();
  std::string list;
  for (auto a : allowed) {
    if (s && *s == a) return std::string(a);
    list += (list.empty() ? "" : ", ") + std::string(a);
  }
  invalid(name, "expected one of " + list);
}

const std::string& column_list() {
  static const std::string cols =
      "id, user_id, symbol, name, expression, evaluate_on, timeframe, frequency, cooldown_ms, expires_at_ms, "
      "channels, webhook_url, webhook_secret, status, created_at_ms, updated_at_ms, last_fired_ms, last_fired_bar, "
      "fire_count";
  return cols;
}

AlertRecord from_row(const Row& r) {
  AlertRecord a;
  a.id = r.text(0);
  a.user_id = r.text(1);
  a.symbol = r.text(2);
  a.name = r.text(3);
  a.expression = r.text(4);
  a.evaluate_on = r.text(5);
  a.timeframe = r.text(6);
  a.frequency = r.text(7);
  a.cooldown_ms = r.integer(8);
  a.expires_at_ms = r.integer(9);
  a.channels.clear();
  const auto channels = json::parse(r.text(10));  // named: a temporary would die before the loop
  for (const auto& c : channels.as_array()) a.channels.emplace_back(c.as_string());
  a.webhook_url = r.text(11);
  a.webhook_secret = r.text(12);
  a.status = r.text(13);
  a.created_at_ms = r.integer(14);
  a.updated_at_ms = r.integer(15);
  a.last_fired_ms = r.integer(16);
  a.last_fired_bar = r.integer(17);
  a.fire_count = r.integer(18);
  return a;
}

std::vector<Value> params_of(const AlertRecord& a) {
  json::array channels;
  for (const auto& c : a.channels) channels.emplace_back(c);
  return {a.id,
          a.user_id,
          a.symbol,
          a.name,
          a.expression,
          a.evaluate_on,
          a.timeframe,
          a.frequency,
          a.cooldown_ms,
          a.expires_at_ms,
          json::serialize(channels),
          a.webhook_url,
          a.webhook_secret,
          a.status,
          a.created_at_ms,
          a.updated_at_ms,
          a.last_fired_ms,
          a.last_fired_bar,
          a.fire_count};
}

}  // namespace

void apply_body(AlertRecord& r, const json::value& body, bool create, const SymbolLookup& symbols) {
  const auto* o = body.if_object();
  if (!o) throw errors::validation("the body must be a JSON object");
  static constexpr std::string_view kAllowed[] = {"symbol",        "name",      "expression",  "condition",
                                                  "evaluate_on",   "timeframe", "frequency",   "cooldown_ms",
                                                  "expires_at_ms", "channels",  "webhook_url", "enabled"};
  for (const auto& kv : *o) {
    const bool known = std::find(std::begin(kAllowed), std::end(kAllowed), kv.key()) != std::end(kAllowed);
    if (!known || (create && kv.key() == "enabled")) invalid(std::string(kv.key()), "unknown field");
  }
  if (o->contains("symbol")) {
    auto s = string_field(*o, "symbol", 1, 32);
    auto found = symbols(s);
    if (!found) invalid("symbol", "unknown instrument '" + s + "'");
    r.symbol = *found;
  } else if (create) {
    invalid("symbol", "required");
  }
  if (o->contains("name")) r.name = string_field(*o, "name", 0, 100);
  if (o->contains("expression") && o->contains("condition")) {
    invalid("condition", "give either expression or condition, not both");
  }
  if (o->contains("expression")) {
    const auto* s = o->at("expression").if_string();
    if (!s) invalid("expression", "expected a string");
    r.expression = parse_expression(*s).text;
  } else if (o->contains("condition")) {
    r.expression = parse_condition_json(o->at("condition")).text;
  } else if (create) {
    invalid("expression", "required (or condition, the JSON form)");
  }
  if (o->contains("evaluate_on")) r.evaluate_on = one_of(*o, "evaluate_on", {"tick", "close"});
  if (o->contains("timeframe")) r.timeframe = one_of(*o, "timeframe", {"1m", "5m", "15m", "1h", "4h", "1d"});
  if (o->contains("frequency")) {
    r.frequency = one_of(*o, "frequency", {"once", "once_per_bar", "every_time"});
    if (create && r.frequency == "every_time" && !o->contains("cooldown_ms")) r.cooldown_ms = 60'000;
  }
  if (o->contains("cooldown_ms")) r.cooldown_ms = int_field(*o, "cooldown_ms", 0, kMaxCooldownMs);
  if (o->contains("expires_at_ms")) {
    if (o->at("expires_at_ms").is_null()) {
      r.expires_at_ms = 0;
    } else {
      r.expires_at_ms = int_field(*o, "expires_at_ms", 1, 32'503'680'000'000);  // before year 3000
      if (r.expires_at_ms <= now_ms()) invalid("expires_at_ms", "is in the past");
    }
  }
  if (o->contains("channels")) {
    const auto* arr = o->at("channels").if_array();
    if (!arr || arr->empty() || arr->size() > 4) {
      invalid("channels", "expected a non-empty array of in_app, email, webhook, web_push");
    }
    r.channels.clear();
    for (const auto& c : *arr) {
      const auto* s = c.if_string();
      if (!s || (*s != "in_app" && *s != "webhook" && *s != "email" && *s != "web_push")) {
        invalid("channels", "each channel is in_app, email, webhook or web_push");
      }
      if (std::find(r.channels.begin(), r.channels.end(), *s) != r.channels.end()) invalid("channels", "duplicate");
      r.channels.emplace_back(*s);
    }
  }
  if (o->contains("webhook_url")) {
    r.webhook_url = string_field(*o, "webhook_url", 0, kMaxUrl);
    if (!r.webhook_url.empty() && r.webhook_url.rfind("http://", 0) != 0 && r.webhook_url.rfind("https://", 0) != 0) {
      invalid("webhook_url", "expected an http:// or https:// URL");
    }
  }
  const bool webhook = std::find(r.channels.begin(), r.channels.end(), "webhook") != r.channels.end();
  if (webhook && r.webhook_url.empty()) invalid("webhook_url", "required when channels include webhook");
  if (webhook && r.webhook_secret.empty()) r.webhook_secret = ids::random_hex(32);
  if (o->contains("enabled")) {
    const auto* b = o->at("enabled").if_bool();
    if (!b) invalid("enabled", "expected true or false");
    r.status = *b ? "active" : "disabled";
  }
}

json::object to_json(const AlertRecord& r, bool with_secret) {
  json::array channels;
  for (const auto& c : r.channels) channels.emplace_back(c);
  json::object o{
      {"id", r.id},
      {"symbol", r.symbol},
      {"name", r.name},
      {"expression", r.expression},
      {"evaluate_on", r.evaluate_on},
      {"timeframe", r.timeframe},
      {"frequency", r.frequency},
      {"cooldown_ms", r.cooldown_ms},
      {"expires_at_ms", r.expires_at_ms == 0 ? json::value(nullptr) : json::value(r.expires_at_ms)},
      {"channels", std::move(channels)},
      {"webhook_url", r.webhook_url.empty() ? json::value(nullptr) : json::value(r.webhook_url)},
      {"status", r.status == "active" && r.expires_at_ms != 0 && r.expires_at_ms <= now_ms() ? "expired" : r.status},
      {"created_at_ms", r.created_at_ms},
      {"updated_at_ms", r.updated_at_ms},
      {"last_fired_ms", r.last_fired_ms == 0 ? json::value(nullptr) : json::value(r.last_fired_ms)},
      {"fire_count", r.fire_count}};
  if (with_secret && !r.webhook_secret.empty()) o["webhook_secret"] = r.webhook_secret;
  return o;
}

RuleSpec to_rule(const AlertRecord& r) {
  RuleSpec s;
  s.id = r.id;
  s.user_id = r.user_id;
  s.symbol = r.symbol;
  s.condition = parse_expression(r.expression);
  s.evaluate_on = r.evaluate_on == "close" ? EvaluateOn::close : EvaluateOn::tick;
  s.timeframe = market::parse_timeframe(r.timeframe).value_or(market::Timeframe::m1);
  s.frequency = r.frequency == "every_time"     ? Frequency::every_time
                : r.frequency == "once_per_bar" ? Frequency::once_per_bar
                                                : Frequency::once;
  s.cooldown_ms = r.cooldown_ms;
  s.expires_at_ms = r.expires_at_ms;
  s.last_fired_ms = r.last_fired_ms;
  s.last_fired_bar = r.last_fired_bar;
  return s;
}

namespace repo {

void insert(Connection& c, const AlertRecord& r) {
  c.execute("INSERT INTO alerts (" + column_list() +
                ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19)",
            params_of(r));
}

void update(Connection& c, const AlertRecord& r) {
  json::array channels;
  for (const auto& ch : r.channels) channels.emplace_back(ch);
  c.execute(
      "UPDATE alerts SET symbol = ?3, name = ?4, expression = ?5, evaluate_on = ?6, timeframe = ?7, frequency = ?8, "
      "cooldown_ms = ?9, expires_at_ms = ?10, channels = ?11, webhook_url = ?12, webhook_secret = ?13, status = ?14, "
      "updated_at_ms = ?15 WHERE id = ?1 AND user_id = ?2",
      std::vector<Value>{r.id, r.user_id, r.symbol, r.name, r.expression, r.evaluate_on, r.timeframe, r.frequency,
                         r.cooldown_ms, r.expires_at_ms, json::serialize(channels), r.webhook_url, r.webhook_secret,
                         r.status, r.updated_at_ms});
}

std::optional<AlertRecord> find(Connection& c, const std::string& user_id, const std::string& id) {
  auto rows = c.execute("SELECT " + column_list() + " FROM alerts WHERE id = ?1 AND user_id = ?2",
                        std::vector<Value>{id, user_id});
  if (rows.rows.empty()) return std::nullopt;
  return from_row(rows.rows.front());
}

std::vector<AlertRecord> list(Connection& c, const std::string& user_id) {
  auto rows = c.execute("SELECT " + column_list() + " FROM alerts WHERE user_id = ?1 ORDER BY created_at_ms, id",
                        std::vector<Value>{user_id});
  std::vector<AlertRecord> out;
  out.reserve(rows.rows.size());
  for (const auto& r : rows.rows) out.push_back(from_row(r));
  return out;
}

std::int64_t count(Connection& c, const std::string& user_id) {
  return c.execute("SELECT COUNT(*) FROM alerts WHERE user_id = ?1", std::vector<Value>{user_id}).rows.at(0).integer(0);
}

bool remove(Connection& c, const std::string& user_id, const std::string& id) {
  return c.execute("DELETE FROM alerts WHERE id = ?1 AND user_id = ?2", std::vector<Value>{id, user_id}).affected > 0;
}

std::vector<AlertRecord> active(Connection& c) {
  auto rows = c.execute("SELECT " + column_list() + " FROM alerts WHERE status = 'active'");
  std::vector<AlertRecord> out;
  out.reserve(rows.rows.size());
  for (const auto& r : rows.rows) out.push_back(from_row(r));
  return out;
}

}  // namespace repo
}  // namespace tc::alerts
