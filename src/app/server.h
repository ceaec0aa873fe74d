// `tradechat serve`: wires the core, the selected modules and the HTTP server,
// then runs until SIGTERM or SIGINT and shuts down gracefully.
#pragma once

#include "core/config.h"

namespace tc::app {

int serve(const Config& config);

}  // namespace tc::app
