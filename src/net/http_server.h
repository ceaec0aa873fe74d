// The HTTP/1.1 and WebSocket server (Boost.Beast, C++20 coroutines). Beast stays in
// http_server.cpp; everything above the socket lives in the Pipeline.
#pragma once

#include "core/metrics.h"
#include "net/pipeline.h"
#include "net/websocket.h"

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

namespace tc::http {

struct ServerOptions {
  std::string addr = "127.0.0.1:8080";
  int io_threads = 1;
  std::size_t max_connections = 10000;
  std::uint64_t max_header_bytes = 16ULL * 1024;
  std::chrono::milliseconds header_timeout{10'000};
  std::chrono::milliseconds body_timeout{30'000};
  std::chrono::milliseconds idle_timeout{60'000};
  std::chrono::milliseconds write_timeout{30'000};
  std::chrono::milliseconds shutdown_timeout{10'000};
  bool trust_proxy = false;
  std::uint64_t ws_max_message_bytes = 64ULL * 1024;
  std::uint64_t ws_max_outbox_bytes = 1024ULL * 1024;
  std::chrono::milliseconds ws_ping_interval{25'000};
};

class HttpServer {
 public:
  HttpServer(ServerOptions options, Pipeline& pipeline, metrics::Registry& metrics);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Registers a WebSocket endpoint (before start()).
  void add_websocket(std::string path, WsAccept accept);

  // Binds and starts accepting on the I/O threads. Throws with the address and
  // the reason when the address cannot be bound.
  void start();
  // The bound address, e.g. "127.0.0.1:43121" (useful with port 0).
  std::string local_address() const;
  // Graceful stop: stop accepting, let in-flight requests finish (their responses
  // carry Connection: close), close idle keep-alive connections, close WebSockets
  // with 1001, and force-close whatever remains after shutdown_timeout. Blocks
  // until the I/O threads have exited. Idempotent.
  void shutdown();

  std::size_t open_connections() const;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace tc::http
