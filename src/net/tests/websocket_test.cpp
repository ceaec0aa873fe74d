// The WebSocket plumbing against a real socket: echo, one frame per event-loop
// turn, message size limit, and the slow-consumer rules of the outbox.
#include "net/http_server.h"

#include <gtest/gtest.h>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>

namespace tc::http {
namespace {

namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = boost::asio::ip::tcp;

// Echoes; "burst N SIZE" queues N messages of SIZE bytes in one turn;
// "ephemeral N SIZE" queues N droppable messages and then one durable "last";
// "latest N SIZE" queues N keyed messages `a<i>` and `b<i>` (i < N, padded to SIZE)
// in one turn, then "end".
class TestHandler final : public WsHandler {
 public:
  void on_open(std::shared_ptr<WsConnection> c) override { conn_ = std::move(c); }
  boost::asio::awaitable<void> on_message(std::string m) override {
    int n = 0, size = 0;
    char kind[16] = {};
    if (std::sscanf(m.c_str(), "%15s %d %d", kind, &n, &size) == 3) {
      if (std::string(kind) == "latest") {
        for (int i = 0; i < n; ++i) {
          for (const char* key : {"a", "b"}) {
            auto text = key + std::to_string(i);
            text.resize(std::max<std::size_t>(text.size(), static_cast<std::size_t>(size)), '.');
            conn_->send_latest(std::move(text), key);
          }
        }
        conn_->send("end");
        co_return;
      }
      bool droppable = std::string(kind) == "ephemeral";
      for (int i = 0; i < n; ++i) conn_->send(std::string(static_cast<std::size_t>(size), 'x'), droppable);
      if (droppable) conn_->send("last");
    } else {
      conn_->send("echo:" + m);
    }
    co_return;
  }
  void on_close(std::uint16_t) override { conn_.reset(); }

 private:
  std::shared_ptr<WsConnection> conn_;
};

class WebSocketTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ServerOptions o;
    o.addr = "127.0.0.1:0";
    o.ws_max_message_bytes = 1024;
    o.ws_max_outbox_bytes = 64ULL * 1024;
    o.shutdown_timeout = std::chrono::milliseconds(2000);
    pipeline_ = std::make_unique<Pipeline>(router_, metrics_, PipelineOptions{});
    server_ = std::make_unique<HttpServer>(o, *pipeline_, metrics_);
    server_->add_websocket("/ws", [](const Request&) { return std::make_unique<TestHandler>(); });
    server_->start();
    auto addr = server_->local_address();
    port_ = addr.substr(addr.rfind(':') + 1);
  }
  void TearDown() override { server_->shutdown(); }

  std::unique_ptr<websocket::stream<tcp::socket>> connect() {
    auto ws = std::make_unique<websocket::stream<tcp::socket>>(io_);
    tcp::resolver resolver(io_);
    boost::asio::connect(ws->next_layer(), resolver.resolve("127.0.0.1", port_));
    ws->handshake("127.0.0.1", "/ws");
    return ws;
  }

  static std::string read_text(websocket::stream<tcp::socket>& ws) {
    beast::flat_buffer b;
    ws.read(b);
    return beast::buffers_to_string(b.data());
  }

  boost::asio::io_context io_;
  Router router_;
  metrics::Registry metrics_;
  std::unique_ptr<Pipeline> pipeline_;
  std::unique_ptr<HttpServer> server_;
  std::string port_;
};

TEST_F(WebSocketTest, EchoesInOrder) {
  auto ws = connect();
  ws->write(boost::asio::buffer(std::string("one")));
  ws->write(boost::asio::buffer(std::string("two")));
  std::string got = read_text(*ws);
  if (got == "echo:one") got += "\n" + read_text(*ws);
  EXPECT_EQ(got, "echo:one\necho:two");
}

