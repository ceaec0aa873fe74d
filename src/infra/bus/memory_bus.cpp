// The in-process bus. Ephemeral handlers run on the publisher's thread. Durable
// streams live in memory (per process, lost on restart, bounded per stream) and
// are delivered by one dispatcher thread per bus, which also redelivers what was
// not acknowledged within ack_wait.
#include "core/errors.h"
#include "infra/bus/bus.h"

#include <condition_variable>
#include <deque>
#include <list>
#include <map>
#include <mutex>
#include <thread>
#include <unordered_map>

namespace tc::infra::bus {
namespace {

using Clock = std::chrono::steady_clock;
constexpr std::size_t kMaxStreamMessages = 100000;

class MemoryBus;

struct Group {
  std::uint64_t next = 1;  // next sequence to deliver for the first time
  struct Pending {
    Clock::time_point due;
    std::uint64_t deliveries;
    bool in_flight;
  };
  std::map<std::uint64_t, Pending> pending;
  std::list<std::pair<std::uint64_t, DurableHandler>> consumers;  // id -> handler
  std::size_t rr = 0;
};

struct Stream {
  StreamConfig config;
  std::uint64_t first_seq = 1;
  std::deque<Message> messages;  // messages[i] has sequence first_seq + i
  std::unordered_map<std::string, Clock::time_point> seen_ids;
  std::map<std::string, Group> groups;
};

class MemoryBus final : public Bus, public std::enable_shared_from_this<MemoryBus> {
 public:
  explicit MemoryBus(metrics::Registry& metrics)
      : published_(metrics.counter("tradechat_bus_published_total", "Messages published", {{"engine", "memory"}})),
        redelivered_(metrics.counter("tradechat_bus_redeliveries_total", "Durable messages delivered again",
                                     {{"engine", "memory"}})),
        dispatcher_([this] { dispatch(); }) {
    metrics.gauge_fn("tradechat_bus_consumer_lag", "Durable messages not yet acknowledged, over all consumer groups",
                     {{"engine", "memory"}}, [this] { return static_cast<double>(lag()); });
  }
  ~MemoryBus() override {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_all();
    dispatcher_.join();
  }

  std::unique_ptr<Subscription> subscribe(const std::string& subject, EphemeralHandler handler) override;
  void publish(const std::string& subject, const std::string& payload) override {
    std::vector<EphemeralHandler> targets;
    {
      std::lock_guard lock(mutex_);
      for (const auto& [id, sub] : ephemeral_) {
        if (subject_matches(sub.first, subject)) targets.push_back(sub.second);
      }
    }
    published_.inc();
    for (auto& t : targets) t(subject, payload);
  }

  void ensure_stream(const StreamConfig& config) override {
    std::lock_guard lock(mutex_);
    auto& s = streams_[config.name];
    s.config = config;
  }

  void publish_durable(const std::string& subject, const std::string& msg_id, const std::string& payload) override {
    std::lock_guard lock(mutex_);
    Stream* target = nullptr;
    for (auto& [name, s] : streams_) {
      if (subject_matches(s.config.subject, subject)) target = &s;
    }
    if (!target) throw errors::unavailable("bus: no stream stores subject " + subject);
    const auto now = Clock::now();
    std::erase_if(target->seen_ids, [&](const auto& kv) { return now - kv.second > target->config.duplicate_window; });
    if (!msg_id.empty() && !target->seen_ids.emplace(msg_id, now).second) return;  // duplicate: already stored
    target->messages.push_back({subject, payload, msg_id, 1});
    if (target->messages.size() > kMaxStreamMessages) {
      target->messages.pop_front();
      ++target->first_seq;
    }
    published_.inc();
    wake_.notify_all();
  }

  std::unique_ptr<Subscription> consume(const std::string& stream, const std::string& group,
                                        DurableHandler handler) override;

  void ping() override {}
  std::string describe() const override { return "in-process"; }

  std::size_t lag() {
    std::lock_guard lock(mutex_);
    std::size_t n = 0;
    for (const auto& [name, s] : streams_) {
      for (const auto& [gname, g] : s.groups) {
        n += g.pending.size() + (s.first_seq + s.messages.size() - std::max(g.next, s.first_seq));
      }
    }
    return n;
  }

  void settle(const std::string& stream, const std::string& group, std::uint64_t seq, bool ack) {
    std::lock_guard lock(mutex_);
    auto sit = streams_.find(stream);
    if (sit == streams_.end()) return;
    auto git = sit->second.groups.find(group);
    if (git == sit->second.groups.end()) return;
    auto pit = git->second.pending.find(seq);
    if (pit == git->second.pending.end()) return;
    if (ack) {
      git->second.pending.erase(pit);
    } else {
      pit->second.in_flight = false;
      pit->second.due = Clock::now();
    }
    wake_.notify_all();
  }

  void remove_ephemeral(std::uint64_t id) {
    std::lock_guard lock(mutex_);
    ephemeral_.erase(id);
  }
  void remove_consumer(const std::string& stream, const std::string& group, std::uint64_t id) {
    std::lock_guard lock(mutex_);
    auto& consumers = streams_[stream].groups[group].consumers;
    consumers.remove_if([id](const auto& c) { return c.first == id; });
  }

