// The `ai:<conversation id>` namespace of the realtime module, owned by the ai
// module: only the conversation's owner subscribes (anyone else: 102 unknown
// channel, as for an id that does not exist), the stream is persisted by the
// conversation store with its own offsets (recovered after a reconnect, across
// restarts and instances), and nobody publishes (103): answers are written by the
// server.
#pragma once

#include "modules/ai/conversation_store.h"
#include "modules/realtime/realtime.h"
#include "modules/realtime/stream_watch.h"

#include <functional>
#include <map>
#include <mutex>

namespace tc::ai {

class AiChannel final : public realtime::ChannelOwner, public realtime::StreamWatcher {
 public:
  // Called when the last subscription of a conversation's owner on this instance
  // ends (the user disconnected or unsubscribed): the running answer may be stopped.
  using Abandoned = std::function<void(std::string user_id, std::string conversation_id)>;

  AiChannel(ConversationStore& store, Abandoned on_abandoned) : store_(store), on_abandoned_(std::move(on_abandoned)) {}

  boost::asio::awaitable<realtime::SubscribeGrant> authorize_subscribe(realtime::Principal who,
                                                                       std::string channel) override;
  boost::asio::awaitable<boost::json::value> accept_publication(realtime::Principal who, std::string channel,
                                                                boost::json::value data) override;
  bool publishes_itself() const override { return true; }
  boost::asio::awaitable<std::vector<realtime::StoredPublication>> read_stream(std::string channel,
                                                                               realtime::StreamQuery query) override;

  void on_stream_subscribed(const realtime::Principal& who, const std::string& channel) override;
  void on_stream_unsubscribed(const realtime::Principal& who, const std::string& channel) override;
  // Live subscriptions of a conversation on this instance.
  std::size_t subscribers(const std::string& conversation_id) const;

  // "ai:<id>" → "<id>"; 404 for anything else.
  static std::string conversation_of(const std::string& channel);

 private:
  ConversationStore& store_;
  Abandoned on_abandoned_;
  mutable std::mutex mutex_;
  std::map<std::string, std::size_t> subscribers_;  // conversation id → live subscriptions here
};

}  // namespace tc::ai
