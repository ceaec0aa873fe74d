// One client connection speaking the Centrifugo client protocol v2 (JSON): commands
// in, replies and pushes out, several per frame, newline-delimited.
#pragma once

#include "modules/realtime/hub.h"
#include "modules/realtime/realtime.h"
#include "net/websocket.h"

#include <boost/json/object.hpp>

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>

namespace tc::realtime {

// Verifies a connection token (the access JWT) on behalf of the auth module.
class TokenVerifier {
 public:
  virtual ~TokenVerifier() = default;
  struct Result {
    std::optional<Principal> principal;
    bool expired = false;  // a valid token past its expiry: the client should refresh
    std::int64_t expires_at_s = 0;
  };
  virtual Result verify(std::string_view token) const = 0;
};

// Protocol error codes (Centrifugo's numbering, which the SDKs understand).
namespace codes {
inline constexpr int internal = 100;
inline constexpr int unauthorized = 101;
inline constexpr int unknown_channel = 102;
inline constexpr int permission_denied = 103;
inline constexpr int method_not_found = 104;
inline constexpr int already_subscribed = 105;
inline constexpr int limit_exceeded = 106;
inline constexpr int bad_request = 107;
inline constexpr int not_available = 108;
inline constexpr int token_expired = 109;
inline constexpr int too_many_requests = 111;
// Close codes
inline constexpr std::uint16_t close_invalid_token = 3500;
inline constexpr std::uint16_t close_bad_request = 3501;
// 3500-3999 tell the SDK not to reconnect: the user must sign in again.
inline constexpr std::uint16_t close_session_revoked = 3503;
// 3000-3499: the SDK reconnects (and recovers).
inline constexpr std::uint16_t close_no_pong = 3012;
}  // namespace codes

struct SessionLimits {
  std::size_t max_subscriptions = 128;
  double commands_per_second = 50;
  double command_burst = 100;
  std::size_t max_history_limit = 1000;
  std::size_t max_recover = 1000;          // publications a recovering subscribe replays at most
  std::chrono::seconds ping_interval{25};  // announced in the connect reply (`ping`, `pong: true`)
};

// What every session of a process shares.
struct RealtimeCore {
  Hub& hub;
  const TokenVerifier& verifier;
  SessionLimits limits;
  std::string version;
  std::mutex mutex;  // guards owners and rpc
  std::map<std::string, std::shared_ptr<ChannelOwner>> owners;
  std::map<std::string, RpcMethod> rpc;

  std::shared_ptr<ChannelOwner> owner_of(const std::string& ns);
  std::optional<RpcMethod> rpc_method(const std::string& name);

  // Live connections by the auth session they signed in with, so that when a session
  // is revoked its sockets close at once.
  void track(const std::string& session_id, const std::shared_ptr<http::WsConnection>& connection);
  void untrack(const std::string& session_id, const http::WsConnection* connection);
  void close_sessions(const std::vector<std::string>& session_ids);

  std::mutex live_mutex_;
  std::multimap<std::string, std::weak_ptr<http::WsConnection>> live_;
};

class ClientSession final : public Subscriber, public std::enable_shared_from_this<ClientSession> {
 public:
  explicit ClientSession(RealtimeCore& core);

  void attach(std::shared_ptr<http::WsConnection> connection);
  boost::asio::awaitable<void> on_frame(std::string frame);
  void on_close();

  // True once `connect` succeeded; shared with the connect deadline's thread.
  std::shared_ptr<const std::atomic<bool>> connected_flag() const { return connected_flag_; }

  void deliver(const std::string& frame, bool droppable) override;
  void deliver_latest(const std::string& frame, const std::string& key) override;
  // Called every ping interval by the keep-alive: sends the protocol's ping (`{}`), or
  // closes the connection with 3012 when the previous one went unanswered (any frame
  // from the client counts as the answer). False once the connection is gone.
  bool ping();
  const std::string& client_id() const override { return client_id_; }
  const std::string& user_id() const override { return principal_.user_id; }

  // Parses a frame into commands; nullopt when any line is not a JSON object.
  static std::optional<std::vector<boost::json::object>> parse_frame(std::string_view frame);

 private:
  // Replies are built as objects and sent serialized.
  void reply(std::uint64_t id, const char* kind, boost::json::object result);
  void reply_error(std::uint64_t id, int code, std::string message);
  bool take_token();

  boost::asio::awaitable<void> handle(boost::json::object cmd);
  void on_connect(std::uint64_t id, const boost::json::object& req);
  boost::asio::awaitable<void> on_subscribe(std::uint64_t id, boost::json::object req);
  void on_unsubscribe(std::uint64_t id, const boost::json::object& req);
  // Forgets a stream subscription and tells its owner (on_stream_unsubscribed).
  void end_stream(const std::string& channel);
  boost::asio::awaitable<void> on_publish(std::uint64_t id, boost::json::object req);
  void on_presence(std::uint64_t id, const boost::json::object& req, bool stats);
  boost::asio::awaitable<void> on_history(std::uint64_t id, boost::json::object req);
  boost::asio::awaitable<void> on_rpc(std::uint64_t id, boost::json::object req);
  void on_refresh(std::uint64_t id, const boost::json::object& req);
  boost::asio::awaitable<void> on_send(boost::json::object req);
  // Subscribes and, when asked, recovers, atomically with respect to publications;
  // `send_reply` gets the subscribe result and queues the reply before any later push.
  void subscribe_to(const std::string& channel, const SubscribeGrant& grant, const boost::json::object& req,
                    const std::function<void(boost::json::object)>& send_reply);
  // The same for a stream its owner persists: recovery reads the owner's store.
  boost::asio::awaitable<void> subscribe_stream(std::uint64_t id, std::string channel, SubscribeGrant grant,
                                                std::shared_ptr<ChannelOwner> owner, boost::json::object req);
  boost::asio::awaitable<void> stream_history(std::uint64_t id, std::string channel,
                                              std::shared_ptr<ChannelOwner> owner, boost::json::object req);
  std::optional<std::size_t> history_limit(const boost::json::object& req) const;
  // Subscribed here and still in the hub (the server may have ended it: kick, ban).
  bool subscribed(const std::string& channel);
  // While a stream subscribe reads what it must recover, deliveries wait here; then
  // release() sends the subscribe reply and everything held, in order.
  void hold();
  void release(const std::string& first);

  RealtimeCore& core_;
  std::shared_ptr<http::WsConnection> connection_;
  std::string client_id_;
  Principal principal_;
  bool connected_ = false;
  std::shared_ptr<std::atomic<bool>> connected_flag_ = std::make_shared<std::atomic<bool>>(false);
  std::set<std::string> subscriptions_;
  std::map<std::string, std::shared_ptr<ChannelOwner>> streams_;
  // Guards connection_ against the hub's and the keep-alive's threads, and held_.
  std::mutex hold_mutex_;
  struct Held {
    std::string frame;
    bool droppable = false;
    std::string latest_key;  // set for deliver_latest()
  };
  std::optional<std::vector<Held>> held_;  // while a stream subscribe reads its recovery
  std::atomic<bool> pong_due_{false};
  double tokens_;
  std::chrono::steady_clock::time_point last_refill_;
};

// Valid channel names: 1..255 of [A-Za-z0-9_:#.@=-], namespace before the first ':'.
bool valid_channel(std::string_view channel);
std::string channel_namespace(std::string_view channel);

}  // namespace tc::realtime
