// A SQLite store in a fresh temporary directory, for tests that need a ModuleContext.
#pragma once

#include "infra/store/sqlite_store.h"

#include <unistd.h>

#include <atomic>
#include <filesystem>

namespace tc::app::testing {

inline std::unique_ptr<infra::store::Store> temp_store(BlockingPool& pool, metrics::Registry& metrics) {
  static std::atomic<int> n{0};
  auto dir =
      std::filesystem::temp_directory_path() / ("tc-app-" + std::to_string(getpid()) + "-" + std::to_string(n++));
  std::filesystem::remove_all(dir);
  return infra::store::open_sqlite({.file = dir / "tradechat.db", .pool_size = 2}, pool, metrics);
}

}  // namespace tc::app::testing
