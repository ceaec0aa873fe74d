// The routes every target serves: /healthz, /readyz, /metrics, /api/openapi.json
// and /api/v1/version.
#pragma once

#include "app/module.h"
#include "core/metrics.h"
#include "net/router.h"

#include <memory>
#include <string>
#include <vector>

namespace tc::app {

class Readiness {
 public:
  void add(std::string name, ReadinessCheck check) { checks_.emplace_back(std::move(name), std::move(check)); }
  const std::vector<std::pair<std::string, ReadinessCheck>>& checks() const noexcept { return checks_; }

 private:
  std::vector<std::pair<std::string, ReadinessCheck>> checks_;
};

// `openapi_json` is filled after every module registered its routes.
void add_core_routes(http::Router& router, metrics::Registry& metrics, const Readiness& readiness,
                     std::shared_ptr<const std::string> openapi_json, const std::vector<std::string>& running_modules);

}  // namespace tc::app
