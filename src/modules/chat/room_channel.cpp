#include "modules/chat/room_channel.h"

#include "core/errors.h"
#include "modules/chat/message_text.h"
#include "net/json_fields.h"

namespace tc::chat {

namespace json = boost::json;

namespace {
auth::Principal as_auth(const realtime::Principal& p) { return {p.user_id, p.session_id, p.role}; }
}  // namespace

std::string RoomChannel::room_of(const std::string& channel) {
  if (!channel.starts_with("room:")) throw errors::not_found("no such room");
  return channel.substr(5);
}

boost::asio::awaitable<realtime::SubscribeGrant> RoomChannel::authorize_subscribe(realtime::Principal who,
                                                                                  std::string channel) {
  auto position = co_await chat_.subscribe_position(as_auth(who), room_of(channel));
  co_return realtime::SubscribeGrant{.history = true, .presence = true, .join_leave = true, .stream = position};
}

boost::asio::awaitable<json::value> RoomChannel::accept_publication(realtime::Principal who, std::string channel,
                                                                    json::value data) {
  // The same strict reading as the REST body: unknown fields are refused.
  http::JsonFields f(std::move(data), {"text", "client_msg_id", "reply_to"});
  NewMessage m{f.required_string("text", 1, kMaxMessageBytes), f.optional_string("client_msg_id", 1, 64),
               f.optional_string("reply_to", 1, 64)};
  co_return co_await chat_.send(as_auth(who), room_of(channel), std::move(m));
}

boost::asio::awaitable<std::vector<realtime::StoredPublication>> RoomChannel::read_stream(std::string channel,
                                                                                          realtime::StreamQuery query) {
  co_return co_await chat_.read_stream(room_of(channel), query);
}

boost::asio::awaitable<json::value> RoomChannel::typing(realtime::Principal who, json::value data) {
  http::JsonFields f(std::move(data), {"room"});
  co_await chat_.typing(as_auth(who), f.required_string("room", 1, 64));
  co_return json::object{};
}

}  // namespace tc::chat
