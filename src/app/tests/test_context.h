// A complete ModuleContext for tests: full configuration schema, a SQLite store in
// a fresh temporary directory, in-process cache and bus.
#pragma once

#include "app/module.h"
#include "app/modules.h"
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

struct TestContext {
  Config config = Config::load(full_config_schema(), "", {}, {});
  metrics::Registry metrics;
  BlockingPool pool{1, 4};
  http::Router router;
  ServiceRegistry services;
  std::unique_ptr<infra::store::Store> store = temp_store(pool, metrics);
  infra::cache::Cache cache{infra::cache::open_memory(1000), pool};
  std::unique_ptr<infra::bus::Bus> bus = infra::bus::open_memory(metrics);
  ModuleContext ctx{config,
                    metrics,
                    pool,
                    router,
                    services,
                    *store,
                    cache,
                    *bus,
                    [](const std::string&, const http::WsAccept&) {},
                    [](const std::string&, const ReadinessCheck&) {}};
};

}  // namespace tc::app::testing
