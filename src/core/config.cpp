#include "core/config.h"

#include <fmt/format.h>
#include <toml++/toml.h>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdlib>
#include <fstream>
#include <sstream>

extern char** environ;  // NOLINT(readability-redundant-declaration)

namespace tc {
namespace {

[[noreturn]] void fail(const ConfigKey& def, const std::string& value, const std::string& allowed) {
  std::string shown = def.secret ? std::string("(secret)") : "\"" + value + "\"";
  throw ConfigError(fmt::format("config: {} = {} is invalid: {}", def.key, shown, allowed));
}

std::string trim(std::string s) {
  auto not_space = [](unsigned char c) { return !std::isspace(c); };
  s.erase(s.begin(), std::find_if(s.begin(), s.end(), not_space));
  s.erase(std::find_if(s.rbegin(), s.rend(), not_space).base(), s.end());
  return s;
}

bool parse_int(std::string_view s, std::int64_t& out) {
  if (s.empty()) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc{} && p == s.data() + s.size();
}

std::string range_text(const ConfigKey& def, const char* unit) {
  constexpr auto lo = std::numeric_limits<std::int64_t>::min();
  constexpr auto hi = std::numeric_limits<std::int64_t>::max();
  if (def.min != lo && def.max != hi) return fmt::format(" between {}{} and {}{}", def.min, unit, def.max, unit);
  if (def.min != lo) return fmt::format(" of at least {}{}", def.min, unit);
  if (def.max != hi) return fmt::format(" of at most {}{}", def.max, unit);
  return {};
}

using UnitTable = std::initializer_list<std::pair<const char*, std::int64_t>>;

// "<digits><unit>" scaled by the unit's multiplier and checked against the key's range.
std::int64_t parse_scaled(const ConfigKey& def, const std::string& text, UnitTable units, const std::string& allowed) {
  std::size_t digits = 0;
  while (digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits]))) ++digits;
  std::int64_t n = 0;
  if (digits == 0 || !parse_int(std::string_view(text).substr(0, digits), n)) fail(def, text, allowed);
  const std::string unit = text.substr(digits);
  for (const auto& [name, mult] : units) {
    if (unit != name) continue;
    if (n > std::numeric_limits<std::int64_t>::max() / mult) fail(def, text, allowed);
    const std::int64_t value = n * mult;
    if (value < def.min || value > def.max) fail(def, text, allowed);
    return value;
  }
  fail(def, text, allowed);
}

std::int64_t parse_duration_ms(const ConfigKey& def, const std::string& text) {
  return parse_scaled(def, text, {{"ms", 1}, {"s", 1000}, {"m", 60'000}, {"h", 3'600'000}},
                      "expected a duration such as 250ms, 30s, 5m or 1h" + range_text(def, "ms"));
}

std::int64_t parse_size(const ConfigKey& def, const std::string& text) {
  return parse_scaled(def, text,
                      {{"", 1}, {"B", 1}, {"KiB", 1024}, {"MiB", 1024 * 1024}, {"GiB", 1024LL * 1024 * 1024}},
                      "expected a size such as 4096, 64KiB, 1MiB or 1GiB" + range_text(def, " bytes"));
}

void check_address(const ConfigKey& def, const std::string& text) {
  const std::string allowed = "expected host:port, e.g. 127.0.0.1:8080, [::1]:8080 or 0.0.0.0:0";
  auto colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0) fail(def, text, allowed);
  std::string host = text.substr(0, colon);
  std::int64_t port = -1;
  if (!parse_int(std::string_view(text).substr(colon + 1), port) || port < 0 || port > 65535) {
    fail(def, text, allowed);
  }
  if (host.front() == '[') {
    if (host.back() != ']' || host.size() < 3) fail(def, text, allowed);
    return;
  }
  for (char c : host) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-')) fail(def, text, allowed);
  }
}

