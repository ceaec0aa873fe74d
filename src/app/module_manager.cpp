#include "app/module_manager.h"

#include "core/log.h"

#include <fmt/format.h>

#include <algorithm>
#include <functional>
#include <set>
#include <stdexcept>

namespace tc::app {

void ModuleManager::add(ModuleSpec spec) {
  if (find(spec.name)) throw std::logic_error("module registered twice: " + spec.name);
  specs_.push_back(std::move(spec));
}

const ModuleSpec* ModuleManager::find(const std::string& name) const {
  for (const auto& s : specs_) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

std::vector<std::string> ModuleManager::resolve(const std::vector<std::string>& targets) const {
  std::string known;
  for (const auto& s : specs_) known += (known.empty() ? "" : ", ") + s.name;
  std::vector<std::string> wanted;
  for (const auto& t : targets) {
    if (t == "all") {
      for (const auto& s : specs_) wanted.push_back(s.name);
    } else if (find(t)) {
      wanted.push_back(t);
    } else {
      throw ConfigError(
          fmt::format("config: target = \"{}\" is invalid: unknown module; known modules: all, {}", t, known));
    }
  }
  if (wanted.empty()) throw ConfigError(fmt::format("config: target is empty; known modules: all, {}", known));

  // Depth-first topological order; a grey node seen again is a cycle.
  std::vector<std::string> order;
  std::set<std::string> done, visiting;
  std::function<void(const std::string&, std::vector<std::string>&)> visit = [&](const std::string& name,
                                                                                 std::vector<std::string>& path) {
    if (done.count(name)) return;
    path.push_back(name);
    if (visiting.count(name)) {
      std::string cycle;
      for (const auto& p : path) cycle += (cycle.empty() ? "" : " -> ") + p;
      throw std::logic_error("module dependency cycle: " + cycle);
    }
    visiting.insert(name);
    const auto* spec = find(name);
    if (!spec) throw std::logic_error(fmt::format("module {} depends on unknown module", path.front()));
    for (const auto& dep : spec->dependencies) visit(dep, path);
    visiting.erase(name);
    done.insert(name);
    order.push_back(name);
    path.pop_back();
  };
  for (const auto& w : wanted) {
    std::vector<std::string> path;
    visit(w, path);
  }
  return order;
}

void ModuleManager::start(const std::vector<std::string>& order, ModuleContext& ctx) {
  for (const auto& name : order) {
    const auto* spec = find(name);
    if (!spec) throw std::logic_error("unknown module " + name);
    try {
      auto module = spec->create();
      module->start(ctx);
      running_.push_back(std::move(module));
      running_names_.push_back(name);
      log::info("module started", {{"module", name}});
    } catch (const std::exception& e) {
      log::error("module failed to start", {{"module", name}, {"error", e.what()}});
      stop();
      throw;
    }
  }
}

void ModuleManager::stop() noexcept {
  while (!running_.empty()) {
    running_.back()->stop();
    log::info("module stopped", {{"module", running_names_.back()}});
    running_.pop_back();
    running_names_.pop_back();
  }
}

}  // namespace tc::app
