#include "modules/ai/ai_channel.h"

#include "core/errors.h"

namespace tc::ai {

std::string AiChannel::conversation_of(const std::string& channel) {
  if (!channel.starts_with("ai:")) throw errors::not_found("no such conversation");
  return channel.substr(3);
}

boost::asio::awaitable<realtime::SubscribeGrant> AiChannel::authorize_subscribe(realtime::Principal who,
                                                                                std::string channel) {
  // get() is a 404 for another user's conversation: the channel does not exist for them.
  auto position = co_await store_.stream_position(who.user_id, conversation_of(channel));
  co_return realtime::SubscribeGrant{.history = true, .presence = false, .join_leave = false, .stream = position};
}

boost::asio::awaitable<boost::json::value> AiChannel::accept_publication(realtime::Principal, std::string,
                                                                         boost::json::value) {
  throw errors::forbidden("answers are written by the server; post a message over REST");
  co_return boost::json::value{};
}

boost::asio::awaitable<std::vector<realtime::StoredPublication>> AiChannel::read_stream(std::string channel,
                                                                                        realtime::StreamQuery query) {
  co_return co_await store_.read_stream(conversation_of(channel), query);
}

void AiChannel::on_stream_subscribed(const realtime::Principal&, const std::string& channel) {
  if (!channel.starts_with("ai:")) return;
  std::lock_guard lock(mutex_);
  ++subscribers_[channel.substr(3)];
}

void AiChannel::on_stream_unsubscribed(const realtime::Principal& who, const std::string& channel) {
  if (!channel.starts_with("ai:")) return;
  const auto id = channel.substr(3);
  {
    std::lock_guard lock(mutex_);
    auto it = subscribers_.find(id);
    if (it == subscribers_.end()) return;
    if (--it->second > 0) return;
    subscribers_.erase(it);
  }
  if (on_abandoned_) on_abandoned_(who.user_id, id);
}

std::size_t AiChannel::subscribers(const std::string& conversation_id) const {
  std::lock_guard lock(mutex_);
  auto it = subscribers_.find(conversation_id);
  return it == subscribers_.end() ? 0 : it->second;
}

}  // namespace tc::ai
