// One stored alert rule: its fields, how a request body becomes one (strict:
// unknown fields and out-of-range values are 422), its JSON, its engine form,
// and its rows in `alerts` (every read and write scoped to the owner).
#pragma once

#include "infra/store/store.h"
#include "modules/alerts/engine.h"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace tc::alerts {

struct AlertRecord {
  std::string id;
  std::string user_id;
  std::string symbol;
  std::string name;
  std::string expression;  // canonical text of the condition
  std::string evaluate_on = "tick";
  std::string timeframe = "1m";
  std::string frequency = "once";
  std::int64_t cooldown_ms = 0;
  std::int64_t expires_at_ms = 0;               // 0 = never
  std::vector<std::string> channels{"in_app"};  // in_app, email, webhook
  std::string webhook_url;
  std::string webhook_secret;
  std::string status = "active";  // active, fired (once), disabled
  std::int64_t created_at_ms = 0;
  std::int64_t updated_at_ms = 0;
  std::int64_t last_fired_ms = 0;
  std::int64_t last_fired_bar = -1;
  std::int64_t fire_count = 0;
};

// Resolves a symbol to the market's spelling; nullopt when unknown.
using SymbolLookup = std::function<std::optional<std::string>(const std::string&)>;

// Applies a create (all required fields) or update (any subset, plus "enabled")
// body to `r`. Throws tc::Error 422 naming the field (and `position` for an
// expression error).
void apply_body(AlertRecord& r, const boost::json::value& body, bool create, const SymbolLookup& symbols);

boost::json::object to_json(const AlertRecord& r, bool with_secret);
RuleSpec to_rule(const AlertRecord& r);

namespace repo {
void insert(infra::store::Connection& c, const AlertRecord& r);
void update(infra::store::Connection& c, const AlertRecord& r);
std::optional<AlertRecord> find(infra::store::Connection& c, const std::string& user_id, const std::string& id);
std::vector<AlertRecord> list(infra::store::Connection& c, const std::string& user_id);
std::int64_t count(infra::store::Connection& c, const std::string& user_id);
bool remove(infra::store::Connection& c, const std::string& user_id, const std::string& id);
std::vector<AlertRecord> active(infra::store::Connection& c);
}  // namespace repo

}  // namespace tc::alerts