void check_url(const ConfigKey& def, const std::string& text) {
  if (text.empty()) return;
  std::string schemes;
  for (const auto& s : def.allowed) schemes += (schemes.empty() ? "" : ", ") + s + "://…";
  const std::string allowed = "expected empty or a URL starting with " + schemes;
  auto sep = text.find("://");
  if (sep == std::string::npos || sep + 3 >= text.size()) fail(def, text, allowed);
  std::string scheme = text.substr(0, sep);
  if (std::find(def.allowed.begin(), def.allowed.end(), scheme) == def.allowed.end()) fail(def, text, allowed);
  for (char c : text) {
    if (std::isspace(static_cast<unsigned char>(c)) || std::iscntrl(static_cast<unsigned char>(c))) {
      fail(def, text, allowed);
    }
  }
}

std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream ss(text);
  std::string item;
  while (std::getline(ss, item, ',')) {
    item = trim(item);
    if (!item.empty()) out.push_back(item);
  }
  return out;
}

std::string read_secret_file(const std::string& key, const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ConfigError(fmt::format("config: {}_file = \"{}\" is invalid: the file cannot be read", key, path));
  std::string s((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  return s;
}

// Flattens a TOML table into dotted keys; arrays, scalars and the tables of json
// keys are leaves.
void flatten(const toml::table& table, const std::string& prefix, const ConfigSchema& schema,
             std::vector<std::pair<std::string, const toml::node*>>& out) {
  for (const auto& [k, node] : table) {
    std::string key = prefix.empty() ? std::string(k.str()) : prefix + "." + std::string(k.str());
    const auto* def = schema.find(key);
    if (const auto* sub = node.as_table(); sub && !(def && def->kind == ConfigKind::json))
      flatten(*sub, key, schema, out);
    else
      out.emplace_back(key, &node);
  }
}

const char* source_name(ConfigSource s) {
  switch (s) {
    case ConfigSource::default_value: return "default";
    case ConfigSource::file: return "file";
    case ConfigSource::env: return "env";
    case ConfigSource::flag: return "flag";
  }
  return "default";
}

std::string toml_quote(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out + "\"";
}

}  // namespace

ConfigSchema& ConfigSchema::add_validator(Validator validator) {
  validators_.push_back(std::move(validator));
  return *this;
}

ConfigSchema& ConfigSchema::add(ConfigKey key) {
  if (find(key.key)) throw std::logic_error("config key declared twice: " + key.key);
  keys_.push_back(std::move(key));
  return *this;
}

const ConfigKey* ConfigSchema::find(const std::string& key) const {
  for (const auto& k : keys_) {
    if (k.key == key) return &k;
  }
  return nullptr;
}

std::string ConfigSchema::env_name(const std::string& key) {
  std::string out = "TRADECHAT_";
  for (char c : key) out.push_back(c == '.' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  return out;
}

void Config::assign(const ConfigKey& def, const std::string& raw, ConfigSource source, const std::string& origin) {
  (void)origin;
  Entry e;
  e.def = &def;
  e.source = source;
  std::string text = def.kind == ConfigKind::string || def.kind == ConfigKind::url ? raw : trim(raw);
  e.text = text;
  switch (def.kind) {
    case ConfigKind::string:
      if (text.size() > 4096) fail(def, text.substr(0, 32) + "…", "at most 4096 characters");
      e.value = text;
      break;
    case ConfigKind::integer: {
      std::int64_t n = 0;
      if (!parse_int(text, n) || n < def.min || n > def.max) {
        fail(def, text, "expected a whole number" + range_text(def, ""));
      }
      e.value = n;
      break;
    }
    case ConfigKind::boolean: {
      std::string lower = text;
      std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
      if (lower == "true" || lower == "1" || lower == "yes" || lower == "on")
        e.value = true;
      else if (lower == "false" || lower == "0" || lower == "no" || lower == "off")
        e.value = false;
      else
        fail(def, text, "expected true or false");
      e.text = std::get<bool>(e.value) ? "true" : "false";
      break;
    }
    case ConfigKind::duration: e.value = parse_duration_ms(def, text); break;
    case ConfigKind::size: e.value = parse_size(def, text); break;
    case ConfigKind::list: assign_list(def, split_list(text), source); return;
    case ConfigKind::enumeration: {
      if (std::find(def.allowed.begin(), def.allowed.end(), text) == def.allowed.end()) {
        std::string allowed;
        for (const auto& a : def.allowed) allowed += (allowed.empty() ? "" : ", ") + a;
        fail(def, text, "expected one of: " + allowed);
      }
      e.value = text;
      break;
    }
    case ConfigKind::address:
      check_address(def, text);
      e.value = text;
      break;
    case ConfigKind::url:
      check_url(def, text);
      e.value = text;
      break;
    case ConfigKind::json: {
      if (text.empty()) text = "[]";
      boost::system::error_code ec;
      const auto parsed = boost::json::parse(text, ec);
      if (ec)
        fail(def, text.size() > 40 ? text.substr(0, 40) + "…" : text, "expected JSON text (" + ec.message() + ")");
      e.text = boost::json::serialize(parsed);  // one line, whichever source it came from
      e.value = e.text;
      break;
    }
  }
  entries_[def.key] = std::move(e);
}

void Config::assign_list(const ConfigKey& def, std::vector<std::string> items, ConfigSource source) {
  for (const auto& item : items) {
    if (!def.allowed.empty() && std::find(def.allowed.begin(), def.allowed.end(), item) == def.allowed.end()) {
      std::string allowed;
      for (const auto& a : def.allowed) allowed += (allowed.empty() ? "" : ", ") + a;
      fail(def, item, "each item must be one of: " + allowed);
    }
  }
  Entry e;
  e.def = &def;
  e.source = source;
  for (const auto& item : items) e.text += (e.text.empty() ? "" : ",") + item;
  e.value = std::move(items);
  entries_[def.key] = std::move(e);
}

Config Config::load(const ConfigSchema& schema, const std::string& file_path,
                    const std::map<std::string, std::string>& env,
                    const std::vector<std::pair<std::string, std::string>>& flags) {
  Config cfg;
  cfg.schema_ = schema;
  const auto& defs = cfg.schema_.keys();
  for (const auto& def : defs) cfg.assign(def, def.default_value, ConfigSource::default_value, "default");

  auto lookup = [&cfg](const std::string& key) -> std::pair<const ConfigKey*, bool> {
    if (const auto* d = cfg.schema_.find(key)) return {d, false};
    if (key.size() > 5 && key.ends_with("_file")) {
      const auto* d = cfg.schema_.find(key.substr(0, key.size() - 5));
      if (d && d->secret) return {d, true};
    }
    return {nullptr, false};
  };

  if (!file_path.empty()) {
    toml::table table;
    try {
      table = toml::parse_file(file_path);
    } catch (const toml::parse_error& e) {
      const auto& where = e.source().begin;
      throw ConfigError(fmt::format("config: {}:{}:{}: {}", file_path, where.line, where.column, e.description()));
    }
    std::vector<std::pair<std::string, const toml::node*>> leaves;
    flatten(table, "", cfg.schema_, leaves);
    for (const auto& [key, node] : leaves) {
      auto [def, is_file] = lookup(key);
      if (!def) {
        throw ConfigError(fmt::format("config: {} in {} is not a known key (run `tradechat config check` for the list)",
                                      key, file_path));
      }
      if (def->kind == ConfigKind::json && !is_file && (node->is_array() || node->is_table())) {
        std::ostringstream json;
        if (const auto* arr = node->as_array())
          json << toml::json_formatter{*arr};
        else
          json << toml::json_formatter{*node->as_table()};
        cfg.assign(*def, json.str(), ConfigSource::file, file_path);
        continue;
      }
      if (const auto* arr = node->as_array(); arr && def->kind == ConfigKind::list && !is_file) {
        std::vector<std::string> items;
        for (const auto& el : *arr) {
          if (!el.is_string()) fail(*def, "[…]", "expected an array of strings");
          items.push_back(std::string(el.as_string()->get()));
        }
        cfg.assign_list(*def, std::move(items), ConfigSource::file);
        continue;
      }
      std::string text;
      if (const auto* s = node->as_string())
        text = s->get();
      else if (const auto* i = node->as_integer())
        text = std::to_string(i->get());
      else if (const auto* b = node->as_boolean())
        text = b->get() ? "true" : "false";
      else
        fail(*def, "(unsupported TOML type)", "expected a string, integer or boolean");
      if (is_file) text = read_secret_file(def->key, text);
      cfg.assign(*def, text, ConfigSource::file, file_path);
    }
  }

  for (const auto& def : defs) {
    auto name = ConfigSchema::env_name(def.key);
    if (def.secret) {
      if (auto it = env.find(name + "_FILE"); it != env.end()) {
        cfg.assign(def, read_secret_file(def.key, it->second), ConfigSource::env, name + "_FILE");
      }
    }
    if (auto it = env.find(name); it != env.end()) cfg.assign(def, it->second, ConfigSource::env, name);
  }

  for (const auto& [key, value] : flags) {
    auto [def, is_file] = lookup(key);
    if (!def) throw ConfigError(fmt::format("config: --set {} is not a known key", key));
    cfg.assign(*def, is_file ? read_secret_file(def->key, value) : value, ConfigSource::flag, "flag");
  }
  for (const auto& validate : cfg.schema_.validators()) validate(cfg);
  return cfg;
}

std::map<std::string, std::string> Config::process_env() {
  std::map<std::string, std::string> out;
  for (char** e = environ; e && *e; ++e) {
    std::string_view kv(*e);
    if (!kv.starts_with("TRADECHAT_")) continue;
    auto eq = kv.find('=');
    if (eq == std::string_view::npos) continue;
    out.emplace(std::string(kv.substr(0, eq)), std::string(kv.substr(eq + 1)));
  }
  return out;
}

const Config::Entry& Config::entry(const std::string& key) const {
  auto it = entries_.find(key);
  if (it == entries_.end()) throw std::logic_error("config key not declared: " + key);
  return it->second;
}

const std::string& Config::str(const std::string& key) const { return std::get<std::string>(entry(key).value); }
std::int64_t Config::integer(const std::string& key) const { return std::get<std::int64_t>(entry(key).value); }
bool Config::boolean(const std::string& key) const { return std::get<bool>(entry(key).value); }
std::chrono::milliseconds Config::duration(const std::string& key) const {
  return std::chrono::milliseconds(std::get<std::int64_t>(entry(key).value));
}
std::uint64_t Config::size(const std::string& key) const {
  return static_cast<std::uint64_t>(std::get<std::int64_t>(entry(key).value));
}
const std::vector<std::string>& Config::list(const std::string& key) const {
  return std::get<std::vector<std::string>>(entry(key).value);
}
const std::string& Config::json(const std::string& key) const { return std::get<std::string>(entry(key).value); }
ConfigSource Config::source(const std::string& key) const { return entry(key).source; }

std::string Config::mask_url(const std::string& url) {
  auto sep = url.find("://");
  if (sep == std::string::npos) return url.empty() ? url : "********";
  auto at = url.find('@', sep + 3);
  if (at == std::string::npos) return url;
  auto colon = url.find(':', sep + 3);
  if (colon == std::string::npos || colon > at) return url;
  return url.substr(0, colon + 1) + "****" + url.substr(at);
}

std::string Config::render_effective() const {
  std::string out;
  for (const auto& def : schema_.keys()) {
    const auto& e = entry(def.key);
    std::string shown;
    if (def.kind == ConfigKind::list) {
      shown = "[";
      const auto& items = std::get<std::vector<std::string>>(e.value);
      for (std::size_t i = 0; i < items.size(); ++i) {
        shown += (i ? ", " : "") + toml_quote(def.secret ? std::string("********") : items[i]);
      }
      shown += "]";
    } else if (def.kind == ConfigKind::integer || def.kind == ConfigKind::boolean) {
      shown = e.text;
    } else if (def.kind == ConfigKind::json) {
      shown = def.secret ? toml_quote("********") : toml_quote(e.text);
    } else {
      std::string text = e.text;
      if (def.secret && !text.empty()) text = def.kind == ConfigKind::url ? mask_url(text) : "********";
      shown = toml_quote(text);
    }
    out += fmt::format("{} = {}  # {} ({})\n", def.key, shown, source_name(e.source), ConfigSchema::env_name(def.key));
  }
  return out;
}

}  // namespace tc
