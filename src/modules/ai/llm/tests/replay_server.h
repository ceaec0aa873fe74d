// A loopback HTTP server that replays recorded provider answers for the tests:
// each request takes the next queued Reply (status, headers, body written in
// pieces with chunked encoding), optionally cut mid-body or held open until the
// client closes the connection (which is recorded: cancellation must close it).
#pragma once

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <deque>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

namespace tc::ai::llm::testing {

inline std::string transcript(const std::string& name) {
  // The test may run from the build tree or the source tree; find the folder.
  std::vector<std::filesystem::path> roots{std::filesystem::path(__FILE__).parent_path()};
  for (auto p = std::filesystem::current_path(); !p.empty(); p = p.parent_path()) {
    roots.push_back(p / "src/modules/ai/llm/tests");
    if (p == p.parent_path()) break;
  }
  for (const auto& root : roots) {
    std::ifstream in(root / "transcripts" / name, std::ios::binary);
    if (in) return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  }
  throw std::runtime_error("transcript not found: " + name);
}

struct Reply {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;  // Content-Type defaults by status
  std::string body;
  std::size_t piece = 0;                  // body written in pieces of this size (0: one piece)
  std::optional<std::size_t> cut_after;   // close after this many body bytes, mid-chunk
  std::optional<std::size_t> hold_after;  // after this many bytes, wait until the client closes
};

struct SeenRequest {
  std::string head;  // request line and headers
  std::string body;
};

class ReplayServer {
 public:
  explicit ReplayServer(boost::asio::io_context& ioc)
      : acceptor_(ioc, {boost::asio::ip::make_address("127.0.0.1"), 0}) {
    boost::asio::co_spawn(ioc, accept_loop(), boost::asio::detached);
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(acceptor_.local_endpoint().port()); }
  void push(Reply r) { state_->queue.push_back(std::move(r)); }
  void stop() {
    boost::system::error_code ignored;
    acceptor_.close(ignored);
  }
  const std::vector<SeenRequest>& requests() const { return state_->seen; }
  // Connections the client closed while the server was holding them open.
  int client_closes() const { return state_->client_closes; }

 private:
  struct State {
    std::deque<Reply> queue;
    std::vector<SeenRequest> seen;
    int client_closes = 0;
  };

  boost::asio::awaitable<void> accept_loop() {
    for (;;) {
      boost::system::error_code ec;
      auto socket = co_await acceptor_.async_accept(boost::asio::redirect_error(boost::asio::use_awaitable, ec));
      if (ec) co_return;
      boost::asio::co_spawn(acceptor_.get_executor(), serve(std::move(socket), state_), boost::asio::detached);
    }
  }

  static std::string reason(int status) {
    switch (status) {
      case 200: return "OK";
      case 400: return "Bad Request";
      case 401: return "Unauthorized";
      case 429: return "Too Many Requests";
      case 500: return "Internal Server Error";
      case 503: return "Service Unavailable";
      default: return "Status";
    }
  }

  static std::string hex(std::size_t n) {
    std::ostringstream s;
    s << std::hex << n;
    return s.str();
  }

  static boost::asio::awaitable<void> serve(boost::asio::ip::tcp::socket socket, std::shared_ptr<State> state) {
    namespace asio = boost::asio;
    boost::system::error_code ec;
    asio::streambuf buf;
    const std::size_t head_len =
        co_await asio::async_read_until(socket, buf, "\r\n\r\n", asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return;
    std::string data(asio::buffers_begin(buf.data()), asio::buffers_end(buf.data()));
    SeenRequest seen{data.substr(0, head_len), data.substr(head_len)};
    std::size_t content_length = 0;
    std::string lower = seen.head;
    for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (auto p = lower.find("content-length:"); p != std::string::npos)
      content_length = std::stoul(lower.substr(p + 15));
    while (seen.body.size() < content_length) {
      char tmp[4096];
      const auto n = co_await socket.async_read_some(asio::buffer(tmp), asio::redirect_error(asio::use_awaitable, ec));
      if (ec) co_return;
      seen.body.append(tmp, n);
    }
    state->seen.push_back(seen);
    Reply r;
    if (!state->queue.empty()) {
      r = std::move(state->queue.front());
      state->queue.pop_front();
    } else {
      r.status = 500;
      r.body = R"({"error":{"message":"no reply queued"}})";
    }
    std::string head = "HTTP/1.1 " + std::to_string(r.status) + " " + reason(r.status) + "\r\n";
    bool has_type = false;
    for (const auto& [k, v] : r.headers) {
      head.append(k).append(": ").append(v).append("\r\n");
      if (k == "Content-Type") has_type = true;
    }
    if (!has_type)
      head += r.status == 200 ? "Content-Type: text/event-stream\r\n" : "Content-Type: application/json\r\n";
    head += "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n";
    co_await asio::async_write(socket, asio::buffer(head), asio::redirect_error(asio::use_awaitable, ec));
    const std::size_t limit = r.cut_after ? *r.cut_after : r.hold_after ? *r.hold_after : r.body.size();
    const std::size_t piece = r.piece ? r.piece : r.body.size();
    std::size_t sent = 0;
    while (!ec && sent < r.body.size()) {
      const std::size_t n = std::min(piece, r.body.size() - sent);
      std::string chunk = hex(n) + "\r\n";
      const std::size_t room = limit - std::min(limit, sent);
      chunk += r.body.substr(sent, std::min(n, room));
      if (n > room) {  // the cut or hold falls inside this piece: the chunk stays unfinished
        co_await asio::async_write(socket, asio::buffer(chunk), asio::redirect_error(asio::use_awaitable, ec));
        sent = limit;
        break;
      }
      chunk += "\r\n";
      co_await asio::async_write(socket, asio::buffer(chunk), asio::redirect_error(asio::use_awaitable, ec));
      sent += n;
      if (sent == limit && limit < r.body.size()) break;
    }
    if (ec) co_return;
    if (r.hold_after) {
      char tmp[64];
      for (;;) {
        co_await socket.async_read_some(asio::buffer(tmp), asio::redirect_error(asio::use_awaitable, ec));
        if (ec) break;
      }
      ++state->client_closes;
      co_return;
    }
    if (!r.cut_after) {
      co_await asio::async_write(socket, asio::buffer(std::string("0\r\n\r\n")),
                                 asio::redirect_error(asio::use_awaitable, ec));
    }
    socket.shutdown(asio::ip::tcp::socket::shutdown_send, ec);
    socket.close(ec);
  }

  boost::asio::ip::tcp::acceptor acceptor_;
  std::shared_ptr<State> state_ = std::make_shared<State>();
};

}  // namespace tc::ai::llm::testing
