// The `ai.*` keys of the language-model layer: the provider endpoints
// (`ai.providers`, a list of tables in TOML or JSON text in TRADECHAT_AI_PROVIDERS),
// the model chain of each mode (`ai.chains.<mode>`), and the router's limits.
// Parsed into RouterSettings; every error is one line naming the key, e.g.
// `config: ai.providers[1].kind = "gpt" is invalid: expected openai or anthropic`.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace tc {
class Config;
class ConfigSchema;
}  // namespace tc

namespace tc::ai::llm {

enum class ProviderKind { openai, anthropic };

struct ModelSpec {
  std::string name;                    // as the provider spells it, e.g. "llama3.2:3b"
  std::int64_t context_window = 8192;  // tokens
  double input_price = 0;              // USD per million input tokens
  double output_price = 0;             // USD per million output tokens
};

struct Endpoint {
  std::string name;  // [a-z0-9_-], used in chains ("local/llama3.2:3b"), metrics and messages
  ProviderKind kind = ProviderKind::openai;
  std::string
      base_url;  // openai: ".../v1" (+ /chat/completions); anthropic: "https://api.anthropic.com" (+ /v1/messages)
  std::string api_key;         // read from api_key_env or api_key_file; never logged or shown
  std::string api_key_source;  // "env OPENAI_API_KEY" / "file /run/secrets/x" / "" (for messages)
  std::vector<ModelSpec> models;
};

struct ChainEntry {
  std::size_t endpoint = 0;  // index into RouterSettings::endpoints
  std::size_t model = 0;     // index into that endpoint's models
};

struct RouterSettings {
  std::vector<Endpoint> endpoints;
  std::map<std::string, std::vector<ChainEntry>> chains;  // mode -> chain; "default" for the rest
  std::chrono::milliseconds connect_timeout{10'000};
  std::chrono::milliseconds read_timeout{60'000};
  int retries = 1;  // extra attempts on the same provider after a retryable failure
  std::chrono::milliseconds retry_base{250};
  int breaker_failures = 3;
  std::chrono::milliseconds breaker_cooldown{30'000};
  std::int64_t requests_per_hour = 120;   // per user; 0 = unlimited
  std::int64_t tokens_per_day = 200'000;  // per user, input + output; 0 = unlimited
  int max_concurrent_per_user = 2;
  std::size_t max_response_bytes = 8 << 20;  // one streamed answer
};

// The modes with a chain key of their own (the assistant's seven) plus "default".
const std::vector<std::string>& chain_modes();

void add_config_keys(ConfigSchema& schema);
// Parses and checks everything (reads key files and environment variables).
// Throws ConfigError naming the key.
RouterSettings load_router_settings(const Config& config);
// Parses the JSON form of ai.providers (also what the TOML array becomes).
// `getenv` is how api_key_env is looked up (tests pass their own).
std::vector<Endpoint> parse_endpoints(const std::string& json_text,
                                      const std::map<std::string, std::string>* env_override = nullptr);

}  // namespace tc::ai::llm
