// The realtime module's interface to other modules: who owns which channel
// namespace (and so decides who may subscribe and publish), RPC methods, and a way
// to publish to a channel from the server side.
#pragma once

#include "modules/realtime/history.h"

#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace tc::realtime {

// Who is on the other end of a connection (from the verified access token).
struct Principal {
  std::string user_id;
  std::string session_id;
  std::string role;
};

// Where a persisted stream stands: its epoch (stable while its offsets mean the same
// thing, e.g. for the life of a chat room) and its newest committed offset.
struct StreamPosition {
  std::string epoch;
  std::uint64_t offset = 0;
};

// What a channel's owner grants a subscriber.
struct SubscribeGrant {
  bool history = false;   // keep recent publications; enables recovery and the history command
  bool presence = false;  // track who is subscribed; enables presence and join/leave pushes
  bool join_leave = false;
  // Set when the owner persists the channel's publications with its own offsets
  // (chat rooms): history and recovery then read the owner's store (so they survive
  // restarts and work across instances) instead of the hub's memory.
  std::optional<StreamPosition> stream{};
};

// A read of an owner-persisted stream, with the meaning of the protocol's history
// command: reverse=false gives the oldest `limit` after `since` in offset order;
// reverse=true the newest `limit` (before `since` when given), newest first.
struct StreamQuery {
  std::optional<std::uint64_t> since;
  std::size_t limit = 0;
  bool reverse = false;
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
  // True when accept_publication fans the stored publication out itself (through
  // Realtime::publish_at, with the offset it persisted), so the session only acks.
  virtual bool publishes_itself() const { return false; }
  // For channels granted with `stream`: reads the persisted publications.
  virtual boost::asio::awaitable<std::vector<StoredPublication>> read_stream(std::string channel, StreamQuery query);
};

struct PublishOptions {
  // Only the newest publication of the channel matters (market ticks): a connection
  // that is behind, i.e. still has an older conflatable publication of this channel
  // waiting in its outbox, gets this one in that place instead of both in turn. A
  // reader that keeps up gets every one. Not for channels with history.
  bool conflatable = false;
};

using RpcMethod = std::function<boost::asio::awaitable<boost::json::value>(Principal, boost::json::value)>;

// Offered by the realtime module through the ServiceRegistry.
class Realtime {
 public:
  virtual ~Realtime() = default;
  virtual void register_namespace(std::string name, std::shared_ptr<ChannelOwner> owner) = 0;
  virtual void register_rpc(std::string method, RpcMethod method_fn) = 0;
  // Publishes from the server side (market ticks, notifications); returns the offset.
  // Publications on `user#<id>` channels reach that user on every instance (through
  // the bus; each instance keeps its own offsets); others only this instance's
  // subscribers (every instance runs its own market feed).
  virtual std::uint64_t publish(const std::string& channel, const boost::json::value& data, PublishOptions options) = 0;
  std::uint64_t publish(const std::string& channel, const boost::json::value& data) {
    return publish(channel, data, PublishOptions{});
  }
  // Fans out a publication the channel's owner already persisted at `offset`
  // (strictly increasing per channel, without gaps) to this instance's subscribers and
  // every other instance (through the bus). Subscribers get a channel's offsets in
  // order; a repeated offset is dropped. Never blocks on the network.
  virtual void publish_at(const std::string& channel, std::uint64_t offset, const boost::json::value& data,
                          const boost::json::object& info) = 0;
  // Fans out an event that takes no offset and is not kept (edits, reactions, read
  // receipts; typing with droppable=true, which a slow connection sheds first), on
  // every instance.
  virtual void broadcast(const std::string& channel, const boost::json::value& data, bool droppable) = 0;
  // Ends every subscription of `user_id` to `channel`, on every instance (a member
  // kicked or banned from a room stops receiving it at once). The client is told with
  // an unsubscribe push (code 2000: it does not resubscribe by itself).
  virtual void unsubscribe_user(const std::string& channel, const std::string& user_id) = 0;
};

}  // namespace tc::realtime
