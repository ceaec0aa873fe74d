// An optional second face of a ChannelOwner (realtime.h) whose channels are
// persisted streams: told when a subscription on this instance begins and ends
// (unsubscribe, or the connection closed), so it can notice that nobody follows a
// channel any more (the ai module stops an answer its user walked away from).
// Kept out of realtime.h so owners that do not care do not depend on it.
#pragma once

#include "modules/realtime/realtime.h"

#include <string>

namespace tc::realtime {

class StreamWatcher {
 public:
  virtual ~StreamWatcher() = default;
  // Called on the connection's thread; must be cheap and never block.
  virtual void on_stream_subscribed(const Principal& who, const std::string& channel) = 0;
  virtual void on_stream_unsubscribed(const Principal& who, const std::string& channel) = 0;
};

}  // namespace tc::realtime
