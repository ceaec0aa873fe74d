// The realtime module's interface to other modules: who owns which channel
// namespace (and so decides who may subscribe and publish), RPC methods, and a way
// to publish to a channel from the server side.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/json/value.hpp>

#include <functional>
#include <memory>
#include <string>

namespace tc::realtime {

// Who is on the other end of a connection (from the verified access token).
struct Principal {
  std::string user_id;
  std::string session_id;
  std::string role;
};

// What a channel's owner grants a subscriber.
struct SubscribeGrant {
  bool history = false;   // keep recent publications; enables recovery and the history command
  bool presence = false;  // track who is subscribed; enables presence and join/leave pushes
  bool join_leave = false;
};

// A channel namespace's owner ("room" for room:<id>, owned by chat). It decides.
class ChannelOwner {
 public:
  virtual ~ChannelOwner() = default;
  // Throws tc::Error (403 → permission denied, 404 → unknown channel) to refuse.
  virtual boost::asio::awaitable<SubscribeGrant> authorize_subscribe(Principal who, std::string channel) = 0;
  // Validates and persists a client's publication and returns what subscribers get
  // (e.g. the stored chat message with its id). Throws tc::Error to refuse. Called
  // before anything is acknowledged or fanned out.
  virtual boost::asio::awaitable<boost::json::value> accept_publication(Principal who, std::string channel,
                                                                        boost::json::value data) = 0;
};

using RpcMethod = std::function<boost::asio::awaitable<boost::json::value>(Principal, boost::json::value)>;

// Offered by the realtime module through the ServiceRegistry.
class Realtime {
 public:
  virtual ~Realtime() = default;
  virtual void register_namespace(std::string name, std::shared_ptr<ChannelOwner> owner) = 0;
  virtual void register_rpc(std::string method, RpcMethod method_fn) = 0;
  // Publishes from the server side (market ticks, notifications); returns the offset.
  virtual std::uint64_t publish(const std::string& channel, const boost::json::value& data) = 0;
};

}  // namespace tc::realtime
