// The router behind llm.h, built from RouterSettings so tests can give it their
// own endpoints, a clock and a metrics registry.
#pragma once

#include "modules/ai/llm/llm.h"
#include "modules/ai/llm/llm_config.h"

#include <chrono>
#include <functional>
#include <memory>

namespace tc::metrics {
class Registry;
}

namespace tc::ai::llm {

using SteadyNow = std::function<std::chrono::steady_clock::time_point()>;

// `metrics` may be null (no metrics kept); it must outlive the router.
std::shared_ptr<Router> make_router(RouterSettings settings, metrics::Registry* metrics, SteadyNow now = {});

// Circuit state of one provider, for tests and diagnostics: "closed", "open", "half_open".
std::string circuit_state(const Router& router, const std::string& provider);

}  // namespace tc::ai::llm
