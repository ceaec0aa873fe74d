// Carries publications of persisted streams (and offset-less events) between
// instances over the bus's ephemeral subjects (NATS core subjects when distributed,
// in-process otherwise), so clients on different tradechat processes that share a
// database and a NATS server see each other's chat messages.
#pragma once

#include "infra/bus/bus.h"
#include "modules/realtime/hub.h"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <memory>
#include <string>

namespace tc::realtime {

class Fanout {
 public:
  static constexpr const char* kSubject = "tc.realtime.fanout";

  Fanout(Hub& hub, infra::bus::Bus& bus);
  Fanout(const Fanout&) = delete;
  Fanout& operator=(const Fanout&) = delete;
  ~Fanout();

  // Delivers here, then tells the other instances. offset 0 = an offset-less event.
  void publish(const std::string& channel, std::uint64_t offset, const boost::json::value& data,
               const std::optional<boost::json::object>& info, bool droppable);

  // A publication on a channel of the hub's own (user#<id>): delivered here, and on
  // every other instance, where that instance's hub assigns its own offset.
  // Returns this instance's offset.
  std::uint64_t publish_everywhere(const std::string& channel, const boost::json::value& data);

  // Ends `user_id`'s subscriptions to `channel` here and on the other instances.
  void unsubscribe_user(const std::string& channel, const std::string& user_id);

  // Decodes a message from another instance and delivers it here; ignores our own
  // and malformed ones. Public for tests.
  void on_message(const std::string& payload);

 private:
  Hub& hub_;
  infra::bus::Bus& bus_;
  std::string instance_;  // random per process: tells our own echoes apart
  std::unique_ptr<infra::bus::Subscription> subscription_;
};

}  // namespace tc::realtime