 private:
  void dispatch();

  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::uint64_t next_id_ = 0;
  std::map<std::uint64_t, std::pair<std::string, EphemeralHandler>> ephemeral_;
  std::map<std::string, Stream> streams_;
  metrics::Counter& published_;
  metrics::Counter& redelivered_;
  std::thread dispatcher_;  // last: started when everything else exists
};

class EphemeralSub final : public Subscription {
 public:
  EphemeralSub(MemoryBus* bus, std::uint64_t id) : bus_(bus), id_(id) {}
  ~EphemeralSub() override { bus_->remove_ephemeral(id_); }

 private:
  MemoryBus* bus_;
  std::uint64_t id_;
};

class ConsumerSub final : public Subscription {
 public:
  ConsumerSub(MemoryBus* bus, std::string stream, std::string group, std::uint64_t id)
      : bus_(bus), stream_(std::move(stream)), group_(std::move(group)), id_(id) {}
  ~ConsumerSub() override { bus_->remove_consumer(stream_, group_, id_); }

 private:
  MemoryBus* bus_;
  std::string stream_, group_;
  std::uint64_t id_;
};

class MemoryDelivery final : public Delivery {
 public:
  MemoryDelivery(MemoryBus* bus, std::string stream, std::string group, std::uint64_t seq, Message m)
      : bus_(bus), stream_(std::move(stream)), group_(std::move(group)), seq_(seq), message_(std::move(m)) {}
  const Message& message() const override { return message_; }
  void ack() override { bus_->settle(stream_, group_, seq_, true); }
  void nak() override { bus_->settle(stream_, group_, seq_, false); }

 private:
  MemoryBus* bus_;
  std::string stream_, group_;
  std::uint64_t seq_;
  Message message_;
};

std::unique_ptr<Subscription> MemoryBus::subscribe(const std::string& subject, EphemeralHandler handler) {
  std::lock_guard lock(mutex_);
  auto id = ++next_id_;
  ephemeral_.emplace(id, std::make_pair(subject, std::move(handler)));
  return std::make_unique<EphemeralSub>(this, id);
}

std::unique_ptr<Subscription> MemoryBus::consume(const std::string& stream, const std::string& group,
                                                 DurableHandler handler) {
  std::lock_guard lock(mutex_);
  auto sit = streams_.find(stream);
  if (sit == streams_.end()) throw errors::unavailable("bus: no stream named " + stream);
  auto& g = sit->second.groups[group];
  if (g.consumers.empty() && g.pending.empty() && g.next == 1) g.next = sit->second.first_seq;
  auto id = ++next_id_;
  g.consumers.emplace_back(id, std::move(handler));
  wake_.notify_all();
  return std::make_unique<ConsumerSub>(this, stream, group, id);
}

void MemoryBus::dispatch() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    struct Job {
      DurableHandler handler;
      std::unique_ptr<Delivery> delivery;
    };
    std::vector<Job> jobs;
    auto next_due = Clock::now() + std::chrono::seconds(1);
    const auto now = Clock::now();
    for (auto& [name, s] : streams_) {
      for (auto& [gname, g] : s.groups) {
        if (g.consumers.empty()) continue;
        auto pick = [&]() -> DurableHandler& {
          auto it = g.consumers.begin();
          std::advance(it, static_cast<long>(g.rr++ % g.consumers.size()));
          return it->second;
        };
        // Redeliveries first: anything unacknowledged past its deadline.
        for (auto& [seq, p] : g.pending) {
          if (seq < s.first_seq) continue;
          if (p.due <= now && p.deliveries < static_cast<std::uint64_t>(s.config.max_deliver)) {
            ++p.deliveries;
            p.due = now + s.config.ack_wait;
            p.in_flight = true;
            redelivered_.inc();
            Message m = s.messages[seq - s.first_seq];
            m.delivery = p.deliveries;
            jobs.push_back({pick(), std::make_unique<MemoryDelivery>(this, name, gname, seq, std::move(m))});
          } else if (p.deliveries < static_cast<std::uint64_t>(s.config.max_deliver)) {
            next_due = std::min(next_due, p.due);
          }
        }
        if (g.next < s.first_seq) g.next = s.first_seq;
        while (g.next < s.first_seq + s.messages.size()) {
          auto seq = g.next++;
          g.pending[seq] = {now + s.config.ack_wait, 1, true};
          next_due = std::min(next_due, now + s.config.ack_wait);
          jobs.push_back(
              {pick(), std::make_unique<MemoryDelivery>(this, name, gname, seq, s.messages[seq - s.first_seq])});
        }
      }
    }
    if (!jobs.empty()) {
      lock.unlock();
      for (auto& j : jobs) j.handler(std::move(j.delivery));
      lock.lock();
      continue;
    }
    wake_.wait_until(lock, next_due);
  }
}

}  // namespace

std::unique_ptr<Bus> open_memory(metrics::Registry& metrics) { return std::make_unique<MemoryBus>(metrics); }

}  // namespace tc::infra::bus
