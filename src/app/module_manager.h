// Starts the selected modules and everything they depend on, in dependency order,
// and stops them in reverse (Grafana Mimir's -target, for one binary).
#pragma once

#include "app/module.h"

#include <string>
#include <vector>

namespace tc::app {

class ModuleManager {
 public:
  // Throws std::logic_error on a duplicate name.
  void add(ModuleSpec spec);
  const std::vector<ModuleSpec>& specs() const noexcept { return specs_; }

  // The modules to run for `targets` ("all", or names), dependencies first.
  // Throws ConfigError naming an unknown target and listing the known ones, or a
  // dependency cycle.
  std::vector<std::string> resolve(const std::vector<std::string>& targets) const;

  // Starts `order` (from resolve). If one fails, the ones already started are
  // stopped in reverse and the error is rethrown.
  void start(const std::vector<std::string>& order, ModuleContext& ctx);
  // Stops the started modules in reverse order. Idempotent.
  void stop() noexcept;
  const std::vector<std::string>& running() const noexcept { return running_names_; }

 private:
  const ModuleSpec* find(const std::string& name) const;

  std::vector<ModuleSpec> specs_;
  std::vector<std::unique_ptr<Module>> running_;
  std::vector<std::string> running_names_;
};

}  // namespace tc::app
