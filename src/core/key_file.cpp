#include "core/key_file.h"

#include "core/base64url.h"
#include "core/log.h"

#include <fmt/format.h>
#include <sodium.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <iterator>

namespace tc {

std::string load_or_create_key(const Config& config, const std::string& config_key, const std::string& file_name,
                               std::size_t bytes) {
  if (!config.str(config_key).empty()) {
    auto raw = base64url_decode(config.str(config_key));
    if (!raw || raw->size() != bytes) {
      throw ConfigError(fmt::format("config: {} = (secret) is invalid: expected {} bytes in base64url (no padding)",
                                    config_key, bytes));
    }
    return *raw;
  }
  auto dir = std::filesystem::path(config.str("data.dir")) / "keys";
  auto file = dir / file_name;
  std::filesystem::create_directories(dir);
  std::string material;
  if (std::filesystem::exists(file)) {
    std::ifstream in(file, std::ios::binary);
    material.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    if (material.size() != bytes) {
      throw ConfigError(fmt::format("config: {} (the key file {}) is invalid: expected {} bytes, found {}", config_key,
                                    file.string(), bytes, material.size()));
    }
    return material;
  }
  if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
  material.resize(bytes);
  randombytes_buf(material.data(), material.size());
  // Created private before anything is written to it.
  auto tmp = file;
  tmp += ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    ::chmod(tmp.c_str(), 0600);
    out << material;
  }
  std::filesystem::rename(tmp, file);
  log::warn("generated a key; back it up apart from the database", {{"file", file.string()}, {"key", config_key}});
  return material;
}

}  // namespace tc
