// Events between modules and instances. Two kinds of traffic:
//  - ephemeral subjects (publish/subscribe, NATS wildcards * and >): real-time
//    fan-out between instances; a subscriber that is not there misses it;
//  - durable streams: a publication is stored (and de-duplicated by message id)
//    before publish_durable returns; consumer groups each see every message,
//    consumers in one group share them; a message not acknowledged within the
//    stream's ack_wait is delivered again (at least once), up to max_deliver times.
// In-process by default; NATS core subjects and JetStream when nats.url is set.
#pragma once

#include "core/config.h"
#include "core/metrics.h"

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace tc::infra::bus {

using Millis = std::chrono::milliseconds;

struct Message {
  std::string subject;
  std::string payload;
  std::string msg_id;
  std::uint64_t delivery = 1;  // 1 on the first delivery, 2 on the first redelivery, …
};

// Ends the subscription (or consumer) when destroyed.
class Subscription {
 public:
  virtual ~Subscription() = default;
};

// A durable message lent to a consumer; ack() or nak() it, from any thread.
class Delivery {
 public:
  virtual ~Delivery() = default;
  virtual const Message& message() const = 0;
  virtual void ack() = 0;
  virtual void nak() = 0;  // deliver again soon
};

using EphemeralHandler = std::function<void(const std::string& subject, const std::string& payload)>;
using DurableHandler = std::function<void(std::unique_ptr<Delivery>)>;

struct StreamConfig {
  std::string name;     // e.g. "CHAT"
  std::string subject;  // e.g. "chat.events.>"
  Millis duplicate_window{120'000};
  Millis ack_wait{30'000};
  int max_deliver = 10;
};

class Bus {
 public:
  virtual ~Bus() = default;
  virtual std::unique_ptr<Subscription> subscribe(const std::string& subject, EphemeralHandler handler) = 0;
  virtual void publish(const std::string& subject, const std::string& payload) = 0;

  virtual void ensure_stream(const StreamConfig& config) = 0;
  // Blocking until the stream stored it; call from the blocking pool. Throws a 503
  // tc::Error when the bus cannot store it.
  virtual void publish_durable(const std::string& subject, const std::string& msg_id, const std::string& payload) = 0;
  virtual std::unique_ptr<Subscription> consume(const std::string& stream, const std::string& group,
                                                DurableHandler handler) = 0;

  virtual void ping() = 0;  // throws when unreachable
  virtual std::string describe() const = 0;
};

// NATS subject matching: tokens split by '.', '*' matches one token, '>' the rest.
bool subject_matches(std::string_view pattern, std::string_view subject);

void add_config_keys(ConfigSchema& schema);
std::unique_ptr<Bus> open_memory(metrics::Registry& metrics);
std::unique_ptr<Bus> open_nats(const std::string& url, metrics::Registry& metrics);
std::unique_ptr<Bus> open(const Config& config, metrics::Registry& metrics);

}  // namespace tc::infra::bus