TEST_F(WebSocketTest, MessagesQueuedInOneTurnLeaveInOneFrame) {
  auto ws = connect();
  ws->write(boost::asio::buffer(std::string("burst 5 3")));
  EXPECT_EQ(read_text(*ws), "xxx\nxxx\nxxx\nxxx\nxxx");
}

TEST_F(WebSocketTest, OversizeMessageClosesWith1009) {
  auto ws = connect();
  // Small enough to arrive in one read, so the server has no unread bytes (no RST).
  ws->write(boost::asio::buffer(std::string(2000, 'a')));
  beast::flat_buffer b;
  beast::error_code ec;
  ws->read(b, ec);
  EXPECT_TRUE(ec);  // closed, or ENOTCONN when our close reply meets a socket already torn down
  EXPECT_EQ(ws->reason().code, 1009);
}

TEST_F(WebSocketTest, SlowConsumerLosesDroppableMessagesFirst) {
  auto ws = connect();
  // 200 KiB of droppable messages exceed the 64 KiB outbox: they are shed and the
  // durable message still arrives on a connection that stays open.
  ws->write(boost::asio::buffer(std::string("ephemeral 200 1024")));
  std::string got = read_text(*ws);
  EXPECT_EQ(got.substr(got.size() - 4), "last");
  EXPECT_LT(got.size(), 64u * 1024u + 100u);
  ws->write(boost::asio::buffer(std::string("still open")));
  EXPECT_EQ(read_text(*ws), "echo:still open");
  EXPECT_GT(metrics_.counter("tradechat_ws_dropped_messages_total", "").value(), 0);
}

TEST_F(WebSocketTest, OverflowOfDurableMessagesDisconnectsWith3008) {
  auto ws = connect();
  ws->write(boost::asio::buffer(std::string("burst 200 1024")));
  beast::flat_buffer b;
  beast::error_code ec;
  ws->read(b, ec);
  EXPECT_EQ(ec, websocket::error::closed);
  EXPECT_EQ(ws->reason().code, kWsCloseSlow);
}

TEST_F(WebSocketTest, AKeyedMessageReplacesTheOlderOneStillInTheOutbox) {
  auto ws = connect();
  // 2 × 500 keyed messages of 1 KiB would be 1 MB, far over the 64 KiB outbox; each
  // replaces its key's older one where it waits, so the reader gets the newest of
  // each key, in their first places, and stays connected.
  ws->write(boost::asio::buffer(std::string("latest 500 1024")));
  auto got = read_text(*ws);
  ASSERT_EQ(got.size(), 2 * 1024 + 2 + 3);  // two messages, two newlines, "end"
  EXPECT_EQ(got.substr(0, 4), "a499");
  EXPECT_EQ(got.substr(1025, 4), "b499");
  EXPECT_EQ(got.substr(got.size() - 4), "\nend");
  EXPECT_EQ(metrics_.counter("tradechat_ws_conflated_messages_total", "").value(), 998);
  ws->write(boost::asio::buffer(std::string("still open")));
  EXPECT_EQ(read_text(*ws), "echo:still open");
}

TEST_F(WebSocketTest, ShutdownClosesWith1001) {
  auto ws = connect();
  ws->write(boost::asio::buffer(std::string("hi")));
  EXPECT_EQ(read_text(*ws), "echo:hi");
  std::thread stopper([this] { server_->shutdown(); });
  beast::flat_buffer b;
  beast::error_code ec;
  ws->read(b, ec);
  EXPECT_EQ(ec, websocket::error::closed);
  EXPECT_EQ(ws->reason().code, kWsCloseGoingAway);
  stopper.join();
}

TEST_F(WebSocketTest, UnknownPathIsNotUpgraded) {
  websocket::stream<tcp::socket> ws(io_);
  tcp::resolver resolver(io_);
  boost::asio::connect(ws.next_layer(), resolver.resolve("127.0.0.1", port_));
  beast::error_code ec;
  ws.handshake("127.0.0.1", "/elsewhere", ec);
  EXPECT_TRUE(ec);
}

}  // namespace
}  // namespace tc::http
