#include "modules/realtime/realtime.h"

#include "core/errors.h"

namespace tc::realtime {

boost::asio::awaitable<std::vector<StoredPublication>> ChannelOwner::read_stream(std::string channel, StreamQuery) {
  // Only owners that grant `stream` are asked; reaching this is a wiring mistake.
  throw errors::unavailable("channel " + channel.substr(0, 64) + " keeps no persisted stream");
  co_return std::vector<StoredPublication>{};
}

}  // namespace tc::realtime
