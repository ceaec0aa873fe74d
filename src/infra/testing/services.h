// For service tests: find the repository and drive scripts/services (stop and start
// a real server in the middle of a test).
#pragma once

#include <cstdlib>
#include <filesystem>
#include <string>

namespace tc::infra::testing {

inline std::string repo_root() {
  if (const char* r = std::getenv("TC_SOURCE_DIR")) return r;
  auto p = std::filesystem::current_path();
  while (!std::filesystem::exists(p / "CMakePresets.json") && p != p.parent_path()) p = p.parent_path();
  return p.string();
}

// `verb` is start, stop or restart; `service` is postgres, redis or nats. Returns the exit status.
inline int run_services(const std::string& verb, const std::string& service) {
  return std::system((repo_root() + "/scripts/services " + verb + " " + service + " >/dev/null").c_str());
}

}  // namespace tc::infra::testing
