// A WebSocket client for feeds that stream over ws:// or wss:// (exchange market
// data). Beast stays in ws_client.cpp; callers see only Asio awaitables.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tc::http {

struct WsUrl {
  bool tls = false;
  std::string host;
  std::string port;
  std::string target;  // path and query
};
// ws://host[:port]/target or wss://…; nullopt when malformed.
std::optional<WsUrl> parse_ws_url(std::string_view url);

class WsClient {
 public:
  explicit WsClient(boost::asio::any_io_executor executor);
  ~WsClient();
  WsClient(const WsClient&) = delete;
  WsClient& operator=(const WsClient&) = delete;

  // Connects (DNS, TCP, for wss TLS with SNI and certificate verification against
  // the system store, the WebSocket handshake) and calls on_message for every text
  // message until the peer closes, the connection fails, or cancel() is called.
  // Throws on failure (and on cancel). One run at a time; pings are answered.
  boost::asio::awaitable<void> run(WsUrl url, std::function<void(std::string)> on_message);
  // The same for protocols that answer (a vendor's auth and subscribe steps): every
  // text the handler returns is sent, in order, before the next message is read.
  using Replier = std::function<std::vector<std::string>(std::string)>;
  boost::asio::awaitable<void> run_with_replies(WsUrl url, Replier on_message);
  // Ends a run in progress; call on the client's executor.
  void cancel();

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace tc::http
