// Process and build metrics in the names Prometheus client libraries use.
#pragma once

#include "core/metrics.h"

namespace tc::app {

void register_process_metrics(metrics::Registry& registry);

}  // namespace tc::app
