#include "modules/ai/llm/llm_config.h"

#include "core/config.h"
#include "net/http_stream_client.h"

#include <fmt/format.h>
#include <boost/json.hpp>

#include <cstdlib>
#include <fstream>
#include <set>

namespace tc::ai::llm {
namespace {

namespace json = boost::json;

[[noreturn]] void fail(const std::string& key, const std::string& shown, const std::string& allowed) {
  throw ConfigError(fmt::format("config: {} = {} is invalid: {}", key, shown, allowed));
}

std::string shown(const json::value& v) {
  std::string text = json::serialize(v);
  return text.size() > 60 ? text.substr(0, 60) + "…" : text;
}

const json::string& need_string(const json::object& o, const std::string& key, const std::string& field,
                                bool required) {
  static const json::string empty;
  const auto* v = o.if_contains(field);
  if (!v) {
    if (required) fail(key + "." + field, "(missing)", "required");
    return empty;
  }
  if (!v->is_string()) fail(key + "." + field, shown(*v), "expected a string");
  return v->get_string();
}

double need_number(const json::value& v, const std::string& key, double lo, double hi) {
  double d = 0;
  if (v.is_int64())
    d = static_cast<double>(v.get_int64());
  else if (v.is_uint64())
    d = static_cast<double>(v.get_uint64());
  else if (v.is_double())
    d = v.get_double();
  else
    fail(key, shown(v), "expected a number");
  if (!(d >= lo && d <= hi)) fail(key, shown(v), fmt::format("expected a number between {} and {}", lo, hi));
  return d;
}

std::string read_key_file(const std::string& key, const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(key, "\"" + path + "\"", "the file cannot be read");
  std::string s((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  if (s.empty()) fail(key, "\"" + path + "\"", "the file is empty");
  if (s.size() > 4096) fail(key, "\"" + path + "\"", "the file holds more than 4096 bytes");
  return s;
}

ModelSpec parse_model(const json::value& v, const std::string& key) {
  ModelSpec m;
  if (v.is_string()) {
    m.name = std::string(v.get_string());
  } else if (v.is_object()) {
    const auto& o = v.get_object();
    for (const auto& field : o) {
      const std::string f(field.key());
      if (f != "name" && f != "context_window" && f != "input_price" && f != "output_price") {
        fail(fmt::format("{}.{}", key, f), shown(field.value()),
             "not a known field (name, context_window, input_price, output_price: USD per million tokens)");
      }
    }
    m.name = std::string(need_string(o, key, "name", true));
    if (const auto* cw = o.if_contains("context_window")) {
      const double d = need_number(*cw, key + ".context_window", 256, 100'000'000);
      if (d != static_cast<double>(static_cast<std::int64_t>(d))) {
        fail(key + ".context_window", shown(*cw), "expected a whole number");
      }
      m.context_window = static_cast<std::int64_t>(d);
    }
    if (const auto* p = o.if_contains("input_price")) m.input_price = need_number(*p, key + ".input_price", 0, 10'000);
    if (const auto* p = o.if_contains("output_price")) {
      m.output_price = need_number(*p, key + ".output_price", 0, 10'000);
    }
  } else {
    fail(key, shown(v), "expected a model name or a table {name, context_window, input_price, output_price}");
  }
  if (m.name.empty() || m.name.size() > 200) fail(key + ".name", "\"" + m.name + "\"", "expected 1 to 200 characters");
  for (char c : m.name) {
    if (static_cast<unsigned char>(c) <= ' ' || c == '"' || c == '\\') {
      fail(key + ".name", "\"" + m.name + "\"", "no spaces, quotes or control characters");
    }
  }
  return m;
}

bool valid_endpoint_name(const std::string& name) {
  if (name.empty() || name.size() > 32) return false;
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-')) return false;
  }
  return true;
}

Endpoint parse_endpoint(const json::value& v, const std::string& key,
                        const std::map<std::string, std::string>* env_override) {
  if (!v.is_object()) fail(key, shown(v), "expected a table {name, kind, base_url, models, api_key_env|api_key_file}");
  const auto& o = v.get_object();
  for (const auto& field : o) {
    const std::string f(field.key());
    if (f == "api_key") {
      fail(key + ".api_key", "(secret)", "keys are not written in the configuration; use api_key_env or api_key_file");
    }
    if (f != "name" && f != "kind" && f != "base_url" && f != "api_key_env" && f != "api_key_file" && f != "models") {
      fail(fmt::format("{}.{}", key, f), shown(field.value()),
           "not a known field (name, kind, base_url, api_key_env, api_key_file, models)");
    }
  }
  Endpoint e;
  e.name = std::string(need_string(o, key, "name", true));
  if (!valid_endpoint_name(e.name)) {
    fail(key + ".name", "\"" + e.name + "\"", "expected 1 to 32 characters of a-z, 0-9, _ and -");
  }
  const std::string kind(need_string(o, key, "kind", true));
  if (kind == "openai")
    e.kind = ProviderKind::openai;
  else if (kind == "anthropic")
    e.kind = ProviderKind::anthropic;
  else
    fail(key + ".kind", "\"" + kind + "\"",
         "expected openai (Chat Completions: OpenAI, Ollama, llama.cpp, vLLM, "
         "LM Studio) or anthropic (Messages API)");
  e.base_url = std::string(need_string(o, key, "base_url", true));
  while (e.base_url.ends_with('/')) e.base_url.pop_back();
  const auto url = http::parse_client_url(e.base_url);
  if (!url || url->target.find('?') != std::string::npos) {
    fail(key + ".base_url", "\"" + e.base_url + "\"",
         "expected http://host[:port][/path] or https://… (no user name, password or query)");
  }
  const std::string env_name(need_string(o, key, "api_key_env", false));
  const std::string file(need_string(o, key, "api_key_file", false));
  if (!env_name.empty() && !file.empty()) {
    fail(key + ".api_key_file", "\"" + file + "\"", "give api_key_env or api_key_file, not both");
  }
  if (!env_name.empty()) {
    const char* value = nullptr;
    if (env_override) {
      auto it = env_override->find(env_name);
      if (it != env_override->end()) value = it->second.c_str();
    } else {
      value = std::getenv(env_name.c_str());  // NOLINT(concurrency-mt-unsafe): read once at start-up
    }
    if (!value || !*value) fail(key + ".api_key_env", "\"" + env_name + "\"", "that environment variable is not set");
    e.api_key = value;
    e.api_key_source = "env " + env_name;
  } else if (!file.empty()) {
    e.api_key = read_key_file(key + ".api_key_file", file);
    e.api_key_source = "file " + file;
  }
  for (char c : e.api_key) {
    if (static_cast<unsigned char>(c) < ' ' || c == 0x7f) {
      fail(key + (file.empty() ? ".api_key_env" : ".api_key_file"), "(secret)", "the key holds control characters");
    }
  }
  const auto* models = o.if_contains("models");
  if (!models || !models->is_array() || models->get_array().empty()) {
    fail(key + ".models", models ? shown(*models) : "(missing)", "expected a non-empty list of models");
  }
  std::set<std::string> seen;
  for (std::size_t i = 0; i < models->get_array().size(); ++i) {
    auto m = parse_model(models->get_array()[i], fmt::format("{}.models[{}]", key, i));
    if (!seen.insert(m.name).second)
      fail(fmt::format("{}.models[{}].name", key, i), "\"" + m.name + "\"", "listed twice");
    e.models.push_back(std::move(m));
  }
  return e;
}

std::vector<ChainEntry> parse_chain(const std::string& key, const std::vector<std::string>& items,
                                    const std::vector<Endpoint>& endpoints) {
  std::vector<ChainEntry> chain;
  for (const auto& item : items) {
    const auto slash = item.find('/');
    const std::string provider = item.substr(0, slash);
    const std::string model = slash == std::string::npos ? std::string() : item.substr(slash + 1);
    std::size_t ei = 0;
    while (ei < endpoints.size() && endpoints[ei].name != provider) ++ei;
    if (ei == endpoints.size()) {
      fail(key, "\"" + item + "\"", "expected provider/model with a provider named in ai.providers");
    }
    std::size_t mi = 0;
    if (!model.empty()) {
      const auto& models = endpoints[ei].models;
      while (mi < models.size() && models[mi].name != model) ++mi;
      if (mi == models.size()) {
        fail(key, fmt::format("\"{}\"", item), fmt::format("provider {} lists no model {}", provider, model));
      }
    }
    chain.push_back({ei, mi});
  }
  return chain;
}

}  // namespace

const std::vector<std::string>& chain_modes() {
  static const std::vector<std::string> modes = {"default", "fast",           "deep_thinking", "trade_buddy",
                                                 "learn",   "stock_analysis", "web_search",    "search"};
  return modes;
}

std::vector<Endpoint> parse_endpoints(const std::string& json_text,
                                      const std::map<std::string, std::string>* env_override) {
  boost::system::error_code ec;
  auto root = json::parse(json_text.empty() ? std::string("[]") : json_text, ec);
  if (ec) fail("ai.providers", "(text)", "expected JSON (" + ec.message() + ")");
  if (!root.is_array()) fail("ai.providers", shown(root), "expected a list of provider tables");
  std::vector<Endpoint> out;
  for (std::size_t i = 0; i < root.get_array().size(); ++i) {
    auto e = parse_endpoint(root.get_array()[i], fmt::format("ai.providers[{}]", i), env_override);
    for (const auto& other : out) {
      if (other.name == e.name) fail(fmt::format("ai.providers[{}].name", i), "\"" + e.name + "\"", "used twice");
    }
    out.push_back(std::move(e));
  }
  if (out.size() > 32) fail("ai.providers", "(list)", "at most 32 providers");
  return out;
}

void add_config_keys(ConfigSchema& schema) {
  using K = ConfigKind;
  schema.add({.key = "ai.providers",
              .kind = K::json,
              .default_value = "[]",
              .help = "LLM endpoints ([[ai.providers]] tables, or JSON in TRADECHAT_AI_PROVIDERS): name, kind "
                      "(openai|anthropic), base_url, api_key_env or api_key_file, models [{name, context_window, "
                      "input_price, output_price}]; empty = the built-in offline engine"});
  for (const auto& mode : chain_modes()) {
    schema.add(
        {.key = "ai.chains." + mode,
         .kind = K::list,
         .default_value = "",
         .help = mode == "default"
                     ? std::string("provider/model chain for modes without their own; empty = the first "
                                   "model of every provider, in order")
                     : "provider/model chain tried in order for the " + mode + " mode; empty = ai.chains.default"});
  }
  schema.add({.key = "ai.connect_timeout",
              .kind = K::duration,
              .default_value = "10s",
              .help = "time to connect to a provider (then the next in the chain is tried)",
              .min = 10,
              .max = 600'000});
  schema.add({.key = "ai.read_timeout",
              .kind = K::duration,
              .default_value = "60s",
              .help = "longest wait for a provider's response headers, and between two pieces of its stream",
              .min = 10,
              .max = 3'600'000});
  schema.add({.key = "ai.retries",
              .kind = K::integer,
              .default_value = "1",
              .help = "extra attempts on the same provider after a connection error, timeout or 5xx",
              .min = 0,
              .max = 5});
  schema.add({.key = "ai.retry_base",
              .kind = K::duration,
              .default_value = "250ms",
              .help = "first retry delay (doubles per attempt, with ±50% jitter)",
              .min = 0,
              .max = 60'000});
  schema.add({.key = "ai.breaker.failures",
              .kind = K::integer,
              .default_value = "3",
              .help = "consecutive failures that open a provider's circuit",
              .min = 1,
              .max = 1000});
  schema.add({.key = "ai.breaker.cooldown",
              .kind = K::duration,
              .default_value = "30s",
              .help = "how long an open circuit skips the provider before one probe request",
              .min = 0,
              .max = 3'600'000});
  schema.add({.key = "ai.budget.requests_per_hour",
              .kind = K::integer,
              .default_value = "120",
              .help = "model requests per user per hour (0 = unlimited); beyond it 429 ai-budget",
              .min = 0,
              .max = 1'000'000});
  schema.add({.key = "ai.budget.tokens_per_day",
              .kind = K::integer,
              .default_value = "200000",
              .help = "input plus output tokens per user per day (0 = unlimited); beyond it 429 ai-budget",
              .min = 0,
              .max = 1'000'000'000'000});
  schema.add({.key = "ai.max_concurrent_per_user",
              .kind = K::integer,
              .default_value = "2",
              .help = "model requests one user may have running at once",
              .min = 1,
              .max = 64});
  schema.add_validator([](const Config& config) { (void)load_router_settings(config); });
}

RouterSettings load_router_settings(const Config& config) {
  RouterSettings s;
  s.endpoints = parse_endpoints(config.json("ai.providers"));
  for (const auto& mode : chain_modes()) {
    const std::string key = "ai.chains." + mode;
    auto chain = parse_chain(key, config.list(key), s.endpoints);
    if (!chain.empty()) s.chains[mode] = std::move(chain);
  }
  if (!s.chains.contains("default")) {
    std::vector<ChainEntry> all;
    for (std::size_t i = 0; i < s.endpoints.size(); ++i) all.push_back({i, 0});
    s.chains["default"] = std::move(all);
  }
  s.connect_timeout = config.duration("ai.connect_timeout");
  s.read_timeout = config.duration("ai.read_timeout");
  s.retries = static_cast<int>(config.integer("ai.retries"));
  s.retry_base = config.duration("ai.retry_base");
  s.breaker_failures = static_cast<int>(config.integer("ai.breaker.failures"));
  s.breaker_cooldown = config.duration("ai.breaker.cooldown");
  s.requests_per_hour = config.integer("ai.budget.requests_per_hour");
  s.tokens_per_day = config.integer("ai.budget.tokens_per_day");
  s.max_concurrent_per_user = static_cast<int>(config.integer("ai.max_concurrent_per_user"));
  return s;
}

}  // namespace tc::ai::llm
