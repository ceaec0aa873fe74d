// What a module is to the module manager: a name, the modules it needs, and a
// start/stop pair. Modules meet the server core through ModuleContext only.
#pragma once

#include "core/blocking_pool.h"
#include "core/config.h"
#include "core/metrics.h"
#include "infra/bus/bus.h"
#include "infra/cache/cache.h"
#include "infra/store/migrations.h"
#include "infra/store/store.h"
#include "net/router.h"
#include "net/websocket.h"

#include <boost/asio/awaitable.hpp>

#include <any>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <typeindex>
#include <vector>

namespace tc::app {

// Interfaces modules offer each other (e.g. chat's room-access check used by
// realtime), looked up by type. Filled during start, in dependency order.
class ServiceRegistry {
 public:
  template <class T>
  void provide(T* service) {
    services_[std::type_index(typeid(T))] = service;
  }
  template <class T>
  T* find() const {
    auto it = services_.find(std::type_index(typeid(T)));
    return it == services_.end() ? nullptr : std::any_cast<T*>(it->second);
  }

 private:
  std::map<std::type_index, std::any> services_;
};

// A readiness check: nullopt when the dependency answers, else why not.
using ReadinessCheck = std::function<boost::asio::awaitable<std::optional<std::string>>()>;

struct ModuleContext {
  const Config& config;
  metrics::Registry& metrics;
  BlockingPool& pool;
  http::Router& router;
  ServiceRegistry& services;
  infra::store::Store& store;
  infra::cache::Cache& cache;
  infra::bus::Bus& bus;
  std::function<void(std::string path, http::WsAccept accept)> add_websocket;
  std::function<void(std::string name, ReadinessCheck check)> add_readiness;
};

class Module {
 public:
  virtual ~Module() = default;
  // Registers routes, opens resources, provides services. Throws to abort start-up.
  virtual void start(ModuleContext& ctx) = 0;
  // Stops background work; called in reverse start order. Must not throw.
  virtual void stop() noexcept {}
};

struct ModuleSpec {
  std::string name;
  std::string description;
  std::vector<std::string> dependencies;
  std::function<std::unique_ptr<Module>()> create;
  // Schema changes of the tables this module owns, both dialects, numbered 1, 2, 3 …
  std::vector<infra::store::Migration> migrations{};
};

}  // namespace tc::app
