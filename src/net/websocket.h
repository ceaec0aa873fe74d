// WebSocket endpoints without Beast in sight. The server owns the socket and an
// outbound queue per connection; a per-connection handler sees messages in order.
#pragma once

#include "net/http.h"

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace tc::http {

// Close codes used by the server.
inline constexpr std::uint16_t kWsCloseGoingAway = 1001;  // server shutting down
inline constexpr std::uint16_t kWsCloseTooBig = 1009;
inline constexpr std::uint16_t kWsCloseSlow = 3008;  // outbox overflow; client should reconnect and recover

// The server side of one connection, as handlers see it. Thread-safe.
class WsConnection {
 public:
  virtual ~WsConnection() = default;
  // Queues a text message. Messages queued in the same event-loop turn leave in one
  // socket write, joined by '\n' into one frame (the Centrifugo JSON batching rule).
  // A droppable message (typing, presence) is discarded first when the outbox is
  // over its byte bound; if it is still over, the connection is closed with 3008.
  virtual void send(std::string message, bool droppable = false) = 0;
  // Queues a message that only the newest of its kind matters for (a market tick,
  // keyed by its channel). When the connection is behind, i.e. an earlier message
  // with the same key is still waiting in the outbox, this one takes its place
  // there instead of queueing behind it; otherwise it is queued like send().
  virtual void send_latest(std::string message, std::string key) = 0;
  virtual void close(std::uint16_t code, std::string reason) = 0;
  virtual const std::string& id() const = 0;
  virtual const std::string& remote_addr() const = 0;
};

// One handler object per connection, created when the upgrade is accepted.
class WsHandler {
 public:
  virtual ~WsHandler() = default;
  virtual void on_open(std::shared_ptr<WsConnection> connection) = 0;
  // Called for each message, one at a time, in arrival order.
  virtual boost::asio::awaitable<void> on_message(std::string message) = 0;
  virtual void on_close(std::uint16_t code) = 0;
};

// Decides on an upgrade request: returns the connection's handler, or throws a
// tc::Error to refuse it with a problem response.
using WsAccept = std::function<std::unique_ptr<WsHandler>(const Request& upgrade)>;

}  // namespace tc::http
