// The gateway module: the edge of the platform. It serves the web client at /
// and owns the real-time endpoint /connection/websocket, handing each connection
// to the realtime module when that module runs in this process.
#pragma once

#include "app/module.h"

namespace tc::modules::gateway {

// Offered by the realtime module; the gateway asks it to accept each upgrade.
class RealtimeEndpoint {
 public:
  virtual ~RealtimeEndpoint() = default;
  virtual std::unique_ptr<http::WsHandler> accept(const http::Request& upgrade) = 0;
};

app::ModuleSpec spec();

}  // namespace tc::modules::gateway
