// In-process channel hub: subscribers per channel, per-channel history and
// presence, and ordered fan-out (a channel's publications reach every subscriber
// in offset order).
#pragma once

#include "modules/realtime/history.h"
#include "modules/realtime/realtime.h"

#include <boost/json/object.hpp>

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>

namespace tc::realtime {

// A connection as the hub sees it.
class Subscriber {
 public:
  virtual ~Subscriber() = default;
  // Queues an already serialized reply frame; must not block.
  virtual void deliver(const std::string& frame, bool droppable) = 0;
  virtual const std::string& client_id() const = 0;
  virtual const std::string& user_id() const = 0;
};

struct HubOptions {
  std::size_t history_size = 100;  // publications kept per channel with history
  std::size_t max_recover = 1000;  // most publications replayed on recovery
};

class Hub {
 public:
  explicit Hub(HubOptions options);

  // Adds the subscriber; returns the channel's epoch and top offset.
  struct Position {
    std::string epoch;
    std::uint64_t offset = 0;
  };
  struct RecoverRequest {
    std::uint64_t offset = 0;
    std::string epoch;
  };
  // `reply` runs under the channel lock with the position and, when asked, the
  // recovery: a reply it queues is ahead of every publication that follows.
  using SubscribedReply = std::function<void(const Position&, const ChannelHistory::Recovery*)>;
  void subscribe(const std::string& channel, const std::shared_ptr<Subscriber>& s, const SubscribeGrant& grant,
                 const std::optional<RecoverRequest>& recover, const SubscribedReply& reply);
  void unsubscribe(const std::string& channel, const Subscriber& s);

  // Appends to history (when the channel keeps it) and fans out to subscribers.
  std::uint64_t publish(const std::string& channel, const boost::json::value& data,
                        const std::optional<boost::json::object>& info);

  ChannelHistory::Recovery recover(const std::string& channel, std::uint64_t offset, const std::string& epoch);
  std::optional<Position> position(const std::string& channel);
  std::vector<StoredPublication> history(const std::string& channel, std::optional<std::uint64_t> since,
                                         std::size_t limit, bool reverse);
  boost::json::object presence(const std::string& channel);
  std::pair<std::size_t, std::size_t> presence_stats(const std::string& channel);

  static boost::json::object publication_json(const StoredPublication& p);

 private:
  struct Channel {
    std::map<const Subscriber*, std::weak_ptr<Subscriber>> subscribers;
    std::optional<ChannelHistory> history;
    SubscribeGrant grant;
  };
  Channel& channel(const std::string& name);

  HubOptions options_;
  std::mutex mutex_;
  std::unordered_map<std::string, Channel> channels_;
};

}  // namespace tc::realtime
