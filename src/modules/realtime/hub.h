// In-process channel hub: subscribers per channel, per-channel history and
// presence, and ordered fan-out (a channel's publications reach every subscriber
// in offset order).
#pragma once

#include "modules/realtime/history.h"
#include "modules/realtime/realtime.h"

#include <boost/json/object.hpp>

#include <chrono>

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
  // Queues a frame that supersedes an older one of the same key (the channel) still
  // waiting in the connection's outbox; must not block.
  virtual void deliver_latest(const std::string& frame, const std::string& key) = 0;
  virtual const std::string& client_id() const = 0;
  virtual const std::string& user_id() const = 0;
};

struct HubOptions {
  std::size_t history_size = 100;  // publications kept per channel with history
  std::size_t max_recover = 1000;  // most publications replayed on recovery
  std::size_t max_pending = 1024;  // stream publications held behind a gap
  std::chrono::milliseconds max_gap_wait{2000};
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
  // Subscribes to a channel whose owner persists the stream (grant.stream set). A
  // channel nobody here follows yet starts at `seed_offset` (the store's top as the
  // caller read it) or the newest offset this hub saw fanned out, whichever is newer; `reply` runs under the channel
  // lock with the hub's position and returns false to leave the subscriber out (the
  // caller's store read was behind the hub: it reads again and retries).
  using StreamReply = std::function<bool(const Position&)>;
  bool subscribe_stream(const std::string& channel, const std::shared_ptr<Subscriber>& s, const SubscribeGrant& grant,
                        std::uint64_t seed_offset, const StreamReply& reply);
  void unsubscribe(const std::string& channel, const Subscriber& s);

  // Delivers a publication of a persisted stream at its owner's offset (without
  // subscribers here, only remembers the newest offset). Offsets reach
  // subscribers in order: an offset at or below the top is a duplicate and dropped; one
  // past a gap waits for the gap to fill (a publication from another instance still in
  // flight), at most `max_gap_wait` or `max_pending` publications, after which the
  // gap is skipped (reconnecting clients recover it from the store).
  void publish_at(const std::string& channel, std::uint64_t offset, const boost::json::value& data,
                  const std::optional<boost::json::object>& info);
  // Removes `user_id`'s subscriptions to `channel`, telling each with an unsubscribe push.
  void unsubscribe_user(const std::string& channel, const std::string& user_id, int code, const std::string& reason);
  bool is_subscribed(const std::string& channel, const Subscriber& s);
  // Delivers a publication without an offset (events that are not kept).
  void broadcast(const std::string& channel, const boost::json::value& data, bool droppable);

  // Appends to history (when the channel keeps it) and fans out to subscribers;
  // `conflatable`: a subscriber that is behind gets it in place of the channel's
  // older conflatable publication still in its outbox (see PublishOptions).
  std::uint64_t publish(const std::string& channel, const boost::json::value& data,
                        const std::optional<boost::json::object>& info, bool conflatable = false);

  ChannelHistory::Recovery recover(const std::string& channel, std::uint64_t offset, const std::string& epoch);
  std::optional<Position> position(const std::string& channel);
  std::vector<StoredPublication> history(const std::string& channel, std::optional<std::uint64_t> since,
                                         std::size_t limit, bool reverse);
  boost::json::object presence(const std::string& channel);
  std::pair<std::size_t, std::size_t> presence_stats(const std::string& channel);

  static boost::json::object publication_json(const StoredPublication& p);

 private:
  // A persisted stream as this hub has delivered it.
  struct StreamState {
    std::string epoch;
    std::uint64_t top = 0;                         // every offset up to here was delivered (or skipped)
    std::map<std::uint64_t, std::string> pending;  // frames waiting for a gap to fill
    std::chrono::steady_clock::time_point gap_since{};
  };
  struct Channel {
    std::map<const Subscriber*, std::weak_ptr<Subscriber>> subscribers;
    std::optional<ChannelHistory> history;
    std::optional<StreamState> stream;
    SubscribeGrant grant;
  };
  Channel& channel(const std::string& name);
  void add_subscriber(const std::string& name, Channel& ch, const std::shared_ptr<Subscriber>& s);
  static void deliver_all(Channel& ch, const std::string& frame, bool droppable);
  static void deliver_all_latest(Channel& ch, const std::string& frame, const std::string& key);
  void flush_pending(Channel& ch, bool skip_gap);

  HubOptions options_;
  std::mutex mutex_;
  std::unordered_map<std::string, Channel> channels_;
};

}  // namespace tc::realtime
