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

void Hub::subscribe(const std::string& name, const std::shared_ptr<Subscriber>& s, const SubscribeGrant& grant,
                    const std::optional<RecoverRequest>& recover, const SubscribedReply& reply) {
  std::lock_guard lock(mutex_);
  auto& ch = channel(name);
  ch.grant.history = ch.grant.history || grant.history;
  ch.grant.presence = ch.grant.presence || grant.presence;
  ch.grant.join_leave = ch.grant.join_leave || grant.join_leave;
  if (ch.grant.history && !ch.history) ch.history.emplace(ids::random_hex(4), options_.history_size);
  if (ch.grant.join_leave) {
    auto frame = push_frame(name, "join", {{"info", client_info(*s)}});
    for (auto& [ptr, weak] : ch.subscribers) {
      if (auto other = weak.lock()) other->deliver(frame, true);
    }
  }
  ch.subscribers[s.get()] = s;
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

void Hub::unsubscribe(const std::string& name, const Subscriber& s) {
  std::lock_guard lock(mutex_);
  auto it = channels_.find(name);
  if (it == channels_.end()) return;
  auto& ch = it->second;
  if (!ch.subscribers.erase(&s)) return;
  if (ch.grant.join_leave) {
    auto frame = push_frame(name, "leave", {{"info", client_info(s)}});
    for (auto& [ptr, weak] : ch.subscribers) {
      if (auto other = weak.lock()) other->deliver(frame, true);
    }
  }
  // A channel without subscribers and without history to keep is forgotten.
  if (ch.subscribers.empty() && !ch.history) channels_.erase(it);
}

std::uint64_t Hub::publish(const std::string& name, const boost::json::value& data,
                           const std::optional<boost::json::object>& info) {
  std::lock_guard lock(mutex_);
  auto& ch = channel(name);
  StoredPublication pub{0, boost::json::serialize(data), info ? boost::json::serialize(*info) : std::string(),
                        now_ms()};
  if (ch.history) pub = ch.history->append(std::move(pub.data), std::move(pub.info), pub.time_ms);
  // Delivered under the lock so every subscriber sees a channel's offsets in order;
  // deliver() only queues.
  auto frame = push_frame(name, "pub", publication_json(pub));
  for (auto it = ch.subscribers.begin(); it != ch.subscribers.end();) {
    if (auto s = it->second.lock()) {
      s->deliver(frame, false);
      ++it;
    } else {
      it = ch.subscribers.erase(it);
    }
  }
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
