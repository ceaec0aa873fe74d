#include "modules/realtime/hub.h"

#include "core/ids.h"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <chrono>

namespace tc::realtime {
namespace {

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

boost::json::object client_info(const Subscriber& s) { return {{"user", s.user_id()}, {"client", s.client_id()}}; }

std::string push_frame(const std::string& channel, const char* kind, boost::json::object body) {
  boost::json::object push{{"channel", channel}};
  push[kind] = std::move(body);
  return boost::json::serialize(boost::json::object{{"push", std::move(push)}});
}

}  // namespace

Hub::Hub(HubOptions options) : options_(options) {}

Hub::Channel& Hub::channel(const std::string& name) { return channels_[name]; }

boost::json::object Hub::publication_json(const StoredPublication& p) {
  boost::json::object pub{{"data", boost::json::parse(p.data)}};
  if (p.offset) pub["offset"] = p.offset;
  if (!p.info.empty()) pub["info"] = boost::json::parse(p.info);
  return pub;
}

void Hub::deliver_all(Channel& ch, const std::string& frame, bool droppable) {
  for (auto it = ch.subscribers.begin(); it != ch.subscribers.end();) {
    if (auto s = it->second.lock()) {
      s->deliver(frame, droppable);
      ++it;
    } else {
      it = ch.subscribers.erase(it);
    }
  }
}

void Hub::deliver_all_latest(Channel& ch, const std::string& frame, const std::string& key) {
  for (auto it = ch.subscribers.begin(); it != ch.subscribers.end();) {
    if (auto s = it->second.lock()) {
      s->deliver_latest(frame, key);
      ++it;
    } else {
      it = ch.subscribers.erase(it);
    }
  }
}

void Hub::add_subscriber(const std::string& name, Channel& ch, const std::shared_ptr<Subscriber>& s) {
  if (ch.grant.join_leave) deliver_all(ch, push_frame(name, "join", {{"info", client_info(*s)}}), true);
  ch.subscribers[s.get()] = s;
}

void Hub::subscribe(const std::string& name, const std::shared_ptr<Subscriber>& s, const SubscribeGrant& grant,
                    const std::optional<RecoverRequest>& recover, const SubscribedReply& reply) {
  std::lock_guard lock(mutex_);
  auto& ch = channel(name);
  ch.grant.history = ch.grant.history || grant.history;
  ch.grant.presence = ch.grant.presence || grant.presence;
  ch.grant.join_leave = ch.grant.join_leave || grant.join_leave;
  if (ch.grant.history && !ch.history) ch.history.emplace(ids::random_hex(4), options_.history_size);
  add_subscriber(name, ch, s);
  if (!ch.history) {
    reply({}, nullptr);
    return;
  }
  Position pos{ch.history->epoch(), ch.history->top_offset()};
  if (!recover) {
    reply(pos, nullptr);
    return;
  }
  auto rec = ch.history->since(recover->offset, recover->epoch, options_.max_recover);
  reply(pos, &rec);
}

bool Hub::subscribe_stream(const std::string& name, const std::shared_ptr<Subscriber>& s, const SubscribeGrant& grant,
                           std::uint64_t seed_offset, const StreamReply& reply) {
  std::lock_guard lock(mutex_);
  auto& ch = channel(name);
  if (!ch.stream) ch.stream = StreamState{};
  if (ch.subscribers.empty()) {
    // Nobody here follows it yet: it starts past both the store's top when the caller
    // read it and the newest offset this hub has seen fanned out (which may be newer),
    // so nothing already fanned out is skipped; anything older is history.
    ch.stream->epoch = grant.stream ? grant.stream->epoch : std::string();
    ch.stream->top = std::max(ch.stream->top, seed_offset);
    ch.stream->pending.clear();
  }
  ch.grant.presence = ch.grant.presence || grant.presence;
  ch.grant.join_leave = ch.grant.join_leave || grant.join_leave;
  if (!reply(Position{ch.stream->epoch, ch.stream->top})) return false;
  add_subscriber(name, ch, s);
  return true;
}

void Hub::flush_pending(Channel& ch, bool skip_gap) {
  auto& st = *ch.stream;
  while (!st.pending.empty()) {
    auto first = st.pending.begin();
    if (first->first <= st.top) {
      st.pending.erase(first);
      continue;
    }
    if (first->first != st.top + 1 && !skip_gap) break;
    deliver_all(ch, first->second, false);
    st.top = first->first;
    st.pending.erase(first);
    skip_gap = false;  // skip one gap at a time
  }
  if (!st.pending.empty()) st.gap_since = std::chrono::steady_clock::now();
}

void Hub::publish_at(const std::string& name, std::uint64_t offset, const boost::json::value& data,
                     const std::optional<boost::json::object>& info) {
  std::lock_guard lock(mutex_);
  auto& ch = channel(name);
  if (!ch.stream) ch.stream = StreamState{};
  auto& st = *ch.stream;
  if (ch.subscribers.empty()) {
    // Nobody here follows it: only remember how far it got (a first subscriber must
    // not start below what was already fanned out). About 200 bytes per active stream.
    st.top = std::max(st.top, offset);
    st.pending.clear();
    return;
  }
  if (offset <= st.top || st.pending.count(offset)) return;
  StoredPublication pub{offset, boost::json::serialize(data), info ? boost::json::serialize(*info) : std::string(),
                        now_ms()};
  auto frame = push_frame(name, "pub", publication_json(pub));
  if (offset == st.top + 1) {
    deliver_all(ch, frame, false);
    st.top = offset;
    flush_pending(ch, false);
    return;
  }
  if (st.pending.empty()) st.gap_since = std::chrono::steady_clock::now();
  st.pending.emplace(offset, std::move(frame));
  if (st.pending.size() > options_.max_pending ||
      std::chrono::steady_clock::now() - st.gap_since >= options_.max_gap_wait) {
    flush_pending(ch, true);
  }
}

void Hub::unsubscribe_user(const std::string& name, const std::string& user_id, int code, const std::string& reason) {
  std::lock_guard lock(mutex_);
  auto it = channels_.find(name);
  if (it == channels_.end()) return;
  auto& ch = it->second;
  const auto frame = push_frame(name, "unsubscribe", {{"code", code}, {"reason", reason}});
  std::vector<std::shared_ptr<Subscriber>> removed;
  for (auto s = ch.subscribers.begin(); s != ch.subscribers.end();) {
    auto sub = s->second.lock();
    if (sub && sub->user_id() == user_id) {
      sub->deliver(frame, false);
      removed.push_back(std::move(sub));
      s = ch.subscribers.erase(s);
    } else {
      ++s;
    }
  }
  if (ch.grant.join_leave) {
    for (const auto& r : removed) deliver_all(ch, push_frame(name, "leave", {{"info", client_info(*r)}}), true);
  }
  if (ch.subscribers.empty() && !ch.history && !ch.stream) channels_.erase(it);
}

bool Hub::is_subscribed(const std::string& name, const Subscriber& s) {
  std::lock_guard lock(mutex_);
  auto it = channels_.find(name);
  return it != channels_.end() && it->second.subscribers.count(&s) > 0;
}

void Hub::broadcast(const std::string& name, const boost::json::value& data, bool droppable) {
  std::lock_guard lock(mutex_);
  auto it = channels_.find(name);
  if (it == channels_.end()) return;
  deliver_all(it->second, push_frame(name, "pub", {{"data", data}}), droppable);
}

void Hub::unsubscribe(const std::string& name, const Subscriber& s) {
  std::lock_guard lock(mutex_);
  auto it = channels_.find(name);
  if (it == channels_.end()) return;
  auto& ch = it->second;
  if (!ch.subscribers.erase(&s)) return;
  if (ch.grant.join_leave) deliver_all(ch, push_frame(name, "leave", {{"info", client_info(s)}}), true);
  // A channel without subscribers and without history to keep is forgotten.
  if (ch.subscribers.empty() && !ch.history && !ch.stream) channels_.erase(it);
}

std::uint64_t Hub::publish(const std::string& name, const boost::json::value& data,
                           const std::optional<boost::json::object>& info, bool conflatable) {
  std::lock_guard lock(mutex_);
  auto& ch = channel(name);
  StoredPublication pub{0, boost::json::serialize(data), info ? boost::json::serialize(*info) : std::string(),
                        now_ms()};
  if (ch.history) pub = ch.history->append(std::move(pub.data), std::move(pub.info), pub.time_ms);
  // Delivered under the lock so every subscriber sees a channel's offsets in order;
  // deliver() only queues.
  if (conflatable)
    deliver_all_latest(ch, push_frame(name, "pub", publication_json(pub)), name);
  else
    deliver_all(ch, push_frame(name, "pub", publication_json(pub)), false);
  return pub.offset;
}

ChannelHistory::Recovery Hub::recover(const std::string& name, std::uint64_t offset, const std::string& epoch) {
  std::lock_guard lock(mutex_);
  auto it = channels_.find(name);
  if (it == channels_.end() || !it->second.history) return {};
  return it->second.history->since(offset, epoch, options_.max_recover);
}

std::optional<Hub::Position> Hub::position(const std::string& name) {
  std::lock_guard lock(mutex_);
  auto it = channels_.find(name);
  if (it != channels_.end() && it->second.stream) return Position{it->second.stream->epoch, it->second.stream->top};
  if (it == channels_.end() || !it->second.history) return std::nullopt;
  return Position{it->second.history->epoch(), it->second.history->top_offset()};
}

std::vector<StoredPublication> Hub::history(const std::string& name, std::optional<std::uint64_t> since,
                                            std::size_t limit, bool reverse) {
  std::lock_guard lock(mutex_);
  auto it = channels_.find(name);
  if (it == channels_.end() || !it->second.history) return {};
  return it->second.history->range(since, limit, reverse);
}

boost::json::object Hub::presence(const std::string& name) {
  std::lock_guard lock(mutex_);
  boost::json::object out;
  auto it = channels_.find(name);
  if (it == channels_.end()) return out;
  for (auto& [ptr, weak] : it->second.subscribers) {
    if (auto s = weak.lock()) out[s->client_id()] = client_info(*s);
  }
  return out;
}

std::pair<std::size_t, std::size_t> Hub::presence_stats(const std::string& name) {
  std::lock_guard lock(mutex_);
  auto it = channels_.find(name);
  if (it == channels_.end()) return {0, 0};
  std::set<std::string> users;
  std::size_t clients = 0;
  for (auto& [ptr, weak] : it->second.subscribers) {
    if (auto s = weak.lock()) {
      ++clients;
      users.insert(s->user_id());
    }
  }
  return {clients, users.size()};
}

}  // namespace tc::realtime
