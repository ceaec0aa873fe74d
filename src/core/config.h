// Configuration: built-in defaults, then a TOML file, then TRADECHAT_* environment
// variables, then command-line flags. Every key is declared in a schema with its
// kind and limits; a bad value fails with one line naming the key, the value and
// what is allowed. Secret keys may also be given as `<key>_file` (a path whose
// contents are the value) and are masked when printed.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

namespace tc {

class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

enum class ConfigKind {
  string,       // any text
  integer,      // whole number within [min, max]
  boolean,      // true/false
  duration,     // "250ms", "30s", "5m", "1h"; stored as milliseconds within [min, max]
  size,         // "512", "64KiB", "1MiB", "1GiB"; stored as bytes within [min, max]
  list,         // TOML array of strings, or comma-separated text
  enumeration,  // one of `allowed`
  address,      // host:port (port may be 0 for an ephemeral port)
  url,          // empty, or a URL whose scheme is one of `allowed`
  json,         // structured value: a TOML array or inline table in a file, JSON text elsewhere;
                // stored as JSON text, its shape checked by a schema validator
};

struct ConfigKey {
  std::string key;  // dotted path, e.g. "http.addr"
  ConfigKind kind = ConfigKind::string;
  std::string default_value;  // textual form, parsed like any other source
  std::string help;
  bool secret = false;
  std::vector<std::string> allowed{};
  std::int64_t min = std::numeric_limits<std::int64_t>::min();
  std::int64_t max = std::numeric_limits<std::int64_t>::max();
};

class Config;

class ConfigSchema {
 public:
  // Checks that span keys or look inside a json key; run after every source is
  // applied. Throws ConfigError with one line naming the key.
  using Validator = std::function<void(const Config&)>;

  ConfigSchema& add(ConfigKey key);
  ConfigSchema& add_validator(Validator validator);
  const std::vector<Validator>& validators() const noexcept { return validators_; }
  const ConfigKey* find(const std::string& key) const;
  const std::vector<ConfigKey>& keys() const noexcept { return keys_; }
  // "http.max_body_bytes" -> "TRADECHAT_HTTP_MAX_BODY_BYTES"
  static std::string env_name(const std::string& key);

 private:
  std::vector<ConfigKey> keys_;
  std::vector<Validator> validators_;
};

// The keys of the server core. Modules add their own keys to the schema.
ConfigSchema core_config_schema();

enum class ConfigSource { default_value, file, env, flag };

class Config {
 public:
  using Value = std::variant<std::string, std::int64_t, bool, std::vector<std::string>>;

  // `env` is usually the process environment; `flags` are key=value overrides
  // (from --set and dedicated flags such as --target), applied last.
  static Config load(const ConfigSchema& schema, const std::string& file_path,
                     const std::map<std::string, std::string>& env,
                     const std::vector<std::pair<std::string, std::string>>& flags);

  // Reads the process environment into a map (only TRADECHAT_* variables).
  static std::map<std::string, std::string> process_env();

  const std::string& str(const std::string& key) const;
  std::int64_t integer(const std::string& key) const;
  bool boolean(const std::string& key) const;
  std::chrono::milliseconds duration(const std::string& key) const;
  std::uint64_t size(const std::string& key) const;
  const std::vector<std::string>& list(const std::string& key) const;
  const std::string& json(const std::string& key) const;  // JSON text of a json key
  ConfigSource source(const std::string& key) const;

  // Effective values as TOML, secrets masked, each line commented with its source.
  std::string render_effective() const;
  // Masks the password of a URL's userinfo: postgres://u:secret@h/db -> postgres://u:****@h/db
  static std::string mask_url(const std::string& url);

 private:
  struct Entry {
    const ConfigKey* def = nullptr;
    Value value;
    std::string text;  // canonical textual form, for printing
    ConfigSource source = ConfigSource::default_value;
  };
  const Entry& entry(const std::string& key) const;
  void assign(const ConfigKey& def, const std::string& text, ConfigSource source, const std::string& origin);
  void assign_list(const ConfigKey& def, std::vector<std::string> items, ConfigSource source);

  ConfigSchema schema_;
  std::map<std::string, Entry> entries_;
};

}  // namespace tc
